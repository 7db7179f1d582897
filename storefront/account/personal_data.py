"""What the account feature holds about a person, for the privacy registry: export and erasure."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from storefront.account.models import Address, User
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.privacy.registry import Person, ReceiptLine, personal_data, rows_about


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_profile(person: Person) -> dict | None:
    user = db.session.get(User, person.user_id) if person.user_id else None
    if user is None:
        return None
    return {
        "email": user.email, "email_confirmed_at": _iso(user.email_confirmed_at), "full_name": user.full_name,
        "phone": user.phone, "gender": user.gender, "birth_date": _iso(user.birth_date),
        "preferred_locale": user.preferred_locale, "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
    }


def erase_profile(person: Person) -> list[ReceiptLine]:
    deleted = db.session.execute(delete(User).where(User.id == person.user_id)).rowcount
    return [ReceiptLine("profile", "erased", deleted)]


def export_addresses(person: Person) -> list[dict]:
    rows = db.session.scalars(select(Address).where(Address.user_id == person.user_id).order_by(Address.id))
    return [{**{f: getattr(a, f) for f in Address.FIELDS}, "is_default": a.is_default} for a in rows]


def erase_addresses(person: Person) -> list[ReceiptLine]:
    deleted = db.session.execute(delete(Address).where(Address.user_id == person.user_id)).rowcount
    return [ReceiptLine("addresses", "erased", deleted)]


def _mail_to(person: Person):
    """The account's mail, and mail to its address with no account (once the address is proven theirs)."""
    return rows_about(person, OutboxMessage.user_id, OutboxMessage.recipient, digest=False)


def export_emails(person: Person) -> list[dict]:
    rows = db.session.scalars(select(OutboxMessage).where(_mail_to(person)).order_by(OutboxMessage.id))
    return [
        {"to": m.recipient, "subject": m.subject, "template": m.template, "language": m.locale,
         "status": m.status, "queued_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
        for m in rows
    ]


def erase_emails(person: Person) -> list[ReceiptLine]:
    pending = db.session.execute(
        delete(OutboxMessage).where(_mail_to(person), OutboxMessage.status == "pending")
    ).rowcount
    sent = db.session.execute(
        update(OutboxMessage).where(_mail_to(person))
        .values(recipient="", subject=None, body_text=None, body_html=None, user_id=None, last_error=None)
    ).rowcount
    return [ReceiptLine("emails", "erased", pending), ReceiptLine("emails", "kept", sent, "mail_log")]


def register() -> None:
    personal_data("address", category="addresses", label=_l("Saved addresses"),
                  export=export_addresses, erase=erase_addresses, order=10)
    personal_data("outbox_message", category="emails", label=_l("Emails we sent you"),
                  export=export_emails, erase=erase_emails, order=20)
    personal_data("user", category="profile", label=_l("Account and profile"),
                  export=export_profile, erase=erase_profile, order=1000)
