"""Visit records (only with analytics consent) and the non-personal daily counter per page.

A consenting browser carries a random token in its `visitor` cookie; its record is found by the
token's SHA-256, so the table alone opens no browser. A counted page view of a consenting browser is
one short write transaction of its own: an atomic upsert on the visitor's record (a new visit after
VISIT_IDLE_SECONDS of inactivity), so concurrent views add up exactly.

The daily counters per page hold nobody, and every page view (with or without consent) adds to
them: each worker adds its views up in memory (PendingCounts) and writes them in one transaction
every PAGE_COUNT_FLUSH_SECONDS (0: at once), when it exits, and from a timer while it is idle. To
count unique visitors per page and day, the flush inserts-or-ignores a digest of (day, page,
visitor) and counts the digests that went in.
"""

import atexit
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ua_parser
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Date, ForeignKey, Integer, String, UniqueConstraint, bindparam, case, delete, func, select,
                        update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.privacy.registry import Person, ReceiptLine, personal_data, retained
from storefront.security import Encrypted

log = logging.getLogger(__name__)

PAGE_LENGTH = 200
LANGUAGES_LENGTH = 200
MAX_LANGUAGES = 8


class VisitRecord(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str | None] = mapped_column(Encrypted, info={"personal": True})
    browser: Mapped[str | None] = mapped_column(String(60))
    browser_version: Mapped[str | None] = mapped_column(String(40))
    os: Mapped[str | None] = mapped_column(String(60))
    languages: Mapped[str] = mapped_column(String(LANGUAGES_LENGTH), default="")  # Accept-Language tags, comma-separated
    site_language: Mapped[str] = mapped_column(String(8))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime] = mapped_column(index=True)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def language_list(self) -> list[str]:
        return [tag for tag in self.languages.split(",") if tag]


