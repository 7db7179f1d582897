"""Cart, checkout, order pages and the account's order history."""

import logging
import re
import secrets

from flask import (
    Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for,
)
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from storefront.account.services import canonical_email
from storefront.cart import services
from storefront.cart.forms import CheckoutForm
from storefront.catalog import services as catalog
from storefront.extensions import db, limiter
from storefront.i18n import LANG_PREFIX, country_choices, request_language, translated_text
from storefront.payments.processors import PaymentError, processor_display_name
from storefront.payments.services import refund_reference

bp = Blueprint("cart", __name__, template_folder="templates", url_prefix=LANG_PREFIX)
log = logging.getLogger(__name__)

CART_COOKIE = "cart"
CHECKOUT_LIMIT = "30 per hour"  # per client address: card testing stops here
_CHECKOUT_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


# The visitor's cart and its cookie ---------------------------------------------------------------


def current_cart(create: bool = False, change: bool = False):
    """The signed-in customer's cart, or the visitor's from the cookie; created on demand.

    `create` and `change` renew a visitor's cookie: it lives as long as the cart is used.
    """
    if current_user.is_authenticated:
        cart = services.find_cart(user_id=current_user.id)
        return cart or (services.create_cart(user_id=current_user.id) if create else None)
    cart = services.find_cart(token=request.cookies.get(CART_COOKIE))
    if cart is not None and (create or change):
        g.touched_cart_token = request.cookies[CART_COOKIE]
    if cart is None and create:
        g.new_cart_token = services.new_cart_token()
        cart = services.create_cart(token=g.new_cart_token)
    return cart


def cart_count() -> int:
    """The header's item count: from the session, asking the database only when it is unknown."""
    if "cart_count" not in session:
        if not current_user.is_authenticated and CART_COOKIE not in request.cookies:
            return 0
        session["cart_count"] = services.item_count(current_cart())
    return session["cart_count"]


def remember_count(count: int) -> None:
    session["cart_count"] = count


