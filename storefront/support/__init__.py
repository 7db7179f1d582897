"""Customer service: the contact form, tickets, the customer's messages and the staff inbox."""

from storefront.support import models  # noqa: F401 - the tables, for the registry and migrations
from storefront.support import personal_data
from storefront.support.views import bp

personal_data.register()

__all__ = ["bp"]
