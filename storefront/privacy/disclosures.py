"""The disclosure register: every hand-over of personal data to someone outside the shop.

One function, `disclose()`, hands data over: each kind of recipient has a declared manifest of the
fields it may receive, any other field is refused, and a record says who received which fields
about whom, for which order or request, on which legal basis, when and by which staff member
(never the values). `hand_over()` builds the logistics manifest from an order. Customers see their
records in the privacy centre, except those an authority's request keeps confidential.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp
from sqlalchemy import Boolean, ForeignKey, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy import registry
from storefront.privacy.registry import REASONS, Person, ReceiptLine, personal_data, rows_about
from storefront.security import email_digest

RECIPIENTS = {
    "card_processor": _l("Card processor"),
    "logistics": _l("Logistics company"),
    "authority": _l("Authority with a legal request"),
    "advertising_partner": _l("Advertising partner"),
}
FIELD_LABELS = {
    "card_number": _l("card number"),
    "card_expiry": _l("card expiry date"),
    "card_cvc": _l("card security code"),
    "card_name": _l("name on the card"),
    "amount": _l("amount"),
    "order_number": _l("order number"),
    "name": _l("name"),
    "address": _l("address"),
    "email": _l("email address"),
    "phone": _l("phone number"),
    "page_views": _l("page views per page and day"),
    "visitors": _l("visitors per page and day"),
    "orders": _l("orders per day"),
    "order_total": _l("order totals per day"),
    "order_average": _l("average order value per day"),
}
LEGAL_BASES = {
    "contract": _l("Needed to carry out your order"),
    "legal_obligation": _l("A legal obligation"),
    "legitimate_interest": _l("Our legitimate interest (no personal data)"),
}
PURPOSES = {
    "payment": _lp("disclosure purpose", "Payment"),
    "delivery": _lp("disclosure purpose", "Delivery"),
    "legal_request": _lp("disclosure purpose", "Legal request"),
    "statistics": _lp("disclosure purpose", "Aggregate statistics"),
}
REASONS["legal_duty"] = _l(
    "Kept because the law requires us to show to whom we gave personal data; the record now points to "
    "a pseudonym instead of you. Deleted after 3 years."
)


@dataclass(frozen=True)
class Manifest:
    """What one kind of recipient may receive, why, and on which legal basis."""

    fields: tuple[str, ...]
    purpose: str
    legal_basis: str
    personal: bool = True  # False: aggregates only, about nobody


MANIFESTS = {
    "logistics": Manifest(("name", "address", "phone", "email"), "delivery", "contract"),
    "card_processor": Manifest(("card_number", "card_expiry", "card_cvc", "card_name", "amount", "order_number"),
                               "payment", "contract"),
    # An authority receives categories of the personal-data registry, as far as its request reaches.
    "authority": Manifest((), "legal_request", "legal_obligation"),
    "advertising_partner": Manifest(("page_views", "visitors", "orders", "order_total", "order_average"),
                                    "statistics", "legitimate_interest", personal=False),
}
# The logistics manifest, as read from an order (privacy imports no order model: any object with these).
ORDER_ADDRESS_FIELDS = ("line1", "line2", "district", "city", "region", "postal_code", "country")
ORDER_VALUES = {
    "name": lambda order: order.recipient,
    "address": lambda order: {field: getattr(order, field) for field in ORDER_ADDRESS_FIELDS},
    "phone": lambda order: order.phone,
    "email": lambda order: order.email,
}


class UndeclaredField(ValueError):
    """A hand-over asked for a field the recipient's manifest does not declare; nothing was handed over."""


# Never released to an authority: what other authorities asked about the person.
NOT_FOR_AUTHORITIES = frozenset({"legal_requests"})


def manifest_fields(recipient: str) -> tuple[str, ...]:
    if recipient == "authority":
        return tuple(name for name in registry.categories() if name not in NOT_FOR_AUTHORITIES)
    return MANIFESTS[recipient].fields


class Disclosure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(20))  # a key of RECIPIENTS
    recipient_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(40))
    legal_basis: Mapped[str] = mapped_column(String(40), default="contract")
    fields: Mapped[str] = mapped_column(Text)  # comma-separated field names (or registry categories)
    reference: Mapped[str | None] = mapped_column(String(40), index=True)  # the order number, the request's
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Who it was about, for a guest too: the email digest, or a pseudonym after an erasure; None for aggregates.
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    legal_request_id: Mapped[int | None] = mapped_column(ForeignKey("legal_request.id"), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)  # the authority forbids telling the person
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def field_list(self) -> list[str]:
        return [name for name in self.fields.split(",") if name]

    @property
    def field_labels(self) -> list:
        """What was handed over, in words: data categories for an authority, field names otherwise."""
        labels = registry.categories() if self.recipient == "authority" else FIELD_LABELS
        return [labels.get(name, name) for name in self.field_list]


