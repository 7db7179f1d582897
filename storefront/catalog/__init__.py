"""The catalogue: categories, products and their pages."""

from storefront.catalog.views import bp

__all__ = ["bp"]
