"""Declarative base with a naming convention, UTC timestamps, the money type and SQLite connection settings."""

import contextlib
import contextvars
import logging
import math
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, Numeric, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(12, 2, asdecimal=True)

# Whether the next SQLite transaction in this context will write. A deferred
# transaction that reads and then writes fails at once under WAL when another
# writer got in between; BEGIN IMMEDIATE takes the write lock first and waits.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def utc_day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for the whole days from `first` to `last` (either may be open; the last
    representable day has no end bound instead of overflowing)."""
    start = datetime.combine(first, time.min, timezone.utc) if first else None
    end = datetime.combine(last + timedelta(days=1), time.min, timezone.utc) if last and last < date.max else None
    return start, end


@dataclass
class Page:
    """One page of a listing: the rows, where it is, and the links it needs (macros/_pagination.html)."""

    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return 1 < self.page <= self.pages

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def past_the_end(self) -> bool:
        return self.page > self.pages


def parse_page(raw: str | None) -> int:
    """A `page` query value; anything malformed is page 1 (CONTRACT.md)."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, also on SQLite (which stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use storefront.database.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), Decimal: Money},
    )


def set_write_intent(value: bool) -> contextvars.Token:
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    _write_intent.reset(token)


@contextlib.contextmanager
def write_transaction():
    """Begin the next transaction IMMEDIATE on SQLite (for commands and threads outside a POST)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy emit BEGIN itself (see _begin_sqlite) instead of pysqlite's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for statement in (
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 15000",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA secure_delete = ON",
    ):
        cursor.execute(statement)
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def truncate_sqlite_wal(engine) -> None:
    """Move SQLite's write-ahead log into the database file and truncate it to nothing.

    Used after erasures, so no copy of erased rows stays in the WAL (the main file zeroes deleted
    content itself, with secure_delete). Runs outside any transaction, where a checkpoint may not
    run. Does nothing on other databases.
    """
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        for attempt in range(20):
            busy, _pages, _moved = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            clock.sleep(0.05 * (attempt + 1))  # a reader holds an older snapshot; it ends soon
        logging.getLogger(__name__).warning("WAL checkpoint stayed busy; erased rows remain in the WAL until the next one")
    finally:
        connection.close()
