"""Shopping accounts: registration, sign-in, profile, addresses, and the customer's export and deletion."""

from storefront.account import personal_data
from storefront.account.views import bp
# The modules that add their routes to bp.
from storefront.account.views import addresses, auth, privacy, profile  # noqa: F401

personal_data.register()

__all__ = ["bp"]
