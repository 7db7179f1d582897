"""The policy pages: the privacy policy and its versions, consent settings, my-data, transparency;
terms, shipping and returns."""

from flask import g
from flask_login import user_logged_in, user_logged_out

from storefront.account.models import User
from storefront.extensions import db
from storefront.policy import tracking
from storefront.policy.views import bp
from storefront.privacy import visits


def on_sign_in(sender, user, **extra) -> None:
    """The browser's visit record becomes the account's, unless it is another account's: then this
    browser starts a record of its own (one person's browsing never lands in another's). The view commits."""
    record = visits.visit_record(tracking.visitor_token())
    if record is not None and record.user_id not in (None, user.id):
        tracking.start_new_visitor()
    elif tracking.consent_state().analytics_allowed:
        visits.link_to_user(tracking.visitor_token(), user.id)


def on_sign_out(sender, user, **extra) -> None:
    """Signing out leaves the account's record behind; after an erasure the browser forgets its
    consent id and token too, so nothing links what comes next to the erased person."""
    if not getattr(user, "is_authenticated", False):
        return  # signing out a visitor who was not signed in
    if db.session.get(User, user.id) is None:
        g.forget_browser = True
    else:
        tracking.start_new_visitor()


user_logged_in.connect(on_sign_in)
user_logged_out.connect(on_sign_out)
bp.after_app_request(tracking.settle_browser_cookies)

__all__ = ["bp"]
