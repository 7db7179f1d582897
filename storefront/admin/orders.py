"""Admin: orders: the list, one order, shipping (hand-over to logistics), delivery and cancellation."""

import csv
import io
import re
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from storefront.admin.forms import ActionForm
from storefront.admin.orders_forms import CancelForm, OrderFilterForm, RefundForm, ShipForm
from storefront.admin.views import bp, owner_only
from storefront.cart import fulfilment
from storefront.cart import services as orders
from storefront.database import parse_page, utcnow
from storefront.extensions import db
from storefront.payments.processors import PaymentError
from storefront.privacy import audit
from storefront.privacy.disclosures import RECIPIENTS

PER_PAGE = 50
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _order(number: str):
    try:
        return orders.get_order(number)
    except orders.NotFound:
        abort(404)


def _carrier() -> str:
    return current_app.config["LOGISTICS_COMPANY"]


@bp.get("/orders")
def orders_list():
    form = OrderFilterForm(request.args)
    form.validate()  # a malformed filter shows its error beside the field and is left out
    listing = fulfilment.find_orders(status=form.status_key(), day_from=form.day_from.data, day_to=form.day_to.data,
                                     search=form.search(), page=parse_page(request.args.get("page")),
                                     per_page=PER_PAGE)
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("admin/orders.html", form=form, listing=listing, args=args, today=utcnow().date())


@bp.get("/orders/<number>")
def order_detail(number):
    return _detail_page(_order(number))


def _detail_page(order, status: int = 200, alert=None, **forms):
    """The order with the forms its status allows; it shows personal data, so it writes an audit row."""
    steps = [step for step in fulfilment.possible_steps(order) if step != "refund" or current_user.role == "owner"]
    forms = {"ship": ShipForm(_carrier(), formdata=None), "deliver": ActionForm(formdata=None),
             "cancel": CancelForm(formdata=None), "refund": RefundForm(formdata=None), **forms}
    events = order.events
    disclosures = fulfilment.order_disclosures(order)
    people = fulfilment.staff_emails([e.staff_id for e in events] + [d.staff_id for d in disclosures])
    page = render_template("admin/order_detail.html", order=order, steps=steps, forms=forms, alert=alert,
                           disclosures=disclosures, people=people, recipients=RECIPIENTS,
                           erased=fulfilment.is_erased(order), has_manifest=fulfilment.has_manifest(order))
    audit.record("customer.view", actor_id=current_user.id, detail=order.number, **fulfilment.audit_subject(order))
    db.session.commit()
    return page, status


def _step(order, step: str, form, action, done: str):
    """One step of an order. Refused by its status → the page with the reason (409), by the form → 422,
    by the rules or the processor → the reason (409/422/503), nothing changed; done → 303 with a flash."""
    number, emailed = order.number, bool(order.email)
    try:
        fulfilment.check_step(order, step)
    except fulfilment.FulfilmentError as error:
        return _detail_page(order, error.http_status, alert=error.message)
    if not form.validate_on_submit():
        return _detail_page(order, 422, **{step: form})
    try:
        action(form)
    except fulfilment.FulfilmentError as error:
        db.session.rollback()
        return _detail_page(_order(number), error.http_status, alert=error.message)
    except PaymentError:
        db.session.rollback()
        return _detail_page(_order(number), 503, alert=_(
            "The card processor could not make the refund, so nothing was changed. Please try again later."))
    db.session.commit()
    flash(done, "success")
    if not emailed:
        flash(_("No email was sent: the personal data of this order was erased."), "info")
    return redirect(url_for("admin.order_detail", number=number), 303)


@bp.post("/orders/<number>/ship")
def ship_order(number):
    order = _order(number)
    return _step(order, "ship", ShipForm(_carrier()), lambda form: fulfilment.ship(
        order, carrier=form.carrier.data, tracking_number=form.tracking(), staff_id=current_user.id),
        _("Order %(number)s is marked shipped and its data is handed to the carrier.", number=number))


@bp.post("/orders/<number>/deliver")
def deliver_order(number):
    order = _order(number)
    return _step(order, "deliver", ActionForm(), lambda form: fulfilment.deliver(order, current_user.id),
                 _("Order %(number)s is marked delivered.", number=number))


@bp.post("/orders/<number>/cancel")
def cancel_order(number):
    order = _order(number)
    return _step(order, "cancel", CancelForm(),
                 lambda form: fulfilment.cancel(order, current_user.id, form.reason.data),
                 _("Order %(number)s is cancelled.", number=number))


@bp.post("/orders/<number>/refund")
@owner_only
def refund_order(number):
    order = _order(number)
    return _step(order, "refund", RefundForm(), lambda form: fulfilment.refund(order, current_user.id),
                 _("Order %(number)s is refunded.", number=number))


# The shipping manifest and the packing slip ---------------------------------------------------------------


MANIFEST_COLUMNS = {
    "order_number": _l("Order number"), "carrier": _l("Carrier"), "tracking_number": _l("Tracking number"),
    "name": _l("Name"), "line1": _l("Address line 1"), "line2": _l("Address line 2"), "district": _l("District"),
    "city": _l("City"), "region": _l("Region"), "postal_code": _l("Postal code"), "country": _l("Country"),
    "phone": _l("Phone"), "email": _l("Email address"), "items": _l("Items"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: a value that would start a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _manifest(orders_shipped, filename: str) -> Response:
    """The manifest as a CSV download, headers in the admin's language (with a BOM, so spreadsheets
    read Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(label) for label in MANIFEST_COLUMNS.values()])
    for order in orders_shipped:
        row = fulfilment.manifest_row(order)
        writer.writerow([csv_cell(row[key]) for key in MANIFEST_COLUMNS])
    return Response("\ufeff" + out.getvalue(), headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/orders/<number>/manifest.csv")
def order_manifest(number):
    order = _order(number)
    if not fulfilment.has_manifest(order):
        abort(404)
    filename = f"manifest-{order.number}.csv"
    download = _manifest([order], filename)
    audit.record("export", actor_id=current_user.id, detail=filename, **fulfilment.audit_subject(order))
    db.session.commit()
    return download


@bp.get("/orders/manifest.csv")
def day_manifest():
    day = _day(request.args.get("day"))
    shipped = fulfilment.shipped_on(day)
    filename = f"manifest-{day.isoformat()}.csv"
    download = _manifest(shipped, filename)
    # One row per customer in the file, so each person's audit trail shows the export.
    for order in shipped:
        audit.record("export", actor_id=current_user.id, detail=f"{filename} {order.number}",
                     **fulfilment.audit_subject(order))
    if not shipped:
        audit.record("export", actor_id=current_user.id, detail=filename)
    db.session.commit()
    return download


def _day(raw: str | None) -> date:
    if raw is None:
        return utcnow().date()
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        abort(400)


@bp.get("/orders/<number>/packing-slip")
def packing_slip(number):
    order = _order(number)
    page = render_template("admin/packing_slip.html", order=order, erased=fulfilment.is_erased(order))
    audit.record("customer.view", actor_id=current_user.id, detail=order.number, **fulfilment.audit_subject(order))
    db.session.commit()
    return page
