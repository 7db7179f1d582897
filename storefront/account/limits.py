"""Rate limits of CONTRACT.md for sign-in and the forms that send email."""

import functools
import hashlib

from flask import make_response, request
from flask_login import current_user
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse

from storefront.account.services import canonical_email
from storefront.extensions import limiter

PER_CLIENT_HOURLY = "5 per hour"
FAILED_LOGINS_PER_EMAIL = "5 per 15 minutes"
FAILED_LOGINS_PER_CLIENT = "20 per minute"
EMAIL_INPUT_MAX = 1000  # longer than any address; what is posted beyond it cannot change the key


def _failed(response) -> bool:
    # Only failed attempts count: a refused sign-in re-renders the form with 422.
    return response.status_code == 422


def _login_email_key() -> str:
    # The same key whether or not the account exists, so the limit tells nothing about it.
    # Hashed: a bounded key however long the posted text (and no address in the limiter's storage).
    email = canonical_email(request.form.get("email", "")[:EMAIL_INPUT_MAX])
    return "login-email:" + hashlib.sha256(email.encode()).hexdigest()


PASSWORD_CHECKS_PER_ACCOUNT = "5 per 15 minutes"  # noqa: S105 - a rate limit, not a password


def _account_key() -> str:
    return f"password-check:{current_user.get_id() if current_user.is_authenticated else get_remote_address()}"


def _failures_only(view, *limit_values: str):
    """Count only the failed attempts, exactly, however many workers take attempts at the same moment.

    Flask-Limiter's deduct_when tests a limit before the request and counts it only after the
    response, so attempts that overlap all pass the test: with 4 gunicorn workers, 8 passwords were
    checked against a limit of 5 (tests/multiworker). Here the limit counts every attempt before the
    view runs (one atomic increment, which refuses the attempt too many), and an attempt that turns
    out not to have failed (a right password, or one refused with 429) gives its place back.
    The give-back is a decrement: right for the fixed-window strategy, the one the shop uses.
    """
    items = [parse(value) for value in limit_values]

    def give_back() -> None:
        for counted in limiter.current_limits:
            if counted.limit in items:
                limiter.storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)

    @functools.wraps(view)
    def limited_view(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
        except RateLimitExceeded:
            give_back()
            raise
        if not _failed(response):
            give_back()
        return response

    return limited_view


def password_check_limit(view):
    """Pages that ask a signed-in customer for their password again: 5 wrong answers per 15 minutes."""
    limited = limiter.limit(PASSWORD_CHECKS_PER_ACCOUNT, key_func=_account_key, methods=["POST"])(view)
    return _failures_only(limited, PASSWORD_CHECKS_PER_ACCOUNT)


def login_rate_limits(view):
    """Failed sign-ins: 5 per 15 minutes per email address and 20 per minute per client address."""
    per_client = limiter.limit(FAILED_LOGINS_PER_CLIENT, key_func=get_remote_address, methods=["POST"])
    per_email = limiter.limit(FAILED_LOGINS_PER_EMAIL, key_func=_login_email_key, methods=["POST"])
    return _failures_only(per_client(per_email(view)), FAILED_LOGINS_PER_CLIENT, FAILED_LOGINS_PER_EMAIL)