class PageCount(db.Model):
    """Views of one page on one day, and how many consenting visitors saw it. Nothing personal."""

    __table_args__ = (UniqueConstraint("day", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    page: Mapped[str] = mapped_column(String(PAGE_LENGTH))
    views: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)


class PageVisitor(db.Model):
    """A consenting visitor was already counted on this page today: a digest, deleted after two days."""

    __table_args__ = (UniqueConstraint("day", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    digest: Mapped[str] = mapped_column(String(64))


# HTTP libraries and command-line tools: programs, not people, even when ua-parser knows their names.
SCRIPT_CLIENTS = frozenset({"curl", "Wget", "Python Requests", "Python-urllib", "Go-http-client",
                            "Apache-HttpClient", "okhttp", "HTTPie", "axios", "PostmanRuntime", "libwww-perl"})
SCRIPT_AGENT = re.compile(r"(?i)^(python-httpx|httpx|aiohttp|python/|node-fetch|undici|node|deno|bun)\b")


@dataclass(frozen=True)
class Browser:
    name: str | None
    version: str | None
    os: str | None
    is_bot: bool


def parse_user_agent(user_agent: str | None) -> Browser:
    """Browser name and version and OS (ua-parser, cached); spiders and an empty agent are bots."""
    if not user_agent or not user_agent.strip():
        return Browser(None, None, None, True)
    result = ua_parser.parse(user_agent[:1000])
    is_bot = (result.device is not None and result.device.family == "Spider") or (
        result.user_agent is not None and result.user_agent.family in SCRIPT_CLIENTS) or bool(
        SCRIPT_AGENT.match(user_agent))
    agent, system = result.user_agent, result.os
    version = ".".join(part for part in (agent.major, agent.minor, agent.patch) if part) if agent else None
    return Browser(agent.family[:60] if agent else None, (version or None) and version[:40],
                   system.family[:60] if system else None, is_bot)


def language_tags(accept_languages) -> str:
    """The browser's Accept-Language tags in its order of preference, comma-separated and bounded."""
    tags: list[str] = []
    for tag, _quality in accept_languages:
        tag = "".join(ch for ch in str(tag) if ch.isascii() and (ch.isalnum() or ch == "-"))[:35]
        if tag and tag not in tags and tag != "*":
            tags.append(tag)
        if len(tags) == MAX_LANGUAGES:
            break
    joined = ",".join(tags)
    while len(joined) > LANGUAGES_LENGTH:
        tags.pop()
        joined = ",".join(tags)
    return joined


def new_visitor_token() -> str:
    return secrets.token_urlsafe(32)


def visitor_hash(token: str) -> str:
    return hashlib.sha256(f"storefront-visitor:{token}".encode()).hexdigest()


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@dataclass(frozen=True)
class PageView:
    page: str
    site_language: str
    visitor_token: str | None = None  # only with analytics consent
    ip: str | None = None
    browser: Browser | None = None
    languages: str = ""
    user_id: int | None = None


def record_visit(view: PageView, *, idle_seconds: int, now: datetime | None = None) -> None:
    """Count one page view in the consenting visitor's record: one atomic upsert. The caller commits.

    The caller runs it in a short write transaction of its own (see policy.tracking), so that
    concurrent views of one visitor add up exactly.
    """
    _upsert_visit(view, visitor_hash(view.visitor_token), now or utcnow(), idle_seconds)


def page_visitor_digest(day: date, page: str, token: str) -> str:
    """From the cookie's token itself, which is stored nowhere: the digests cannot be joined to the
    visit records, so they hold no one's browsing history."""
    return hashlib.sha256(f"storefront-page-visitor:{day.isoformat()}|{page}|{token}".encode()).hexdigest()


class PendingCounts:
    """This process's page views not yet written to the daily counters: (day, page) -> views and the
    digests of the consenting visitors who saw it. Thread-safe (the idle flush runs on a timer)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple[date, str], list] = {}
        self._since: float | None = None  # when the oldest pending view was added (monotonic)

    def add(self, view: PageView, now: datetime) -> None:
        page = view.page[:PAGE_LENGTH]
        digest = page_visitor_digest(now.date(), page, view.visitor_token) if view.visitor_token else None
        with self._lock:
            views_and_digests = self._counts.setdefault((now.date(), page), [0, set()])
            views_and_digests[0] += 1
            if digest:
                views_and_digests[1].add(digest)
            if self._since is None:
                self._since = time.monotonic()

    def due(self, seconds: float) -> bool:
        since = self._since
        return since is not None and time.monotonic() - since >= seconds

    def take(self) -> dict:
        with self._lock:
            counts, self._counts, self._since = self._counts, {}, None
        return counts

    def put_back(self, counts: dict) -> None:
        """A flush failed: its views wait for the next one."""
        with self._lock:
            for key, (views, digests) in counts.items():
                mine = self._counts.setdefault(key, [0, set()])
                mine[0] += views
                mine[1] |= digests
            if counts and self._since is None:
                self._since = time.monotonic()


pending_counts = PendingCounts()


def write_page_counts(counts: dict) -> None:
    """Add taken counts to the daily counters: per page, the views and the digests that were new. The
    caller commits."""
    counters, seen = PageCount.__table__, PageVisitor.__table__
    for (day, page), (views, digests) in sorted(counts.items()):
        new_visitors = 0
        for digest in sorted(digests):
            inserted = (_insert(seen).values(day=day, digest=digest).on_conflict_do_nothing().returning(seen.c.id))
            # RETURNING says whether the row went in (rowcount is -1 on PostgreSQL once RETURNING is used).
            new_visitors += db.session.execute(inserted).first() is not None
        counter = _insert(counters).values(day=day, page=page, views=views, visitors=new_visitors)
        db.session.execute(counter.on_conflict_do_update(
            index_elements=["day", "page"],
            set_={"views": counters.c.views + views, "visitors": counters.c.visitors + new_visitors},
        ))


def flush_page_counts() -> int:
    """Write this process's pending counts in one write transaction of their own; returns the views
    written. On failure the counts are kept for the next flush and the error is raised."""
    counts = pending_counts.take()
    if not counts:
        return 0
    try:
        db.session.rollback()  # whatever the caller read must not hold the write back
        with write_transaction():
            write_page_counts(counts)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        pending_counts.put_back(counts)
        raise
    return sum(views for views, _digests in counts.values())


class IdleFlusher:
    """Per process: a daemon timer that writes pending counts when no page comes to do it, and a last
    flush when the process exits (gunicorn's graceful stop and worker recycling run atexit)."""

    def __init__(self):
        self._started_in: int | None = None
        self._lock = threading.Lock()

    def ensure(self, app, seconds: float) -> None:
        if self._started_in == os.getpid():
            return
        with self._lock:
            if self._started_in == os.getpid():  # a forked worker starts its own
                return
            self._started_in = os.getpid()
            thread = threading.Thread(target=self._run, args=(app, max(seconds, 0.5)), daemon=True,
                                      name="page-count-flush")
            thread.start()
            atexit.register(self._flush, app)

    def _run(self, app, seconds: float) -> None:
        while True:
            time.sleep(seconds)
            if pending_counts.due(seconds):
                self._flush(app)

    @staticmethod
    def _flush(app) -> None:
        try:
            with app.app_context():
                flush_page_counts()
        except Exception:  # noqa: BLE001 - kept for the next flush; a timer thread has nobody to tell but the log
            log.exception("the page counters could not be written")


idle_flusher = IdleFlusher()


_VISIT_VALUES = ("ip", "browser", "browser_version", "os", "languages", "site_language", "user_id")
_upserts: dict[str, object] = {}


def _visit_upsert(dialect: str):
    """The visit record's upsert, built once per dialect with bound parameters (building it per page
    view cost more than running it)."""
    if dialect not in _upserts:
        table = VisitRecord.__table__
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        statement = insert.values(
            visitor_hash=bindparam("visitor_hash"), first_seen=bindparam("now"), last_seen=bindparam("now"),
            page_views=1, visit_count=1, **{name: bindparam(name) for name in _VISIT_VALUES},
        )
        _upserts[dialect] = statement.on_conflict_do_update(
            index_elements=["visitor_hash"],
            set_={
                **{name: statement.excluded[name] for name in _VISIT_VALUES if name != "user_id"},
                # A record keeps the account it was first linked to: it never moves to another person.
                "user_id": func.coalesce(table.c.user_id, statement.excluded.user_id),
                "last_seen": statement.excluded.last_seen,
                "page_views": table.c.page_views + 1,
                "visit_count": table.c.visit_count + case(
                    (table.c.last_seen < bindparam("idle_since", type_=table.c.last_seen.type), 1), else_=0),
            },
        )
    return _upserts[dialect]


def _upsert_visit(view: PageView, key: str, now: datetime, idle_seconds: int) -> None:
    browser = view.browser or Browser(None, None, None, False)
    db.session.execute(_visit_upsert(db.session.get_bind().dialect.name), {
        "visitor_hash": key, "now": now, "idle_since": now - timedelta(seconds=idle_seconds),
        "ip": view.ip, "browser": browser.name, "browser_version": browser.version, "os": browser.os,
        "languages": view.languages, "site_language": view.site_language, "user_id": view.user_id,
    })


def visit_record(token: str | None) -> VisitRecord | None:
    if not token:
        return None
    return db.session.scalar(select(VisitRecord).where(VisitRecord.visitor_hash == visitor_hash(token)))


def link_to_user(token: str | None, user_id: int) -> None:
    """The browser's record now belongs to the account that signed in on it. Flushes."""
    if token:
        db.session.execute(update(VisitRecord).where(VisitRecord.visitor_hash == visitor_hash(token))
                           .values(user_id=user_id))


def forget(token: str | None) -> int:
    """Delete the browser's visit record. Flushes; returns how many rows went (0 or 1)."""
    if not token:
        return 0
    return db.session.execute(delete(VisitRecord).where(VisitRecord.visitor_hash == visitor_hash(token))).rowcount


def records_of_user(user_id: int) -> list[VisitRecord]:
    return list(db.session.scalars(select(VisitRecord).where(VisitRecord.user_id == user_id)
                                   .order_by(VisitRecord.first_seen)))


def as_dict(record: VisitRecord | None) -> dict | None:
    """A record in the shape of CONTRACT.md's my-data.json."""
    if record is None:
        return None
    return {
        "visit_count": record.visit_count, "page_views": record.page_views,
        "first_seen": iso_utc(record.first_seen), "last_seen": iso_utc(record.last_seen),
        "ip": record.ip, "browser": record.browser, "browser_version": record.browser_version, "os": record.os,
        "languages": record.language_list, "site_language": record.site_language,
    }


def iso_utc(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def purge(retention_days: int, now: datetime | None = None) -> int:
    """Delete visit records not seen for `retention_days`, and yesterday's visitor digests. Flushes."""
    now = now or utcnow()
    records = db.session.execute(
        delete(VisitRecord).where(VisitRecord.last_seen < now - timedelta(days=retention_days))
    ).rowcount
    db.session.execute(delete(PageVisitor).where(PageVisitor.day < now.date() - timedelta(days=1)))
    return records


def export_visits(person: Person) -> list[dict]:
    return [as_dict(r) for r in records_of_user(person.user_id)] if person.user_id else []


def erase_visits(person: Person) -> list[ReceiptLine]:
    deleted = db.session.execute(delete(VisitRecord).where(VisitRecord.user_id == person.user_id)).rowcount \
        if person.user_id else 0
    return [ReceiptLine("visits", "erased", deleted)]


personal_data("visit_record", category="visits", label=_l("Visit records of your browsers"),
              export=export_visits, erase=erase_visits, order=30)
retained("page_count", "no personal data: daily counts per page")
retained("page_visitor", "no personal data: digests of (day, page, cookie token) that no stored value can be "
                         "matched with; deleted after two days by privacy purge")
