"""Running an order after it is paid: shipping (the hand-over to the logistics company), delivery,
cancellation with restock and refund, refunds of returns, and what the admin reads about orders.

No request, session or current_user: views pass in the staff member. Functions flush, never commit.
Every step moves the status with a conditional UPDATE, so two staff members acting on one order at
once make exactly one step (and one hand-over); the loser gets WrongStatus and must roll back.
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, inspect, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storefront.account.models import User
from storefront.account.services import canonical_email
from storefront.cart.models import ORDER_STATUSES, Order, OrderEvent, OrderLine
from storefront.cart.services import ORDER_NUMBER, order_link_token, status_label
from storefront.catalog.models import Product
from storefront.database import Page, utc_day_bounds
from storefront.extensions import db
from storefront.notifications.services import queue_email
from storefront.payments import services as payments
from storefront.payments.models import Payment
from storefront.privacy import audit
from storefront.privacy.disclosures import ORDER_ADDRESS_FIELDS, ORDER_VALUES, Disclosure, hand_over
from storefront.security import email_digest

# What the logistics company receives, and so what its manifest holds (privacy.disclosures declares it).
LOGISTICS_FIELDS = ("name", "address", "phone", "email")
# The steps each status allows (the owner alone refunds; the view checks the role).
STEPS = {"paid": ("ship", "cancel"), "placed": ("cancel",), "shipped": ("deliver", "refund"),
         "delivered": ("refund",)}
TRACKING_NUMBER = re.compile(r"[A-Z0-9-]{4,40}")
_TRACKING_INPUT = re.compile(r"[A-Za-z0-9 -]+")
_NUMBER_PART = re.compile(r"[A-Z0-9-]{1,20}")
NOTE_LENGTH = 300


class FulfilmentError(Exception):
    """A step the order cannot take; nothing was changed. `message` is translated; `http_status` for the view."""

    http_status = 409

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class WrongStatus(FulfilmentError):
    """The order's status (perhaps just changed by someone else) does not allow the step."""


class NoAddress(FulfilmentError):
    """The order's personal data was erased: there is nobody to ship to."""


class NothingToRefund(FulfilmentError):
    """No captured payment belongs to the order."""


class BadInput(FulfilmentError):
    """A carrier other than the configured logistics company, a malformed tracking number, no reason."""

    http_status = 422


def _refusal(step: str, status: str):
    label = status_label(status)
    return {
        "ship": _l("Only a paid order can be shipped. Status of this order: %(status)s.", status=label),
        "deliver": _l("Only a shipped order can be marked delivered. Status of this order: %(status)s.",
                      status=label),
        "cancel": _l("Only an order that has not been shipped can be cancelled. Status of this order: %(status)s.",
                     status=label),
        "refund": _l("Only a shipped or delivered order can be refunded as a return. Status of this order: "
                     "%(status)s.", status=label),
    }[step]


def compact_tracking(raw: str | None) -> str | None:
    """The tracking number as stored (upper case, no spaces), or None when it is not 4–40 ASCII letters,
    digits and dashes (spaces between them are allowed and dropped)."""
    text = (raw or "").strip()
    if len(text) > 80 or not text.isascii() or not _TRACKING_INPUT.fullmatch(text):
        return None
    compact = text.replace(" ", "").upper()
    return compact if TRACKING_NUMBER.fullmatch(compact) else None


def one_line_note(text: str | None) -> str:
    return " ".join((text or "").split())[:NOTE_LENGTH]


def is_erased(order: Order) -> bool:
    return order.personal_data_erased_at is not None or not order.email or not order.recipient


def possible_steps(order: Order) -> tuple[str, ...]:
    """The steps the order's status allows; shipping also needs an address."""
    steps = STEPS.get(order.status, ())
    return tuple(step for step in steps if step != "ship" or not is_erased(order))


def audit_subject(order: Order) -> dict:
    """Whom an audit row about this order concerns: the account, or a guest's email digest."""
    return {"subject_user_id": order.user_id, "subject_email": order.email if order.user_id is None else None}


# The steps --------------------------------------------------------------------------------------------


