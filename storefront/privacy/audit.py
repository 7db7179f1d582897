"""The audit log: who in the shop did what to whose data, and when.

Role changes, exports, disclosures and every staff view of a customer's personal data write one
row. Rows are kept (a legal duty); after an erasure they point to a pseudonym instead of the person.
"""

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import Page, utc_day_bounds, utcnow
from storefront.extensions import db
from storefront.privacy.registry import Person, ReceiptLine, personal_data, rows_about
from storefront.security import email_digest

ACTIONS = {
    "role.grant": _l("Role granted"),
    "role.revoke": _l("Role taken away"),
    "customer.view": _l("Customer's data viewed"),
    "export": _l("Data exported"),
    "disclosure": _l("Data handed over"),
    "legal_request": _l("Legal request handled"),
    "policy.publish": _l("Privacy policy published"),
}
# Details that are words, stored as keys and shown in the reader's language.
DETAIL_LABELS = {
    "staff": _l("staff"), "owner": _l("owner"),
    # The steps of a legal request (the request itself is named by the disclosure row beside them).
    "legal.received": _l("request recorded"), "legal.answered": _l("request answered: data released"),
    "legal.refused": _l("request refused: nothing released"), "legal.downloaded": _l("released data downloaded"),
}
DETAIL_LENGTH = 500
# What a person sees of the rows about them (export, erasure receipt). Disclosures show in their own
# register, and a legal request may be confidential: its rows never reach the person this way.
SHOWN_TO_THE_PERSON = ("customer.view", "export", "role.grant", "role.revoke")


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # a key of ACTIONS
    # Who did it: a staff account (None: a command on the server, or an account since erased).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Whom it was about: the account, or the email digest (a guest), a pseudonym after erasure.
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str | None] = mapped_column(String(80), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")  # never personal values: names of things, numbers


def record(action: str, *, actor_id: int | None, subject_user_id: int | None = None,
           subject_email: str | None = None, detail: str = "") -> AuditEntry:
    """Write one audit row. Flushes; the caller commits with the change it records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(action=action, actor_id=actor_id, subject_user_id=subject_user_id,
                       subject=email_digest(subject_email) if subject_email else None, detail=detail[:DETAIL_LENGTH])
    db.session.add(entry)
    db.session.flush()
    return entry


def search(*, action: str | None = None, actor_id: int | None = None, day_from: date | None = None,
           day_to: date | None = None, page: int = 1, per_page: int = 50) -> Page:
    """One page of entries, newest first, filtered."""
    conditions = []
    if action:
        conditions.append(AuditEntry.action == action)
    if actor_id is not None:
        conditions.append(AuditEntry.actor_id == actor_id)
    start, end = utc_day_bounds(day_from, day_to)
    if start:
        conditions.append(AuditEntry.created_at >= start)
    if end:
        conditions.append(AuditEntry.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    rows = db.session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return Page(list(rows), page, per_page, total)


def _about(person: Person):
    return rows_about(person, AuditEntry.subject_user_id, AuditEntry.subject)


def export_audit(person: Person) -> list[dict]:
    rows = db.session.scalars(select(AuditEntry).where(_about(person), AuditEntry.action.in_(SHOWN_TO_THE_PERSON))
                              .order_by(AuditEntry.id))
    return [{"action": row.action, "at": row.created_at.isoformat()} for row in rows]


def erase_audit(person: Person) -> list[ReceiptLine]:
    shown = len(export_audit(person))
    db.session.execute(
        update(AuditEntry).where(_about(person))
        .values(subject_user_id=None, subject="erased-" + secrets.token_hex(16))
        .execution_options(synchronize_session=False)
    )
    return [ReceiptLine("audit", "kept", shown, "legal_duty")]


personal_data("audit_entry", category="audit", label=_l("Staff access to your data"),
              export=export_audit, erase=erase_audit, order=60)
