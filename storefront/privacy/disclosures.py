"""The disclosure register: every hand-over of personal data to someone outside the shop.

One function records it, with the recipient, the purpose and the names of the fields handed over
(never their values). The privacy issue (#5) builds the transparency pages on these rows.
"""

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.registry import REASONS, Person, ReceiptLine, personal_data
from storefront.security import email_digest

RECIPIENTS = {
    "card_processor": _l("Card processor"),
    "logistics": _l("Logistics company"),
    "authority": _l("Authority with a legal request"),
}
FIELD_LABELS = {
    "card_number": _l("card number"),
    "card_expiry": _l("card expiry date"),
    "card_cvc": _l("card security code"),
    "card_name": _l("name on the card"),
    "amount": _l("amount"),
    "name": _l("name"),
    "address": _l("address"),
    "email": _l("email address"),
    "phone": _l("phone number"),
}
REASONS["legal_duty"] = _l(
    "Kept because the law requires us to show to whom we gave personal data; the record now points to "
    "a pseudonym instead of you. Deleted after 3 years."
)


class Disclosure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(20))  # a key of RECIPIENTS
    recipient_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(40))
    fields: Mapped[str] = mapped_column(Text)  # comma-separated keys of FIELD_LABELS
    reference: Mapped[str | None] = mapped_column(String(40), index=True)  # e.g. the order number
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Who it was about, for a guest too: the email digest, or a pseudonym after an erasure.
    subject: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def field_list(self) -> list[str]:
        return [name for name in self.fields.split(",") if name]


def record_disclosure(*, recipient: str, recipient_name: str, purpose: str, fields: list[str],
                      email: str, user_id: int | None = None, reference: str | None = None) -> Disclosure:
    """Write down that `fields` about the person with this (canonical) email went to `recipient`. Flushes."""
    if recipient not in RECIPIENTS:
        raise ValueError(f"unknown recipient {recipient!r}")
    unknown = set(fields) - set(FIELD_LABELS)
    if unknown:
        raise ValueError(f"undeclared fields {sorted(unknown)}")
    row = Disclosure(recipient=recipient, recipient_name=recipient_name, purpose=purpose, fields=",".join(fields),
                     reference=reference, user_id=user_id, subject=email_digest(email))
    db.session.add(row)
    db.session.flush()
    return row


def _about(person: Person):
    conditions = [Disclosure.user_id == person.user_id] if person.user_id is not None else []
    if person.email_confirmed:  # records about guest orders under the address, never another account's
        conditions.append(and_(Disclosure.user_id.is_(None), Disclosure.subject == email_digest(person.email)))
    return or_(*conditions) if conditions else False


def export_disclosures(person: Person) -> list[dict]:
    rows = db.session.scalars(select(Disclosure).where(_about(person)).order_by(Disclosure.id))
    return [{"recipient": r.recipient, "recipient_name": r.recipient_name, "purpose": r.purpose,
             "fields": r.field_list, "reference": r.reference, "at": r.created_at.isoformat()} for r in rows]


def erase_disclosures(person: Person) -> list[ReceiptLine]:
    pseudonym = "erased-" + secrets.token_hex(16)
    kept = db.session.execute(
        update(Disclosure).where(_about(person)).values(user_id=None, subject=pseudonym)
        .execution_options(synchronize_session=False)
    ).rowcount
    return [ReceiptLine("disclosures", "kept", kept, "legal_duty")]


personal_data("disclosure", category="disclosures", label=_l("To whom we gave your data"),
              export=export_disclosures, erase=erase_disclosures, order=50)