def ship(order: Order, *, carrier: str, tracking_number: str, staff_id: int) -> dict:
    """Mark a paid order shipped, hand its recipient data to the logistics company once, email the customer.

    Returns the manifest handed over (name, address, phone, email). Flushes. Raises BadInput (a
    carrier that is not STOREFRONT_LOGISTICS_COMPANY, a tracking number not as compact_tracking
    stores it), WrongStatus (not paid, also when another request shipped it first) or NoAddress.
    """
    if carrier != current_app.config["LOGISTICS_COMPANY"]:
        raise BadInput(_l("Only the logistics company named in the privacy policy may receive the order."))
    if not TRACKING_NUMBER.fullmatch(tracking_number or ""):
        raise BadInput(_l("Enter 4 to 40 letters, digits or dashes."))
    check_step(order, "ship")
    _move(order, "ship", "shipped", carrier=carrier, tracking_number=tracking_number)
    _add_event(order, "shipped", staff_id, note=f"{carrier} · {tracking_number}")
    manifest = hand_over(order, recipient="logistics", fields=LOGISTICS_FIELDS, recipient_name=carrier,
                         staff_id=staff_id)
    audit.record("disclosure", actor_id=staff_id, detail=order.number, **audit_subject(order))
    _tell(order, "order_shipped", _l("Your order %(number)s is on its way", number=order.number),
          carrier=carrier, tracking_number=tracking_number)
    return manifest


def deliver(order: Order, staff_id: int) -> None:
    """Mark a shipped order delivered and email the customer. Flushes; raises WrongStatus."""
    _move(order, "deliver", "delivered")
    _add_event(order, "delivered", staff_id)
    _tell(order, "order_delivered", _l("Your order %(number)s has been delivered", number=order.number))


def cancel(order: Order, staff_id: int, reason: str) -> Decimal:
    """Cancel an order that has not shipped: restock its lines, refund what was paid, email the customer.

    Returns the amount refunded (0 when nothing was captured). Flushes. Raises WrongStatus, or
    PaymentError when the processor fails: the caller rolls back and nothing has changed.
    """
    note = one_line_note(reason)
    if not note:
        raise BadInput(_l("Write why the order is cancelled: the customer reads it."))
    _move(order, "cancel", "cancelled")
    _restock(order)
    _add_event(order, "cancelled", staff_id, note=note)
    captured = _captured(order)
    refunded = sum((payment.amount for payment in captured), Decimal("0.00"))
    _tell(order, "order_cancelled", _l("Your order %(number)s is cancelled", number=order.number),
          reason=note, refunded=refunded)
    _refund_all(captured)  # last: the processor is the one step that cannot be rolled back
    return refunded


def refund(order: Order, staff_id: int) -> Decimal:
    """Refund a shipped or delivered order in full (a return) and email the customer; the owner's step.

    Returns the amount refunded. Flushes. Raises WrongStatus, NothingToRefund, or PaymentError when
    the processor fails (the caller rolls back).
    """
    check_step(order, "refund")
    captured = _captured(order)
    if not captured:
        raise NothingToRefund(_l("No card payment of this order is left to refund."))
    _move(order, "refund", "refunded")
    _add_event(order, "refunded", staff_id)
    refunded = sum((payment.amount for payment in captured), Decimal("0.00"))
    _tell(order, "order_refunded", _l("Your refund for order %(number)s", number=order.number), refunded=refunded)
    _refund_all(captured)
    return refunded


def check_step(order: Order, step: str) -> None:
    """Raise the step's refusal (WrongStatus, NoAddress) when the order as read cannot take it."""
    if step not in STEPS.get(order.status, ()):
        raise WrongStatus(_refusal(step, order.status))
    if step == "ship" and is_erased(order):
        raise NoAddress(_l("The personal data of this order was erased, so there is no address to ship it to."))


def _move(order: Order, step: str, status: str, **values) -> None:
    """Change the status only if the database still holds the one this order was read with."""
    check_step(order, step)
    moved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == order.status)
        .values(status=status, **values).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        # Another request made a step first: report the status it left.
        now = db.session.scalar(select(Order.status).where(Order.id == order.id))
        raise WrongStatus(_refusal(step, now or order.status))
    for key, value in {"status": status, **values}.items():
        set_committed_value(order, key, value)


def _add_event(order: Order, status: str, staff_id: int, note: str | None = None) -> None:
    event = OrderEvent(order_id=order.id, status=status, note=note, staff_id=staff_id)
    if "events" in inspect(order).unloaded:
        db.session.add(event)
    else:
        order.events.append(event)
    db.session.flush()


