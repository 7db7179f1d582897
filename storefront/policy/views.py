"""Policy pages: terms of sale, shipping and returns (the privacy policy pages come with issue #5)."""

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

from storefront.i18n import LANG_PREFIX, money, request_language
from storefront.payments.processors import processor_display_name

bp = Blueprint("policy", __name__, template_folder="templates", url_prefix=LANG_PREFIX)

STATIC_PAGES = {
    "terms": _l("Terms of sale"),
    "shipping": _l("Shipping"),
    "returns": _l("Returns and warranty"),
}


def _static_page(name: str):
    config = current_app.config
    return render_template(
        f"policy/{name}_{request_language()}.html",
        page_title=STATIC_PAGES[name],
        shop_name=config["SHOP_NAME"],
        shop_email=config["SHOP_EMAIL"],
        shop_address=config["SHOP_ADDRESS"],
        shipping_flat=money(config["SHIPPING_FLAT"]),
        free_shipping_from=money(config["FREE_SHIPPING_FROM"]),
        logistics_company=config["LOGISTICS_COMPANY"],
        payment_processor=processor_display_name(),
        # The contact form (#6) and the privacy policy (#5) live at these contract URLs.
        contact_url=f"/{request_language()}/contact",
        privacy_url=f"/{request_language()}/privacy",
    )


@bp.get("/terms")
def terms():
    return _static_page("terms")


@bp.get("/shipping")
def shipping():
    return _static_page("shipping")


@bp.get("/returns")
def returns():
    return _static_page("returns")
