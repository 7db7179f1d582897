"""What customer service holds about a person, for the privacy registry: export and erasure."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from storefront.cart.models import Order
from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.registry import REASONS, Person, ReceiptLine, personal_data, rows_about
from storefront.support.models import SupportMessage, SupportTicket

REASONS["support_history"] = _l(
    "Kept as the history of our customer service: that a conversation took place and when, with your name, "
    "email address, the subject and every message removed."
)
REASONS["support_replies"] = _l(
    "The answers you wrote on the shop's behalf stay in the customers' conversations; the link to your "
    "account is removed."
)


def _tickets_about(person: Person):
    return rows_about(person, SupportTicket.user_id, SupportTicket.email_digest)


def export_tickets(person: Person) -> list[dict]:
    rows = db.session.execute(
        select(SupportTicket, Order.number).outerjoin(Order, Order.id == SupportTicket.order_id)
        .where(_tickets_about(person)).order_by(SupportTicket.id)
        .options(selectinload(SupportTicket.messages))
    ).all()
    return [
        {
            "reference": ticket.reference, "created_at": ticket.created_at.isoformat(), "status": ticket.status,
            "language": ticket.locale, "name": ticket.name, "email": ticket.email, "subject": ticket.subject,
            "order": number, "opened_by": "shop" if ticket.opened_by_id is not None else "customer",
            # Staff replies are the shop's: which staff member wrote them is not the customer's data.
            "messages": [{"from": "you" if m.author == "customer" else "shop", "at": m.created_at.isoformat(),
                          "text": m.body} for m in ticket.messages],
        }
        for ticket, number in rows
    ]


def erase_tickets(person: Person) -> list[ReceiptLine]:
    """The conversations stay as history: the person's link, contact data, subject and messages go."""
    about = select(SupportTicket.id).where(_tickets_about(person)).scalar_subquery()
    db.session.execute(update(SupportMessage).where(SupportMessage.ticket_id.in_(about)).values(body=None)
                       .execution_options(synchronize_session=False))
    kept = db.session.execute(
        update(SupportTicket).where(_tickets_about(person))
        .values(user_id=None, email=None, email_digest=None, name=None, subject=None, status="closed",
                personal_data_erased_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if person.user_id is not None:
        # A staff member's account: the conversations they opened with customers forget who opened them.
        db.session.execute(update(SupportTicket).where(SupportTicket.opened_by_id == person.user_id)
                           .values(opened_by_id=None).execution_options(synchronize_session=False))
    return [ReceiptLine("support", "kept", kept, "support_history")]


def export_staff_replies(person: Person) -> list[dict]:
    """Which conversations a staff member answered, and when; not the text (it is about the customer)."""
    if person.user_id is None:
        return []
    rows = db.session.execute(
        select(SupportTicket.reference, SupportMessage.created_at).join(SupportTicket)
        .where(SupportMessage.staff_id == person.user_id).order_by(SupportMessage.id)
    ).all()
    return [{"ticket": reference, "created_at": at.isoformat()} for reference, at in rows]


def erase_staff_replies(person: Person) -> list[ReceiptLine]:
    if person.user_id is None:
        return [ReceiptLine("support_staff_replies", "kept", 0, "support_replies")]
    kept = db.session.execute(
        update(SupportMessage).where(SupportMessage.staff_id == person.user_id).values(staff_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return [ReceiptLine("support_staff_replies", "kept", kept, "support_replies")]


def register() -> None:
    personal_data("support_ticket", category="support", label=_l("Customer service conversations"),
                  export=export_tickets, erase=erase_tickets, order=40)
    personal_data("support_message", category="support_staff_replies",
                  label=_l("Customer service answers you wrote for the shop"),
                  export=export_staff_replies, erase=erase_staff_replies, order=41)
