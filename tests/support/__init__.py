"""Helpers shared by the support tests: a valid contact form, reading tickets, messages and mail."""

from types import SimpleNamespace

from sqlalchemy import select

from storefront.extensions import db
from storefront.support import services
from storefront.support.models import SupportMessage, SupportTicket

CONTACT = {"name": "Ada Lovelace", "email": "ada@example.com", "order_number": "",
           "subject": "Lens cap missing", "message": "The box had no lens cap.\nCould you send one?"}
XSS = ('<script>alert("x")</script>', '<img src=x onerror="alert(1)">')


def _plain(row) -> SimpleNamespace:
    return SimpleNamespace(**{c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs})


def tickets(app) -> list[SimpleNamespace]:
    with app.app_context():
        return [_plain(t) for t in db.session.scalars(select(SupportTicket).order_by(SupportTicket.id))]


def messages(app, ticket_id: int | None = None) -> list[SimpleNamespace]:
    with app.app_context():
        query = select(SupportMessage).order_by(SupportMessage.id)
        if ticket_id is not None:
            query = query.where(SupportMessage.ticket_id == ticket_id)
        return [_plain(m) for m in db.session.scalars(query)]


def open_ticket(app, *, user_id: int | None = None, lang: str = "en", **fields) -> SimpleNamespace:
    """A ticket as the contact form opens it (emails queued), committed; returns it as a namespace."""
    values = {key: CONTACT[key] for key in ("name", "email", "subject", "message")} | fields
    with app.test_request_context(f"/{lang}/"):
        ticket = services.open_ticket(locale=lang, user_id=user_id, **values)
        db.session.commit()
        return _plain(ticket)


def staff_reply(app, reference: str, body: str, staff_id: int) -> None:
    with app.test_request_context("/en/"):
        services.add_staff_reply(services.get_ticket(reference), body, staff_id=staff_id)
        db.session.commit()


def set_status(app, reference: str, status: str) -> None:
    with app.app_context():
        ticket = db.session.scalar(select(SupportTicket).where(SupportTicket.reference == reference))
        ticket.status = status
        db.session.commit()


def guest_link(app, reference: str, lang: str = "en") -> str:
    with app.test_request_context(f"/{lang}/"):
        ticket = db.session.scalar(select(SupportTicket).where(SupportTicket.reference == reference))
        return f"/{lang}/contact/{reference}?token={services.link_token(ticket)}"
