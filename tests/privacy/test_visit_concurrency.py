"""Real threads counting page views at once, on the SQLite file and on PostgreSQL.

Each request is a separate client; they wait at a barrier and ask at once. Every count is an
atomic upsert, so no view and no visitor may be lost or counted twice.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.privacy.consent import ConsentEntry, verify_ledger
from storefront.privacy.visits import PageCount, VisitRecord, visitor_hash

CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0.0.0 Safari/537.36")
WORKERS = 25  # 200 jobs in 8 full rounds of the barrier
JOBS = 200


def browser(app):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    return client


def race(job, count: int) -> list:
    barrier = threading.Barrier(WORKERS)

    def run(n):
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        return job(n)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(count)))


def page_totals(app, page: str) -> tuple[int, int]:
    with app.app_context():
        views, visitors = db.session.execute(
            select(func.coalesce(func.sum(PageCount.views), 0), func.coalesce(func.sum(PageCount.visitors), 0))
            .where(PageCount.page == page)
        ).one()
        return int(views), int(visitors)


def test_two_hundred_page_views_of_one_visitor_at_once(app):
    first = browser(app)
    assert first.post("/en/privacy/consent", data={"analytics": "yes"}).status_code == 303
    consent, token = first.get_cookie("consent").value, first.get_cookie("visitor").value
    started = time.monotonic()

    def look(n):
        client = browser(app)
        client.set_cookie("consent", consent)
        client.set_cookie("visitor", token)
        response = client.get("/en/products" if n % 2 else "/zh/products")
        return response.status_code, client.get_cookie("visitor").value

    results = race(look, JOBS)
    assert [status for status, _ in results] == [200] * JOBS, sorted({status for status, _ in results})
    assert {cookie for _, cookie in results} == {token}  # nobody was given a new token
    with app.app_context():
        [record] = db.session.scalars(select(VisitRecord)).all()
        assert record.visitor_hash == visitor_hash(token)
        assert record.page_views == JOBS
        assert record.visit_count == 1
    assert page_totals(app, "/products") == (JOBS, 1)
    assert time.monotonic() - started < 20


def test_two_hundred_new_visitors_accepting_at_once(app):
    started = time.monotonic()

    def arrive(n):
        client = browser(app)
        lang = "zh" if n % 2 else "en"
        decided = client.post(f"/{lang}/privacy/consent", data={"analytics": "yes", "source": "banner"})
        page = client.get(f"/{lang}/products")
        visitor = client.get_cookie("visitor")
        return decided.status_code, page.status_code, visitor.value if visitor else None

    results = race(arrive, JOBS)
    assert [(decided, page) for decided, page, _ in results] == [(303, 200)] * JOBS, \
        sorted({(decided, page) for decided, page, _ in results})
    tokens = {token for _, _, token in results}
    assert len(tokens) == JOBS and None not in tokens
    with app.app_context():
        rows = db.session.scalars(select(VisitRecord)).all()
        assert len(rows) == JOBS
        assert {row.visitor_hash for row in rows} == {visitor_hash(token) for token in tokens}
        assert all(row.page_views == 1 and row.visit_count == 1 for row in rows)
        assert db.session.scalar(select(func.count()).select_from(ConsentEntry)) == JOBS
        verification = verify_ledger()
        assert verification.ok and verification.entries == JOBS
    assert page_totals(app, "/products") == (JOBS, JOBS)
    assert time.monotonic() - started < 20
