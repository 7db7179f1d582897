"""The shop owner's and staff's area under /<lang>/admin/."""

from storefront.admin.views import bp

__all__ = ["bp"]
