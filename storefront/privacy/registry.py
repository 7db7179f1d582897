"""The personal-data registry: for every table, how to export and erase a person's data, or why it is kept.

Features register their tables when they are imported. A test walks every table and fails for one
that holds a person reference or a personal column without an entry, so nothing can be forgotten.
"""

from dataclasses import asdict, dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_

from storefront.security import email_digest

# Why a kind of data outlives an erasure; shown on the receipt page and in its email.
REASONS = {
    "mail_log": _l(
        "Kept without your address or the message text: which email was sent and when, so we can show "
        "what we told you. Deleted after 3 years."
    ),
}


@dataclass(frozen=True)
class Person:
    """Whom an export or erasure is about: the account and its canonical email address.

    Rows found only by the email address (a guest order, say) belong to the person only once the
    address is confirmed as theirs.
    """

    user_id: int | None
    email: str
    email_confirmed: bool = False


def rows_about(person: Person, user_column, email_column, *, digest: bool = True):
    """A WHERE clause for a table's rows about the person: the account's rows, and rows kept under
    the email address (its digest, or the address itself with digest=False) without an account
    (guest orders...) once the address is confirmed as theirs, never another account's."""
    conditions = [user_column == person.user_id] if person.user_id is not None else []
    if person.email_confirmed:
        key = email_digest(person.email) if digest else person.email
        conditions.append(and_(user_column.is_(None), email_column == key))
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class ReceiptLine:
    """One line of an erasure receipt: what happened to a kind of data and, when kept, why.

    Plain values (category and reason are keys), so a receipt fits in the session and the outbox.
    """

    category: str
    action: str  # "erased" or "kept"
    count: int
    reason: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def label(self):
        return _labels.get(self.category, self.category)

    @property
    def reason_text(self):
        return REASONS.get(self.reason) if self.reason else None


Exporter = Callable[[Person], Any]
Eraser = Callable[[Person], list[ReceiptLine]]


@dataclass
class Entry:
    table: str
    category: str | None = None  # the key in the export
    export: Exporter | None = None
    erase: Eraser | None = None
    retained: str | None = None
    order: int = 100  # erasers run in ascending order; the account row itself goes last


_entries: dict[str, Entry] = {}
_labels: dict[str, Any] = {}


def personal_data(table: str, *, category: str, label, export: Exporter, erase: Eraser, order: int = 100) -> None:
    """Declare how one table's data about a person is exported and erased, under a translated label."""
    _entries[table] = Entry(table=table, category=category, export=export, erase=erase, order=order)
    _labels[category] = label


def retained(table: str, reason: str) -> None:
    """Declare a table whose rows are kept as they are, and why (a legal duty, no personal data...)."""
    _entries[table] = Entry(table=table, retained=reason)


# Tables that hold nothing about a person. Listed here so that every table has an entry, and a
# new table must say which it is.
for _table in ("category", "category_translation", "product", "product_translation", "product_image",
               "catalog_version", "alembic_version"):
    retained(_table, "no personal data: the shop's catalogue")
# The catalogue's search index on SQLite (migration 0008): copies of product texts and SKUs, and the
# FTS5 tables' own shadow tables.
for _index in ("product_search_text", "product_text_search", "product_sku_search"):
    for _suffix in ("", "_config", "_content", "_data", "_docsize", "_idx"):
        retained(_index + _suffix, "no personal data: the catalogue's search index")
# The same on PostgreSQL (migration 0009): each product's lowered texts and SKU.
retained("product_search_document", "no personal data: the catalogue's search index")


def categories() -> dict[str, Any]:
    """Every export category and its translated label, in export order."""
    ordered = sorted((e for e in _entries.values() if e.category), key=lambda e: (e.order, e.table))
    return {entry.category: _labels[entry.category] for entry in ordered}


def entries() -> dict[str, Entry]:
    return dict(_entries)


def export_person(person: Person) -> dict[str, Any]:
    """Everything held about the person, by category."""
    return {
        entry.category: entry.export(person)
        for entry in sorted(_entries.values(), key=lambda e: (e.order, e.table))
        if entry.export is not None
    }


def erase_person(person: Person) -> list[ReceiptLine]:
    """Apply every eraser (flushes; caller commits) and return the receipt lines."""
    lines: list[ReceiptLine] = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.table)):
        if entry.erase is not None:
            lines.extend(entry.erase(person))
    return lines
