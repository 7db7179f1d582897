from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select, text

from storefront.catalog.models import Category
from storefront.database import write_transaction
from storefront.extensions import db
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite connection settings; the PostgreSQL run has none")


@sqlite_only
def test_sqlite_connections_are_configured(app_ctx):
    pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
    assert pragma("foreign_keys") == 1
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 1  # NORMAL
    assert pragma("secure_delete") == 1
    assert pragma("busy_timeout") >= 5000


@sqlite_only
def test_posts_and_commands_begin_immediate_and_pages_begin_deferred(app, client):
    begins: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/en/products")
        # The page reads in a deferred transaction; counting the view is a short write of its own.
        assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
        begins.clear()
        with app.app_context(), write_transaction():
            db.session.execute(select(Category)).all()
            db.session.rollback()
        assert begins == ["BEGIN IMMEDIATE"]
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_timestamps_come_back_as_aware_utc(app_ctx):
    category = Category(slug="time-test", created_at=datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc))
    db.session.add(category)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Category).where(Category.slug == "time-test"))
    assert stored.created_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    assert stored.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(app_ctx):
    db.session.add(Category(slug="naive", created_at=datetime(2026, 11, 24, 8, 0)))
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()
