"""Customer-service rules: opening tickets, messages and replies, who may read a ticket, the emails they send.

No request, session or current_user here: views pass in what they know. Functions flush, never commit.
"""

import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.account.models import User
from storefront.account.services import canonical_email, person_of
from storefront.cart.models import Order
from storefront.cart.services import ORDER_NUMBER
from storefront.database import Page, utcnow
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.notifications.services import external_url, one_line, queue_email
from storefront.privacy.registry import rows_about
from storefront.security import email_digest
from storefront.support.models import SupportMessage, SupportTicket

NAME_MAX, SUBJECT_MAX, MESSAGE_MAX = 120, 200, 5000
# Like order numbers: no 0/O, 1/I/L or U, so a reference survives being read out on the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE = re.compile(r"T-[2-9A-HJKMNP-TV-Z]{8}")

STATUS_LABELS = {"open": _l("Waiting for the shop"), "answered": _l("Answered"), "closed": _l("Closed")}
# The inbox shows the tickets that need the shop first.
_STATUS_ORDER = case({"open": 0, "answered": 1, "closed": 2}, value=SupportTicket.status, else_=3)


def status_label(status: str):
    return STATUS_LABELS.get(status, status)


class NotFound(Exception):
    """No such ticket, or not one the requester may see."""


class SupportError(Exception):
    """A refusal with a translated message for the person at the form."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OrderNotFound(SupportError):
    def __init__(self):
        # One message whether the order does not exist or is someone else's: it tells nothing about either.
        super().__init__(_l("We cannot find an order with this number under your account or email address. "
                            "Please check the number, or leave the field empty."))


class ContactErased(SupportError):
    def __init__(self):
        super().__init__(_l("The customer's contact details were erased at their request: we can no longer "
                            "write to them."))


# References and links --------------------------------------------------------------------------------


def new_reference() -> str:
    return "T-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def clean_reference(raw: str | None) -> str | None:
    """The reference as stored (upper case), or None when it cannot be one."""
    text = (raw or "").strip().upper()
    return text if REFERENCE.fullmatch(text) else None


def _link_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="support-link")


def link_token(ticket: SupportTicket) -> str:
    """The signed token of a guest's conversation link (in the emails): it opens this ticket only."""
    return _link_serializer().dumps(ticket.reference)


def token_opens(token: str | None, reference: str) -> bool:
    if not token or len(token) > 200:
        return False
    try:
        return secrets.compare_digest(str(_link_serializer().loads(token)), reference)
    except BadSignature:
        return False


def conversation_url(ticket: SupportTicket) -> str:
    """Where the customer reads and answers the ticket: their account, or the signed guest link."""
    if ticket.user_id is not None:
        return external_url("support.conversation", lang=ticket.locale, reference=ticket.reference)
    return external_url("support.guest_conversation", lang=ticket.locale, reference=ticket.reference,
                        token=link_token(ticket))


# Opening tickets -------------------------------------------------------------------------------------


def find_order_for_writer(number: str, *, email: str, user: User | None) -> Order:
    """The order the writer names: a signed-in writer's by account (or a guest order under its confirmed
    address); a guest's when placed under the email address they give.

    Raises OrderNotFound alike for an unknown number and for someone else's order.
    """
    order = _order_numbered(number)
    if order is None:
        raise OrderNotFound()
    if user is not None:
        # The account's orders, and guest orders under its address once confirmed (the registry's rule).
        if order.user_id == user.id or (
                order.user_id is None and user.is_confirmed and order.email_digest == email_digest(user.email)):
            return order
        raise OrderNotFound()
    if order.email_digest is not None and order.email_digest == email_digest(canonical_email(email)):
        return order
    raise OrderNotFound()


