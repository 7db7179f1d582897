"""The policy pages: terms, shipping, returns (and, later, the privacy policy and consent settings)."""

from storefront.policy.views import bp

__all__ = ["bp"]
