"""The cart, checkout, order pages and the account's order history."""

from flask_login import user_logged_in

from storefront.cart import personal_data
from storefront.cart.views import bp, merge_visitor_cart

# A visitor's cart joins the account's cart when they sign in (or register).
user_logged_in.connect(merge_visitor_cart)
personal_data.register()

__all__ = ["bp"]