def open_ticket(*, name: str, email: str, subject: str, message: str, locale: str, user_id: int | None = None,
                order: Order | None = None) -> SupportTicket:
    """A ticket from the contact form with its first message; acknowledges it and tells the shop. Flushes."""
    address = canonical_email(email)
    ticket = SupportTicket(
        user_id=user_id, email=address, email_digest=email_digest(address), name=one_line(name),
        subject=one_line(subject), order_id=order.id if order else None, locale=locale, status="open",
        messages=[SupportMessage(author="customer", body=message)],
    )
    _insert(ticket)
    queue_email(to=ticket.email, template="support_received", locale=ticket.locale, user_id=ticket.user_id,
                subject=_l("We received your message %(reference)s", reference=ticket.reference),
                reference=ticket.reference, link=conversation_url(ticket))
    _notify_shop(ticket, reply=False)
    return ticket


def subject_about_order(order: Order) -> str:
    """The suggested subject of a conversation about the order, in the order's language."""
    with force_locale(LANGUAGES[order.locale].babel):
        return gettext("A problem with your order %(number)s", number=order.number)


def open_about_order(order: Order, *, subject: str, message: str, staff_id: int) -> SupportTicket:
    """Staff write to the order's customer first: a ticket linked to the order, emailed in its language.

    Raises ContactErased when the order's email address was erased. Flushes.
    """
    if not order.email:
        raise ContactErased()
    ticket = SupportTicket(
        user_id=order.user_id, email=order.email, email_digest=order.email_digest, name=order.recipient,
        subject=one_line(subject), order_id=order.id, locale=order.locale, status="answered", opened_by_id=staff_id,
        messages=[SupportMessage(author="staff", staff_id=staff_id, body=message)],
    )
    _insert(ticket)
    queue_email(to=ticket.email, template="support_about_order", locale=ticket.locale, user_id=ticket.user_id,
                subject=_l("A problem with your order %(number)s", number=order.number),
                reference=ticket.reference, number=order.number, ticket_subject=ticket.subject, message=message,
                link=conversation_url(ticket))
    return ticket


def _insert(ticket: SupportTicket) -> None:
    for _attempt in range(5):
        ticket.reference = new_reference()
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
            return
        except IntegrityError:
            continue  # the reference is taken (one draw in a trillion): draw another
    raise RuntimeError("no free ticket reference after 5 draws")


# Messages in a ticket ------------------------------------------------------------------------------------


def add_customer_message(ticket: SupportTicket, body: str) -> SupportMessage:
    """The customer answers: the ticket is (re)opened for the shop, which is told. Flushes."""
    message = _add(ticket, SupportMessage(author="customer", body=body))
    ticket.status = "open"
    _notify_shop(ticket, reply=True)
    return message


def add_staff_reply(ticket: SupportTicket, body: str, *, staff_id: int) -> SupportMessage:
    """The shop answers: the customer is emailed in the ticket's language. Raises ContactErased. Flushes."""
    if not ticket.email:
        raise ContactErased()
    message = _add(ticket, SupportMessage(author="staff", staff_id=staff_id, body=body))
    ticket.status = "answered"
    queue_email(to=ticket.email, template="support_reply", locale=ticket.locale, user_id=ticket.user_id,
                subject=_l("Our answer to your message %(reference)s", reference=ticket.reference),
                reference=ticket.reference, ticket_subject=ticket.subject, message=body,
                link=conversation_url(ticket))
    return message


def _add(ticket: SupportTicket, message: SupportMessage) -> SupportMessage:
    message.ticket_id = ticket.id
    db.session.add(message)
    ticket.updated_at = utcnow()
    db.session.flush()
    return message


def close_ticket(ticket: SupportTicket) -> None:
    ticket.status = "closed"
    ticket.updated_at = utcnow()
    db.session.flush()


def reopen_ticket(ticket: SupportTicket) -> None:
    ticket.status = "open"
    ticket.updated_at = utcnow()
    db.session.flush()


def _notify_shop(ticket: SupportTicket, *, reply: bool) -> None:
    """Tell the shop's address: the reference and a link to the inbox, nothing the customer wrote."""
    config = current_app.config
    locale = config["DEFAULT_LOCALE"]
    subject = (_l("A customer answered in %(reference)s", reference=ticket.reference) if reply
               else _l("New customer message %(reference)s", reference=ticket.reference))
    queue_email(to=config["SHOP_EMAIL"], template="support_new_ticket", locale=locale, subject=subject,
                reference=ticket.reference, reply=reply, about_order=ticket.order_id is not None,
                link=external_url("admin.support_ticket", lang=locale, reference=ticket.reference))


