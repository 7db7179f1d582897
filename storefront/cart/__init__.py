"""The cart, checkout and orders."""

from storefront.cart.views import bp

__all__ = ["bp"]
