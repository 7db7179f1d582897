"""The shop owner's and staff's area under /<lang>/admin/.

`views` holds the blueprint, its access checks and the owner's pages (staff, audit log, policy,
statistics); each other module adds one area's pages to the same blueprint.
"""

from storefront.admin import catalogue, customers, orders, support  # noqa: F401 - their routes
from storefront.admin.views import bp

__all__ = ["bp"]
