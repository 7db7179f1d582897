"""The policy pages: the privacy policy and its versions, consent settings, my-data, transparency;
terms, shipping and returns."""

from flask_login import user_logged_in

from storefront.policy import tracking
from storefront.policy.views import bp
from storefront.privacy import visits


def link_visit_record(sender, user, **extra) -> None:
    """The browser's visit record belongs to the account that signs in on it (the view commits)."""
    if tracking.consent_state().analytics_allowed:
        visits.link_to_user(tracking.visitor_token(), user.id)


user_logged_in.connect(link_visit_record)

__all__ = ["bp"]
