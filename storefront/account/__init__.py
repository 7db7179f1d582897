"""Shopping accounts: registration, sign-in, profile, addresses, and the customer's export and deletion."""

from storefront.account import personal_data, services
from storefront.account.views import bp
# The modules that add their routes to bp.
from storefront.account.views import addresses, auth, privacy, profile  # noqa: F401

from storefront.privacy.policy import on_material_change

personal_data.register()
on_material_change(services.announce_policy)  # customers are emailed when the policy changes materially

__all__ = ["bp"]
