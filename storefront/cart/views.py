"""Cart pages. Adding to the cart answers 501 until the cart and checkout land (issue #4)."""

from flask import Blueprint, abort

from storefront.i18n import LANG_PREFIX

bp = Blueprint("cart", __name__, template_folder="templates", url_prefix=LANG_PREFIX)


@bp.post("/cart/items")
def add_item():
    abort(501)
