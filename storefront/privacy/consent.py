"""The consent ledger: every decision a visitor makes, appended and never changed.

Each entry carries the hash of the one before it, computed over the pseudonymous fields only
(the random consent id kept in the visitor's cookie, the choice, the policy version, the languages,
the source and the time). The link to a signed-in account sits in a separate table that erasure
deletes, so the chain still verifies after a person is erased. Appends are serialised (an advisory
lock on PostgreSQL, SQLite's single writer) and a unique `prev_hash` makes a fork impossible even so.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, delete, select, text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy import visits
from storefront.privacy.registry import REASONS, Person, ReceiptLine, personal_data, retained

GENESIS = "0" * 64
LEDGER_LOCK = 0x5354_4F52_4543  # pg_advisory_xact_lock key for appends ("STOREC")
SOURCES = ("banner", "settings", "forget")

REASONS["consent_proof"] = _l(
    "Kept as proof of what we asked and what was answered; the link to your account is deleted, so the "
    "entries no longer say who you are."
)


class ConsentEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    visitor: Mapped[str] = mapped_column(String(64), index=True)  # random consent id from the cookie
    analytics: Mapped[bool | None] = mapped_column(Boolean)  # None: reset to undecided
    policy_version: Mapped[int]
    shown_language: Mapped[str] = mapped_column(String(8))
    prevailing_language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def compute_hash(self) -> str:
        return entry_hash(self.prev_hash, self.visitor, self.analytics, self.policy_version, self.shown_language,
                          self.prevailing_language, self.source, self.created_at)


class ConsentLink(db.Model):
    """Which account made a decision (only when signed in). Deleted on erasure; the entry stays."""

    entry_id: Mapped[int] = mapped_column(ForeignKey("consent_entry.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


def entry_hash(prev_hash: str, visitor: str, analytics: bool | None, policy_version: int, shown_language: str,
               prevailing_language: str, source: str, created_at: datetime) -> str:
    fields = [prev_hash, visitor, analytics, policy_version, shown_language, prevailing_language, source,
              created_at.isoformat(timespec="microseconds")]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def _lock_chain() -> None:
    # SQLite: the write transaction (BEGIN IMMEDIATE) already holds the only write lock.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK})


def record_decision(*, visitor: str | None, analytics: bool | None, visitor_token: str | None, policy_version: int,
                    shown_language: str, prevailing_language: str, source: str,
                    user_id: int | None = None) -> ConsentEntry | None:
    """A browser's decision: append it to the ledger and, unless analytics is allowed, delete the
    browser's visit record (withdrawing and forgetting both erase what was recorded). Flushes.

    `visitor` is the browser's consent id; without one (forgetting an undecided browser) nothing is
    appended.
    """
    if analytics is not True:
        visits.forget(visitor_token)
    if visitor is None:
        return None
    return append(visitor=visitor, analytics=analytics, policy_version=policy_version, shown_language=shown_language,
                  prevailing_language=prevailing_language, source=source, user_id=user_id)


def append(*, visitor: str, analytics: bool | None, policy_version: int, shown_language: str,
           prevailing_language: str, source: str, user_id: int | None = None) -> ConsentEntry:
    """Append one decision to the chain (and link it to the account when signed in). Flushes."""
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    _lock_chain()
    previous = db.session.scalar(select(ConsentEntry.hash).order_by(ConsentEntry.id.desc()).limit(1)) or GENESIS
    entry = ConsentEntry(visitor=visitor, analytics=analytics, policy_version=policy_version,
                         shown_language=shown_language, prevailing_language=prevailing_language, source=source,
                         created_at=utcnow(), prev_hash=previous)
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    if user_id is not None:
        db.session.add(ConsentLink(entry_id=entry.id, user_id=user_id))
        db.session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_at: int | None  # the id of the first entry that does not verify
    head: str = field(default=GENESIS, compare=False)  # the last good hash: write it down, a later cut shows

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_ledger(batch: int = 1000) -> Verification:
    """Walk the chain in order: every entry's hash must match its fields and the previous hash."""
    previous, count, last_id = GENESIS, 0, 0
    while True:
        rows = db.session.scalars(
            select(ConsentEntry).where(ConsentEntry.id > last_id).order_by(ConsentEntry.id).limit(batch)
        ).all()
        if not rows:
            return Verification(count, None, previous)
        for entry in rows:
            if entry.prev_hash != previous or entry.hash != entry.compute_hash():
                return Verification(count, entry.id, previous)
            previous, count, last_id = entry.hash, count + 1, entry.id
        db.session.expunge_all()


def history_of_user(user_id: int) -> list[ConsentEntry]:
    return list(db.session.scalars(
        select(ConsentEntry).join(ConsentLink, ConsentLink.entry_id == ConsentEntry.id)
        .where(ConsentLink.user_id == user_id).order_by(ConsentEntry.id)
    ))


def export_consents(person: Person) -> list[dict]:
    if person.user_id is None:
        return []
    return [{"analytics": e.analytics, "policy_version": e.policy_version, "shown_language": e.shown_language,
             "prevailing_language": e.prevailing_language, "source": e.source, "at": e.created_at.isoformat()}
            for e in history_of_user(person.user_id)]


def erase_consent_links(person: Person) -> list[ReceiptLine]:
    if person.user_id is None:
        return []
    unlinked = db.session.execute(delete(ConsentLink).where(ConsentLink.user_id == person.user_id)).rowcount
    return [ReceiptLine("consents", "kept", unlinked, "consent_proof")]


personal_data("consent_link", category="consents", label=_l("Your consent decisions"),
              export=export_consents, erase=erase_consent_links, order=45)
retained("consent_entry", "consent_proof: pseudonymous entries of the hash chain, never changed")