def disclose(recipient: str, fields: list[str] | tuple[str, ...], *, recipient_name: str,
             values: Mapping[str, Any] | None = None, email: str | None = None, user_id: int | None = None,
             reference: str | None = None, staff_id: int | None = None, legal_request_id: int | None = None,
             confidential: bool = False) -> dict[str, Any]:
    """Hand `fields` over to a recipient and write it in the register. Flushes.

    Returns the payload: the given values of exactly those fields (empty when the data itself goes
    elsewhere, like card details to the processor). Raises UndeclaredField for a field, or a value,
    outside the recipient's manifest, and ValueError for an unknown recipient or a personal
    hand-over about nobody.
    """
    if recipient not in MANIFESTS:
        raise ValueError(f"unknown recipient {recipient!r}")
    manifest = MANIFESTS[recipient]
    declared = manifest_fields(recipient)
    undeclared = sorted({name for name in fields if name not in declared}
                        | {name for name in (values or {}) if name not in fields})
    if undeclared:
        raise UndeclaredField(f"{recipient} may not receive {undeclared}")
    if not fields:
        raise ValueError("a hand-over names at least one field")
    if manifest.personal and email is None and user_id is None:
        raise ValueError("a hand-over of personal data says whom it is about")
    if recipient == "authority" and legal_request_id is None:
        raise ValueError("an authority receives data only on a recorded legal request")
    if values is not None and set(values) != set(fields):
        raise ValueError(f"values are missing for {sorted(set(fields) - set(values))}")
    db.session.add(Disclosure(
        recipient=recipient, recipient_name=recipient_name[:200], purpose=manifest.purpose,
        legal_basis=manifest.legal_basis, fields=",".join(fields), reference=reference, user_id=user_id,
        subject=email_digest(email) if email else None, legal_request_id=legal_request_id,
        confidential=confidential, staff_id=staff_id,
    ))
    db.session.flush()
    return dict(values or {})


def hand_over(order, recipient: str = "logistics", fields: list[str] | tuple[str, ...] = MANIFESTS["logistics"].fields,
              *, recipient_name: str, staff_id: int | None = None) -> dict[str, Any]:
    """Give an order's recipient data to the logistics company: the manifest's fields only. Flushes.

    Returns the manifest (name, address, phone, email as asked) to send or print. Raises
    UndeclaredField for anything the recipient's manifest does not declare.
    """
    declared = manifest_fields(recipient)
    undeclared = sorted(name for name in fields if name not in declared or name not in ORDER_VALUES)
    if undeclared:
        raise UndeclaredField(f"{recipient} may not receive {undeclared} from an order")
    values = {name: ORDER_VALUES[name](order) for name in fields}
    return disclose(recipient, list(fields), recipient_name=recipient_name, values=values, email=order.email,
                    user_id=order.user_id, reference=order.number, staff_id=staff_id)


def _about(person: Person):
    return rows_about(person, Disclosure.user_id, Disclosure.subject)


def disclosures_about(person: Person, *, include_confidential: bool = False) -> list[Disclosure]:
    """The person's disclosure records, newest first; confidential ones only when asked (staff views)."""
    query = select(Disclosure).where(_about(person)).order_by(Disclosure.id.desc())
    if not include_confidential:
        query = query.where(Disclosure.confidential.is_(False))
    return list(db.session.scalars(query))


def export_disclosures(person: Person) -> list[dict]:
    return [{"recipient": r.recipient, "recipient_name": r.recipient_name, "purpose": r.purpose,
             "legal_basis": r.legal_basis, "fields": r.field_list, "reference": r.reference,
             "at": r.created_at.isoformat()} for r in reversed(disclosures_about(person))]


def erase_disclosures(person: Person) -> list[ReceiptLine]:
    """Point every record about the person to a pseudonym; the receipt counts only those they may see
    (a confidential one must not show up as a number either)."""
    visible = len(disclosures_about(person))
    db.session.execute(
        update(Disclosure).where(_about(person)).values(user_id=None, subject="erased-" + secrets.token_hex(16))
        .execution_options(synchronize_session=False)
    )
    return [ReceiptLine("disclosures", "kept", visible, "legal_duty")]


DISCLOSURE_RETENTION = timedelta(days=3 * 365)


def purge_disclosures(now: datetime | None = None) -> int:
    """Delete disclosure records older than three years (the policy's promise). Flushes."""
    cutoff = (now or utcnow()) - DISCLOSURE_RETENTION
    return db.session.execute(delete(Disclosure).where(Disclosure.created_at < cutoff)).rowcount


personal_data("disclosure", category="disclosures", label=_l("To whom we gave your data"),
              export=export_disclosures, erase=erase_disclosures, order=50)
