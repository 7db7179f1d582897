"""Requests for personal data from authorities: recorded, answered within their scope, counted yearly.

A request names the authority, its reference, the legal basis, the scope (which categories of the
personal-data registry, which period) and whether the person may be told. Answering it produces
the export limited to that scope and writes the disclosure (confidential when the person may not
be told). The admin area (#6) gives this its pages; the yearly counts are public.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy import registry
from storefront.privacy.disclosures import disclose, manifest_fields
from storefront.privacy.registry import Person, ReceiptLine, personal_data, rows_about
from storefront.security import email_digest

STATUSES = ("received", "answered", "refused")
# The keys a category's items are dated by, for limiting an export to the request's period.
DATE_KEYS = ("at", "placed_at", "queued_at", "created_at", "last_seen", "first_seen")


class LegalRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100))
    legal_basis: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)  # comma-separated registry categories
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    may_notify: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(12), default="received")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)  # email digest, or a pseudonym after erasure
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def scope_list(self) -> list[str]:
        return [name for name in self.scope.split(",") if name]


class AlreadyHandled(ValueError):
    """The request was answered or refused already (perhaps a moment ago, by another tab)."""


class LegalRequestError(ValueError):
    def __init__(self, errors: dict):
        super().__init__("invalid legal request")
        self.errors = errors


def check_request(*, authority: str, reference: str, legal_basis: str, scope: list[str],
                  period_from: date | None = None, period_to: date | None = None) -> dict:
    """What record_request would refuse: a message per field (empty when the request can be recorded)."""
    errors = {}
    for field, value, limit in (("authority", authority, 200), ("reference", reference, 100),
                                ("legal_basis", legal_basis, 5000)):
        if not (value or "").strip():
            errors[field] = _l("This field is required.")
        elif len(value.strip()) > limit:
            errors[field] = _l("This text is too long (at most %(limit)d characters).", limit=limit)
    known = manifest_fields("authority")
    if not scope or any(name not in known for name in scope):
        errors["scope"] = _l("Choose at least one kind of data the request covers.")
    if period_from and period_to and period_from > period_to:
        errors["period_to"] = _l("The end of the period is before its start.")
    return errors


def record_request(*, authority: str, reference: str, legal_basis: str, scope: list[str], person: Person,
                   may_notify: bool, period_from: date | None = None, period_to: date | None = None,
                   staff_id: int | None = None) -> LegalRequest:
    """Write down a request as received. Flushes. Raises LegalRequestError with a message per field."""
    errors = check_request(authority=authority, reference=reference, legal_basis=legal_basis, scope=scope,
                           period_from=period_from, period_to=period_to)
    if errors:
        raise LegalRequestError(errors)
    request = LegalRequest(authority=authority.strip(), reference=reference.strip(), legal_basis=legal_basis.strip(),
                           scope=",".join(dict.fromkeys(scope)), period_from=period_from, period_to=period_to,
                           may_notify=may_notify, user_id=person.user_id, subject=email_digest(person.email),
                           staff_id=staff_id)
    db.session.add(request)
    db.session.flush()
    return request


def is_about(request: LegalRequest, person: Person) -> bool:
    """The person is the one the request names: its account, or its email when it named no account."""
    if request.user_id is not None:
        return person.user_id == request.user_id
    return person.user_id is None and request.subject == email_digest(person.email)


def _in_period(item, start: date | None, end: date | None) -> bool:
    if not isinstance(item, dict):
        return True
    stamp = next((item[key] for key in DATE_KEYS if item.get(key)), None)
    if stamp is None:
        return True
    day = date.fromisoformat(str(stamp)[:10])
    return (start is None or day >= start) and (end is None or day <= end)


def scoped_export(request: LegalRequest, person: Person) -> dict:
    """The person's data limited to the request's categories and period."""
    everything = registry.export_person(person)
    limited = {}
    for category in request.scope_list:
        data = everything.get(category)
        if isinstance(data, list):
            data = [item for item in data if _in_period(item, request.period_from, request.period_to)]
        limited[category] = data
    return limited


def answer_request(request: LegalRequest, person: Person, *, staff_id: int | None = None) -> dict:
    """Release the scoped export to the authority and record the disclosure. Flushes."""
    if request.status != "received":
        raise AlreadyHandled("this request was already handled")
    if not is_about(request, person):
        raise ValueError("the request names another person: nothing is released")
    _settle(request, "answered", staff_id)
    export = scoped_export(request, person)
    disclose("authority", request.scope_list, recipient_name=request.authority, values=export, email=person.email,
             user_id=person.user_id, reference=request.reference[:40], staff_id=staff_id,
             legal_request_id=request.id, confidential=not request.may_notify)
    db.session.flush()
    return export


def refuse_request(request: LegalRequest, *, staff_id: int | None = None) -> None:
    """The request had no valid basis: nothing is released. Flushes."""
    if request.status != "received":
        raise AlreadyHandled("this request was already handled")
    _settle(request, "refused", staff_id)


def _settle(request: LegalRequest, status: str, staff_id: int | None) -> None:
    """Move the request out of "received", once: two owners answering and refusing at the same moment
    (two tabs) cannot both win; the loser's transaction raises and is rolled back. Flushes."""
    moved = db.session.execute(
        update(LegalRequest).where(LegalRequest.id == request.id, LegalRequest.status == "received")
        .values(status=status, answered_at=utcnow(), staff_id=staff_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise AlreadyHandled("this request was already handled")
    db.session.refresh(request)


@dataclass(frozen=True)
class YearCount:
    year: int
    received: int
    answered: int
    refused: int


def yearly_counts() -> list[YearCount]:
    """Requests received per year, and how many of them were answered (data released) or refused."""
    year = func.extract("year", LegalRequest.received_at)
    rows = db.session.execute(
        select(year, func.count(), func.count().filter(LegalRequest.status == "answered"),
               func.count().filter(LegalRequest.status == "refused"))
        .group_by(year).order_by(year.desc())
    ).all()
    return [YearCount(int(y), received, answered, refused) for y, received, answered, refused in rows]


def _about(person: Person):
    return rows_about(person, LegalRequest.user_id, LegalRequest.subject)


def export_requests(person: Person) -> list[dict]:
    rows = db.session.scalars(select(LegalRequest).where(_about(person), LegalRequest.may_notify.is_(True))
                              .order_by(LegalRequest.id))
    return [{"authority": r.authority, "reference": r.reference, "legal_basis": r.legal_basis,
             "scope": r.scope_list, "status": r.status, "received_at": r.received_at.isoformat(),
             "answered_at": r.answered_at.isoformat() if r.answered_at else None} for r in rows]


def erase_requests(person: Person) -> list[ReceiptLine]:
    """Pseudonymise every request about the person; the receipt counts only those they may be told of."""
    visible = db.session.scalar(
        select(func.count()).select_from(LegalRequest).where(_about(person), LegalRequest.may_notify.is_(True)))
    db.session.execute(
        update(LegalRequest).where(_about(person)).values(user_id=None, subject="erased-" + secrets.token_hex(16))
        .execution_options(synchronize_session=False)
    )
    return [ReceiptLine("legal_requests", "kept", visible, "legal_duty")]


personal_data("legal_request", category="legal_requests", label=_l("Requests from authorities about you"),
              export=export_requests, erase=erase_requests, order=55)
