"""The daily page counters are written in batches: a page without consent writes nothing, and every view
still lands in the counters, exactly once, at the next flush, at the worker's exit or from the idle timer."""

import logging
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import event

from storefront.extensions import db
from storefront.privacy import visits
from tests.privacy.test_visits import accept, as_browser, counters, record_of, view


@pytest.fixture
def batched(app, monkeypatch):
    """Counters flushed once a minute, and no idle timer (it belongs to one app per process; its own
    test runs it in a process of its own)."""
    app.config["PAGE_COUNT_FLUSH_SECONDS"] = 60
    monkeypatch.setattr(visits.idle_flusher, "ensure", lambda app, seconds: None)
    visits.pending_counts.take()
    yield app
    visits.pending_counts.take()


@pytest.fixture
def client(batched):
    return as_browser(batched.test_client())


def flush(app) -> int:
    with app.app_context():
        return visits.flush_page_counts()


def writes_during(app, work) -> list[str]:
    """The INSERT, UPDATE and DELETE statements the database received while `work` ran."""
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements


def test_a_page_without_consent_writes_nothing_and_its_view_lands_at_the_next_flush(batched, client):
    assert writes_during(batched, lambda: [view(client, "/en/products") for _ in range(3)]) == []
    assert counters(batched) == {}
    assert flush(batched) == 3
    assert counters(batched) == {"/products": (3, 0)}
    assert flush(batched) == 0  # nothing twice
    assert counters(batched) == {"/products": (3, 0)}


def test_a_consenting_visitor_is_recorded_at_once_and_counted_once_per_page_and_day_across_flushes(batched, client):
    accept(client)
    for round_ in range(3):
        view(client, "/en/products")
        view(client, "/zh/products")
        assert record_of(batched, client).page_views == 2 * (round_ + 1)  # the personal record is never late
        flush(batched)
    assert counters(batched) == {"/products": (6, 1)}


def test_the_first_page_after_the_interval_writes_what_is_pending(batched, client):
    batched.config["PAGE_COUNT_FLUSH_SECONDS"] = 0.2
    view(client, "/en/")
    view(client, "/en/")
    assert counters(batched) == {}
    time.sleep(0.25)
    view(client, "/en/")
    assert counters(batched) == {"/": (3, 0)}


def test_a_failed_flush_keeps_its_views_for_the_next_and_the_page_answers(batched, client, monkeypatch, caplog):
    view(client, "/en/")
    real = visits.write_page_counts

    def broken(counts):
        raise RuntimeError("counter table unavailable")

    monkeypatch.setattr(visits, "write_page_counts", broken)
    batched.config["PAGE_COUNT_FLUSH_SECONDS"] = 0
    with caplog.at_level(logging.ERROR):
        response = client.get("/en/products")
    assert response.status_code == 200 and "<html" in response.text
    assert "a page view could not be counted" in caplog.text
    assert counters(batched) == {}
    monkeypatch.setattr(visits, "write_page_counts", real)
    view(client, "/en/products")
    assert counters(batched) == {"/": (1, 0), "/products": (2, 0)}


PROCESS = textwrap.dedent("""
    import sys, time
    from sqlalchemy import func, select
    from storefront import create_app
    from storefront.extensions import db
    from storefront.privacy.visits import PageCount
    from tests.conftest import make_config
    from pathlib import Path
    from flask_migrate import upgrade

    tmp, mode = Path(sys.argv[1]), sys.argv[2]
    app = create_app(make_config(tmp, DATABASE_URL=f"sqlite:///{tmp / 'shop.db'}", PAGE_COUNT_FLUSH_SECONDS=1))
    with app.app_context():
        upgrade()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36"
    for _ in range(4):
        assert client.get("/en/products").status_code == 200

    def written():
        with app.app_context():
            return db.session.scalar(select(func.coalesce(func.sum(PageCount.views), 0)))

    print("before", written(), flush=True)
    if mode == "idle":  # nobody asks for a page: the timer writes them
        deadline = time.monotonic() + 10
        while written() != 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        print("idle", written(), flush=True)
""")


def run_process(tmp_path, mode: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROCESS, str(tmp_path), mode], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_worker_that_exits_writes_its_pending_views(tmp_path):
    assert run_process(tmp_path, "exit") == ["before", "0"]
    with sqlite3.connect(tmp_path / "shop.db") as connection:
        assert connection.execute("SELECT sum(views) FROM page_count").fetchone() == (4,)


def test_an_idle_worker_writes_its_pending_views_from_the_timer(tmp_path):
    assert run_process(tmp_path, "idle") == ["before", "0", "idle", "4"]