def _restock(order: Order) -> None:
    """Put each line's quantity back; a line whose product was deleted since (product_id NULL) is skipped."""
    lines = db.session.execute(
        select(OrderLine.product_id, func.sum(OrderLine.quantity))
        .where(OrderLine.order_id == order.id, OrderLine.product_id.is_not(None))
        .group_by(OrderLine.product_id).order_by(OrderLine.product_id)  # one lock order: no deadlocks
    ).all()
    for product_id, quantity in lines:
        db.session.execute(
            update(Product).where(Product.id == product_id).values(stock=Product.stock + quantity)
            .execution_options(synchronize_session=False)
        )


def _captured(order: Order) -> list[Payment]:
    return list(db.session.scalars(
        select(Payment).where(Payment.order_id == order.id, Payment.status == "captured").order_by(Payment.id)))


def _refund_all(captured: list[Payment]) -> None:
    for payment in captured:
        payments.refund(payment)


def _tell(order: Order, template: str, subject, **context) -> None:
    """Queue the email about this step in the order's language; an erased order has nobody to tell."""
    if not order.email:
        return
    queue_email(to=order.email, template=template, locale=order.locale, subject=subject, user_id=order.user_id,
                order=order, token=order_link_token(order), **context)


# What the admin reads ---------------------------------------------------------------------------------


def find_orders(*, status: str | None = None, day_from: date | None = None, day_to: date | None = None,
                search: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """One page of orders, newest first: by status, the days they were placed (UTC), and an order
    number (whole or part, any case) or the customer's email address (exact, any case)."""
    conditions = []
    if status in ORDER_STATUSES:
        conditions.append(Order.status == status)
    start, end = utc_day_bounds(day_from, day_to)
    if start:
        conditions.append(Order.created_at >= start)
    if end:
        conditions.append(Order.created_at < end)
    if search and search.strip():
        conditions.append(_matching(search))
    total = db.session.scalar(select(func.count()).select_from(Order).where(*conditions))
    rows = db.session.scalars(select(Order).where(*conditions).order_by(Order.created_at.desc(), Order.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return Page(list(rows), page, per_page, total)


def _matching(search: str):
    text = unicodedata.normalize("NFKC", search).strip()
    if "@" in text:
        # The email column is encrypted: find the address by the digest of its canonical form.
        return Order.email_digest == email_digest(canonical_email(text))
    number = text.upper()
    if ORDER_NUMBER.fullmatch(number):
        return Order.number == number
    if not _NUMBER_PART.fullmatch(number):
        return false()  # no order number holds anything else (nor a NUL, which PostgreSQL refuses)
    return Order.number.contains(number, autoescape=True)


def order_disclosures(order: Order) -> list[Disclosure]:
    """Every hand-over recorded for this order (card processor, logistics), oldest first.

    Only those recipients: an authority's reference could happen to read like an order number, and
    staff must never see a legal request (nor a confidential one at all)."""
    return list(db.session.scalars(
        select(Disclosure).where(Disclosure.reference == order.number,
                                 Disclosure.recipient.in_(("card_processor", "logistics")),
                                 Disclosure.confidential.is_(False))
        .order_by(Disclosure.id)))


def staff_emails(user_ids) -> dict[int, str]:
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


# The shipping manifest ------------------------------------------------------------------------------


def has_manifest(order: Order) -> bool:
    return order.status in ("shipped", "delivered") and order.carrier is not None and not is_erased(order)


def manifest_row(order: Order) -> dict:
    """One order's manifest line: exactly the values the logistics company was handed, and the parcel's."""
    values = {name: ORDER_VALUES[name](order) for name in LOGISTICS_FIELDS}
    address = values.pop("address")
    return {"order_number": order.number, "carrier": order.carrier, "tracking_number": order.tracking_number,
            "name": values["name"], **{field: address[field] for field in ORDER_ADDRESS_FIELDS},
            "phone": values["phone"], "email": values["email"], "items": order.item_count}


def shipped_on(day: date) -> list[Order]:
    """The orders handed to the configured logistics company on that UTC day (erased ones left out)."""
    start, end = utc_day_bounds(day, day)
    shipped = select(OrderEvent.order_id).where(OrderEvent.status == "shipped", OrderEvent.created_at >= start)
    if end is not None:
        shipped = shipped.where(OrderEvent.created_at < end)
    return list(db.session.scalars(
        select(Order).where(Order.id.in_(shipped), Order.carrier == current_app.config["LOGISTICS_COMPANY"],
                            Order.personal_data_erased_at.is_(None))
        .order_by(Order.id).options(selectinload(Order.lines))))