# Finding tickets -----------------------------------------------------------------------------------------


def _tickets_of(user: User):
    return rows_about(person_of(user), SupportTicket.user_id, SupportTicket.email_digest)


def customer_tickets(user: User) -> list[SupportTicket]:
    """The account's tickets and, once its email is confirmed, those written under it without an account."""
    return list(db.session.scalars(
        select(SupportTicket).where(_tickets_of(user))
        .order_by(SupportTicket.updated_at.desc(), SupportTicket.id.desc())
    ))


def _one_with_messages(reference: str | None, *conditions) -> SupportTicket:
    reference = clean_reference(reference)
    ticket = reference and db.session.scalar(
        select(SupportTicket).where(SupportTicket.reference == reference, *conditions)
        .options(selectinload(SupportTicket.messages)))
    if not ticket:
        raise NotFound(reference)
    return ticket


def get_customer_ticket(user: User, reference: str | None) -> SupportTicket:
    """One of the customer's tickets with its messages; anyone else's is NotFound, as an unknown one."""
    return _one_with_messages(reference, _tickets_of(user))


def get_guest_ticket(reference: str | None, token: str | None) -> SupportTicket:
    """The ticket the signed link opens, with its messages; a wrong token or an erased ticket is NotFound."""
    if not token_opens(token, clean_reference(reference) or ""):
        raise NotFound(reference)
    return _one_with_messages(reference, SupportTicket.personal_data_erased_at.is_(None))


def get_ticket(reference: str | None) -> SupportTicket:
    """Any ticket with its messages (for staff); raises NotFound."""
    return _one_with_messages(reference)


def get_order(number: str | None) -> Order:
    """An order by its number (for staff opening a conversation about it); raises NotFound."""
    order = _order_numbered(number)
    if order is None:
        raise NotFound(number)
    return order


def _order_numbered(number: str | None) -> Order | None:
    number = (number or "").strip().upper()
    return db.session.scalar(select(Order).where(Order.number == number)) if ORDER_NUMBER.fullmatch(number) else None


def order_number_of(ticket: SupportTicket) -> str | None:
    if ticket.order_id is None:
        return None
    return db.session.scalar(select(Order.number).where(Order.id == ticket.order_id))


def staff_emails(ticket: SupportTicket) -> dict[int, str]:
    """The staff members who wrote in the ticket: id → email (for the admin only)."""
    ids = {m.staff_id for m in ticket.messages} | {ticket.opened_by_id}
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


# The staff inbox --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    ticket: SupportTicket
    order_number: str | None


def inbox(*, status: str | None = None, search: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    """One page of tickets: open ones first, then answered, then closed; newest activity first in each.

    `search` is a ticket reference, an order number or an email address (matched by its digest).
    Two queries, whatever the page holds.
    """
    conditions = []
    if status in STATUS_LABELS:
        conditions.append(SupportTicket.status == status)
    if search and search.strip():
        conditions.append(_search_condition(search.strip()))
    base = select(SupportTicket).outerjoin(Order, Order.id == SupportTicket.order_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(
        base.add_columns(Order.number)
        .order_by(_STATUS_ORDER, SupportTicket.updated_at.desc(), SupportTicket.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([InboxRow(ticket, number) for ticket, number in rows], page, per_page, total)


def count_waiting() -> int:
    """How many conversations wait for the shop's answer (for the admin's overview)."""
    return db.session.scalar(select(func.count()).select_from(SupportTicket).where(SupportTicket.status == "open"))


def _search_condition(text: str):
    if "@" in text:
        return SupportTicket.email_digest == email_digest(canonical_email(text[:320]))
    upper = text.upper()
    if ORDER_NUMBER.fullmatch(upper):
        return Order.number == upper
    if not upper.startswith("T-"):
        upper = "T-" + upper  # the reference typed without its prefix
    return SupportTicket.reference == upper[:16]