@bp.after_app_request
def keep_cart_cookie(response):
    config = current_app.config
    token = g.pop("new_cart_token", None) or g.pop("touched_cart_token", None)
    if token:
        response.set_cookie(CART_COOKIE, token, max_age=int(services.CART_MAX_AGE.total_seconds()),
                            httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
    elif g.pop("forget_cart_cookie", False):
        response.delete_cookie(CART_COOKIE, httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
    return response


@bp.app_context_processor
def cart_globals():
    return {"cart_count": cart_count, "order_status_label": services.status_label,
            "max_quantity": services.max_quantity}


def merge_visitor_cart(sender, user, **extra) -> None:
    """On sign-in, the visitor's cart joins the account's; the cart page then lists what came over.

    Runs inside the sign-in request; the view's commit saves it.
    """
    token = request.cookies.get(CART_COOKIE)
    session.pop("cart_count", None)
    if not token:
        return
    g.forget_cart_cookie = True
    visitor = services.find_cart(token=token)
    if visitor is None:
        return
    target = services.find_cart(user_id=user.id) or services.create_cart(user_id=user.id)
    merged = services.merge_carts(visitor, target)
    if merged:
        session["cart_merged"] = [[m.product_id, m.quantity, m.wanted] for m in merged]
        count = sum(m.quantity for m in merged)
        if count:
            flash(ngettext("The %(num)d item you added before signing in is now in your cart.",
                           "The %(num)d items you added before signing in are now in your cart.", count), "info")
        if count < sum(m.wanted for m in merged):
            flash(_("Some items you added before signing in did not fit in your cart: see the cart for details."),
                  "info")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


# Cart pages --------------------------------------------------------------------------------------


def _render_cart(status: int = 200, errors: dict | None = None, alert: str | None = None):
    cart = current_cart()
    items = services.cart_items(cart)
    remember_count(sum(item.quantity for item in items))
    merged = _merged_lines(session.pop("cart_merged", []))
    response = render_template(
        "cart/cart.html", items=items, totals=services.totals(items), problems=services.problems(items),
        errors=errors or {}, alert=alert, merged=merged,
    )
    return response, status, {"Cache-Control": "no-store"}


def _merged_lines(merged: list) -> list:
    """(product, added, wanted) for what came over from the visitor's cart at sign-in."""
    lines = []
    for entry in merged:
        try:
            product_id, added, wanted = (int(value) for value in entry)
            lines.append((services.get_product(product_id), added, wanted))
        except (ValueError, TypeError, services.NotFound):
            continue  # a product deleted since, or a malformed session value
    return lines


@bp.get("/cart")
def show():
    return _render_cart()


@bp.post("/cart/items")
def add_item():
    try:
        product = services.get_product(services.parse_id(request.form.get("product_id")))
    except services.NotFound:
        abort(404)
    try:
        quantity = services.parse_quantity(request.form.get("quantity"), minimum=1)
        cart = current_cart(create=True)
        services.add_item(cart, product, quantity)
        count = services.item_count(cart)
    except services.CartError as error:
        db.session.rollback()
        g.pop("new_cart_token", None)
        return _refuse_add(product, error.message)
    message = _("Added to your cart: %(name)s × %(quantity)d", name=_product_name(product), quantity=quantity)
    db.session.commit()
    remember_count(count)
    if wants_json():
        return jsonify(ok=True, count=count, count_label=ngettext("%(num)d item", "%(num)d items", count),
                       message=message)
    flash(message, "success")
    return redirect(url_for("cart.show"), 303)


def _refuse_add(product, message):
    message = str(message)
    if wants_json():
        return jsonify(ok=False, message=message), 422
    if not product.is_active:
        return _render_cart(422, alert=message)
    return render_template("catalog/product_detail.html", product=catalog.get_product(product.slug),
                           quantity_error=message, quantity_value=request.form.get("quantity", "")[:10]), 422


@bp.post("/cart/items/<item_id>")
def update_item(item_id):
    cart = current_cart(change=True)
    try:
        item = services.get_item(cart, services.parse_id(item_id))
    except services.NotFound:
        abort(404)
    try:
        quantity = services.parse_quantity(request.form.get("quantity"), minimum=0)
        kept = services.set_quantity(cart, item, quantity)
        count = services.item_count(cart)
    except services.CartError as error:
        db.session.rollback()
        return _render_cart(422, errors={item.id: str(error.message)})
    db.session.commit()
    remember_count(count)
    flash(_("Your cart is updated.") if kept else _("The product is removed from your cart."), "success")
    return redirect(url_for("cart.show"), 303)


# Checkout ----------------------------------------------------------------------------------------


def _to_order(order):
    owned = current_user.is_authenticated and order.user_id == current_user.id
    token = None if owned else services.order_link_token(order)
    return redirect(url_for("cart.order", number=order.number, token=token), 303)


def _checkout_page(form, items, status: int, alert: str | None = None):
    form.forget_card()
    form.cart_version.data = services.cart_version(items)
    return render_template(
        "cart/checkout.html", form=form, items=items, totals=services.totals(items), alert=alert,
        processor_name=processor_display_name(), logistics_company=current_app.config["LOGISTICS_COMPANY"],
    ), status, {"Cache-Control": "no-store"}


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit(CHECKOUT_LIMIT, methods=["POST"])
def checkout():
    token = request.form.get("checkout_token", "")
    if request.method == "POST" and (existing := services.find_order_by_token(token)) is not None:
        return _to_order(existing)  # the same form again: the order it placed
    cart = current_cart()
    items = services.cart_items(cart)
    if not items:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"), 303)
    problems = services.problems(items)
    if problems and request.method == "GET":
        flash(_("Please check your cart: some products cannot be bought in these quantities."), "error")
        return redirect(url_for("cart.show"), 303)
    user = current_user if current_user.is_authenticated else None
    form = CheckoutForm(locale=request_language(), countries=country_choices(), processor_name=processor_display_name(),
                        addresses=services.saved_addresses(user) if user else (), signed_in=user is not None)
    if request.method == "GET":
        form.checkout_token.data = secrets.token_urlsafe(32)
        return _checkout_page(form, items, 200)
    if problems:
        # Bought by someone else since the page was shown.
        item = next(item for item in items if item.id in problems)
        form.validate()
        return _checkout_page(form, items, 422, _about(item.product, problems[item.id]))
    if not _CHECKOUT_TOKEN.fullmatch(token):
        form.checkout_token.data = secrets.token_urlsafe(32)
        form.validate()
        return _checkout_page(form, items, 422, _("Please check your order and place it again."))
    if not form.validate_on_submit():
        return _checkout_page(form, items, 422)
    email = user.email if user else canonical_email(form.email.data)
    try:
        order, payment = services.place_order(cart=cart, checkout_token=token, email=email,
                                              address=form.address_values(), locale=request_language(),
                                              user=user, card=form.card, expected_version=form.cart_version.data)
    except (services.DuplicateCheckout, services.CartError, PaymentError) as error:
        db.session.rollback()
        if (existing := services.find_order_by_token(token)) is not None:
            return _to_order(existing)
        if isinstance(error, services.DuplicateCheckout):
            abort(409)
        items = services.cart_items(current_cart())
        if isinstance(error, PaymentError):
            # The card details reached the processor even though no payment came of it.
            services.record_card_disclosure(email=email, user_id=user.id if user else None, reference=None)
            db.session.commit()
            form.card_number.errors = [*form.card_number.errors, error.message]
            return _checkout_page(form, items, 422, str(error.message))
        return _checkout_page(form, items, 422, _checkout_refusal(error))
    reference, amount = payment.reference, payment.amount
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return _order_not_saved(token, reference, amount)
    remember_count(0)
    flash(_("Thank you! Your order is paid and we are preparing it. A confirmation is on its way to your email."),
          "success")
    return _to_order(order)


def _order_not_saved(token: str, reference: str, amount):
    """The card was charged but the order did not commit: give the money back and say what happened."""
    log.exception("saving a paid order failed (payment %s, amount %s); refunding it", reference, amount)
    try:
        if (placed := services.find_order_by_token(token)) is not None:
            return _to_order(placed)  # it was saved after all (a parallel post of the same form)
    except SQLAlchemyError:
        db.session.rollback()
    try:
        refund_reference(reference, amount, idempotency_key=f"refund-{reference}")
    except PaymentError:
        log.critical("REFUND FAILED: payment %s of %s was captured for an order that was not saved; "
                     "refund it at the processor by hand", reference, amount)
        return render_template("cart/order_failed.html", refunded=False, reference=reference), 503
    return render_template("cart/order_failed.html", refunded=True, reference=reference), 503


def _checkout_refusal(error) -> str:
    product = getattr(error, "product", None)
    return _about(product, error.message) if product is not None else str(error.message)


def _about(product, message) -> str:
    return _("%(product)s: %(message)s", product=_product_name(product), message=message)


def _product_name(product) -> str:
    return translated_text(product, "name") or product.sku


# Orders ------------------------------------------------------------------------------------------


@bp.get("/orders/<number>")
def order(number):
    try:
        placed = services.get_order(number)
    except services.NotFound:
        abort(404)
    token = request.args.get("token")
    if not services.may_view(placed, current_user, token):
        abort(404)
    page = render_template("cart/order.html", order=placed)
    # The link's token must not travel on in a Referer header.
    return page, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.get("/account/orders")
@login_required
def order_history():
    return render_template("cart/orders.html", orders=services.order_history(current_user)), 200, {
        "Cache-Control": "no-store"}
