"""Rate limits of CONTRACT.md for sign-in and the forms that send email."""

import hashlib

from flask import request
from flask_login import current_user
from flask_limiter.util import get_remote_address

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


PASSWORD_CHECKS_PER_ACCOUNT = "5 per 15 minutes"


def _account_key() -> str:
    return f"password-check:{current_user.get_id() if current_user.is_authenticated else get_remote_address()}"


def password_check_limit(view):
    """Pages that ask a signed-in customer for their password again: 5 wrong answers per 15 minutes."""
    return limiter.limit(PASSWORD_CHECKS_PER_ACCOUNT, key_func=_account_key, methods=["POST"],
                         deduct_when=_failed)(view)


def login_rate_limits(view):
    """Failed sign-ins: 5 per 15 minutes per email address and 20 per minute per client address."""
    per_client = limiter.limit(FAILED_LOGINS_PER_CLIENT, key_func=get_remote_address, methods=["POST"],
                               deduct_when=_failed)
    per_email = limiter.limit(FAILED_LOGINS_PER_EMAIL, key_func=_login_email_key, methods=["POST"],
                              deduct_when=_failed)
    return per_client(per_email(view))
