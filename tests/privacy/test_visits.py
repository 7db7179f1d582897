"""Visit records (only with analytics consent) and the daily page counter, through HTTP."""

import hashlib
import json
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text, update

from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy import visits
from storefront.privacy.visits import PageCount, PageVisitor, VisitRecord, visitor_hash
from tests.conftest import PASSWORD

CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0.0.0 Safari/537.36")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def as_browser(client, user_agent: str = CHROME, **environ):
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    client.environ_base.update(environ)
    return client


@pytest.fixture(autouse=True)
def chrome(client):
    """The shared `client` (also the one `auth` signs in with) is a real browser."""
    return as_browser(client)


@pytest.fixture
def new_browser(app):
    def make(user_agent: str = CHROME, **environ):
        return as_browser(app.test_client(), user_agent, **environ)

    return make


def accept(client, lang: str = "en"):
    response = client.post(f"/{lang}/privacy/consent", data={"analytics": "yes"})
    assert response.status_code == 303, response.status_code
    return response


def refuse(client, lang: str = "en"):
    response = client.post(f"/{lang}/privacy/consent", data={"analytics": "no"})
    assert response.status_code == 303, response.status_code
    return response


def view(client, path: str, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def records(app) -> list[SimpleNamespace]:
    with app.app_context():
        rows = db.session.scalars(select(VisitRecord).order_by(VisitRecord.id))
        return [SimpleNamespace(**{c.name: getattr(r, c.name) for c in VisitRecord.__table__.columns},
                                language_list=r.language_list) for r in rows]


def record_of(app, client) -> SimpleNamespace | None:
    token = cookie(client, "visitor")
    if token is None:
        return None
    key = visitor_hash(token)
    return next((r for r in records(app) if r.visitor_hash == key), None)


def views_of(app, page: str | None = None) -> int:
    with app.app_context():
        query = select(func.coalesce(func.sum(PageCount.views), 0))
        if page is not None:
            query = query.where(PageCount.page == page)
        return db.session.scalar(query)


def counters(app) -> dict[str, tuple[int, int]]:
    """page -> (views, visitors), summed over the days (a test may straddle midnight)."""
    with app.app_context():
        rows = db.session.execute(select(PageCount.page, func.sum(PageCount.views), func.sum(PageCount.visitors))
                                  .group_by(PageCount.page)).all()
        return {page: (int(v), int(u)) for page, v, u in rows}


def shift_last_seen(app, client, **delta) -> None:
    """Move the browser's record back in time, as if its last page view were `delta` ago."""
    key = visitor_hash(cookie(client, "visitor"))
    with app.app_context():
        db.session.execute(update(VisitRecord).where(VisitRecord.visitor_hash == key)
                           .values(last_seen=utcnow() - timedelta(**delta),
                                   first_seen=utcnow() - timedelta(**delta)))
        db.session.commit()


# Without a choice ------------------------------------------------------------------------------------


def test_without_a_choice_nothing_is_recorded_but_the_page_is_counted(app, client):
    for _ in range(3):
        page = view(client, "/en/products")
        assert "consent-banner" in page.text
    assert records(app) == []
    assert cookie(client, "visitor") is None
    assert counters(app)["/products"] == (3, 0)


def test_a_refusal_records_nothing_and_sets_no_visitor_cookie(app, client):
    refuse(client)
    view(client, "/en/products")
    view(client, "/en/")
    assert records(app) == []
    assert cookie(client, "visitor") is None and cookie(client, "consent") is not None
    assert views_of(app) == 2


def test_a_privacy_signal_records_nothing(app, client):
    view(client, "/en/products", headers={"Sec-GPC": "1"})
    view(client, "/en/products", headers={"DNT": "1"})
    assert records(app) == [] and cookie(client, "visitor") is None
    assert views_of(app, "/products") == 2


# With consent --------------------------------------------------------------------------------------


def test_each_html_page_view_after_accepting_adds_exactly_one(app, client):
    accept(client)
    assert cookie(client, "visitor") is not None
    assert records(app) == []  # the consent POST and its redirect are no page views
    paths = ["/en/", "/en/products", "/zh/products", "/en/privacy", "/en/privacy/my-data"]
    for number, path in enumerate(paths, start=1):
        view(client, path)
        [record] = records(app)
        assert record.page_views == number, path
    assert record.visit_count == 1
    assert views_of(app) == len(paths)


def test_the_record_holds_what_the_browser_sent(app, new_browser):
    browser = new_browser(REMOTE_ADDR="203.0.113.7")
    accept(browser, "zh")
    view(browser, "/zh/products", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    [record] = records(app)
    assert record.ip == "203.0.113.7"
    assert (record.browser, record.browser_version, record.os) == ("Chrome", "126.0.0", "Linux")
    assert record.language_list == ["zh-CN", "zh", "en"]
    assert record.site_language == "zh"
    assert record.user_id is None
    assert record.first_seen <= record.last_seen


def test_the_test_clients_own_address_is_recorded_and_encrypted(app, client):
    accept(client)
    view(client, "/en/")
    assert record_of(app, client).ip == "127.0.0.1"
    with app.app_context():
        [raw] = db.session.execute(text("SELECT ip FROM visit_record")).scalars().all()
    assert raw and "127.0.0.1" not in str(raw)


def test_languages_are_kept_in_the_order_of_preference_not_as_written(app, client):
    accept(client)
    view(client, "/en/", headers={"Accept-Language": "en;q=0.5, zh-CN, zh;q=0.9, *;q=0.1"})
    assert record_of(app, client).language_list == ["zh-CN", "zh", "en"]


def test_the_record_follows_the_latest_page_language(app, client):
    accept(client)
    view(client, "/en/products")
    assert record_of(app, client).site_language == "en"
    view(client, "/zh/products")
    assert record_of(app, client).site_language == "zh"


def test_a_forwarded_address_is_not_believed_without_trusted_proxies(app, client):
    accept(client)
    view(client, "/en/", headers={"X-Forwarded-For": "198.51.100.23"})
    assert record_of(app, client).ip == "127.0.0.1"


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    browser = as_browser(app.test_client())
    accept(browser)
    view(browser, "/en/", headers={"X-Forwarded-For": "198.51.100.23"})
    assert record_of(app, browser).ip == "198.51.100.23"


def test_the_language_list_is_bounded_and_clean(app, client):
    tags = [f"x{n}-ab" for n in range(20)]
    header = ", ".join(["en-US", "<script>", *tags])
    accept(client)
    view(client, "/en/", headers={"Accept-Language": header})
    languages = record_of(app, client).language_list
    assert languages[0] == "en-US" and len(languages) <= 8
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", tag) for tag in languages), languages


def test_the_address_is_encrypted_at_rest(app, new_browser):
    browser = new_browser(REMOTE_ADDR="203.0.113.7")
    accept(browser)
    view(browser, "/en/")
    with app.app_context():
        [raw] = db.session.execute(text("SELECT ip FROM visit_record")).scalars().all()
    assert raw and "203.0.113.7" not in str(raw) and "203.0.113" not in str(raw)
    assert record_of(app, browser).ip == "203.0.113.7"


def test_the_table_holds_no_raw_visitor_token(app, client):
    accept(client)
    view(client, "/en/")
    token = cookie(client, "visitor")
    with app.app_context():
        stored = db.session.execute(text("SELECT visitor_hash FROM visit_record")).scalars().all()
    assert stored == [visitor_hash(token)] and token not in stored[0]


def test_a_new_visit_starts_only_after_the_idle_time(app, client):
    idle = app.config["VISIT_IDLE_SECONDS"]
    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    assert record_of(app, client).visit_count == 1
    shift_last_seen(app, client, seconds=idle - 60)  # not idle long enough
    view(client, "/en/")
    assert record_of(app, client).visit_count == 1
    shift_last_seen(app, client, seconds=idle + 5)
    view(client, "/en/")
    record = record_of(app, client)
    assert (record.visit_count, record.page_views) == (2, 4)
    view(client, "/en/products")  # the same new visit
    assert record_of(app, client).visit_count == 2


def test_a_short_idle_setting_is_honoured(make_app):
    app = make_app(VISIT_IDLE_SECONDS=60)
    browser = as_browser(app.test_client())
    accept(browser)
    view(browser, "/en/")
    shift_last_seen(app, browser, seconds=61)
    view(browser, "/en/")
    assert record_of(app, browser).visit_count == 2
    shift_last_seen(app, browser, seconds=30)
    view(browser, "/en/")
    assert record_of(app, browser).visit_count == 2


def test_the_visitor_cookie_is_restored_when_cleared_while_consent_stands(app, client):
    accept(client)
    view(client, "/en/")
    first = cookie(client, "visitor")
    client.delete_cookie("visitor")
    view(client, "/en/")
    second = cookie(client, "visitor")
    assert second and second != first
    assert len(records(app)) == 2 and record_of(app, client).page_views == 1


# What is not counted -------------------------------------------------------------------------------


def _static_url(app) -> str:
    with app.test_request_context():
        from flask import url_for
        return url_for("static", filename="css/shop.css")


@pytest.mark.parametrize("how", [
    "static", "healthz", "readyz", "favicon", "not_found", "post", "redirect", "root_redirect", "slash_redirect", "json",
    "googlebot", "empty_agent", "consent_form_error", "head",
])
def test_what_is_not_counted(app, client, product_factory, how):
    accept(client)
    view(client, "/en/")
    before_record, before_views = record_of(app, client).page_views, views_of(app)
    if how == "static":
        with client.get(_static_url(app)) as response:
            assert response.status_code == 200 and response.mimetype == "text/css"
    elif how == "healthz":
        assert client.get("/healthz").status_code == 200
    elif how == "readyz":
        assert client.get("/readyz").status_code == 200
    elif how == "favicon":
        with client.get("/favicon.ico") as response:
            assert response.status_code == 200
    elif how == "not_found":
        response = client.get("/en/products/no-such-product")
        assert response.status_code == 404 and response.mimetype == "text/html"
    elif how == "post":
        product = product_factory()
        assert client.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"}).status_code == 303
    elif how == "redirect":
        assert client.get("/en/account/").status_code in (302, 303)
    elif how == "root_redirect":
        assert client.get("/").status_code == 302
    elif how == "slash_redirect":
        assert client.get("/zh").status_code == 308
    elif how == "json":
        response = client.get("/en/privacy/my-data.json")
        assert response.status_code == 200 and response.mimetype == "application/json"
    elif how == "googlebot":
        assert client.get("/en/products", headers={"User-Agent": GOOGLEBOT}).status_code == 200
    elif how == "empty_agent":
        assert client.get("/en/products", headers={"User-Agent": ""}).status_code == 200
    elif how == "consent_form_error":
        assert client.post("/en/privacy/consent", data={"analytics": "maybe"}).status_code == 422
    elif how == "head":
        assert client.head("/en/products").status_code == 200
    assert record_of(app, client).page_views == before_record, how
    assert views_of(app) == before_views, how


@pytest.fixture
def product_factory(make_product):
    return make_product


def test_a_bot_without_consent_is_not_counted_either(app, new_browser):
    for agent in (GOOGLEBOT, ""):
        bot = new_browser(agent)
        view(bot, "/en/products")
    assert views_of(app) == 0 and records(app) == []


def test_a_bot_that_accepted_gets_no_record(app, new_browser):
    bot = new_browser(GOOGLEBOT)
    accept(bot)
    view(bot, "/en/products")
    assert records(app) == [] and views_of(app) == 0


# Withdrawal ----------------------------------------------------------------------------------------


def test_withdrawing_deletes_the_record_and_stops_counting_at_once(app, client):
    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    assert len(records(app)) == 1
    response = refuse(client)
    assert records(app) == []
    assert cookie(client, "visitor") is None
    assert "visitor=;" in " ".join(response.headers.getlist("Set-Cookie")).replace('visitor="";', "visitor=;")
    view(client, "/en/products")
    view(client, "/en/")
    assert records(app) == []
    assert views_of(app) == 4  # the counter still counts, without anyone's record


def test_withdrawing_keeps_other_browsers_records(app, client, new_browser):
    other = new_browser()
    for browser in (client, other):
        accept(browser)
        view(browser, "/en/")
    refuse(client)
    remaining = records(app)
    assert len(remaining) == 1 and remaining[0].visitor_hash == visitor_hash(cookie(other, "visitor"))


def test_a_stale_visitor_cookie_after_refusing_counts_nothing(app, client):
    accept(client)
    view(client, "/en/")
    token = cookie(client, "visitor")
    refuse(client)
    client.set_cookie("visitor", token)  # a copy of the old cookie kept somewhere
    view(client, "/en/")
    assert records(app) == []


# Signing in ----------------------------------------------------------------------------------------


def test_signing_in_links_the_record_and_the_privacy_centre_shows_it(app, client, auth, make_user):
    user = make_user()
    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    assert record_of(app, client).user_id is None
    assert auth.login(user.email).status_code == 303
    assert record_of(app, client).user_id == user.id
    shift_last_seen(app, client, seconds=app.config["VISIT_IDLE_SECONDS"] + 10)
    view(client, "/en/")
    record = record_of(app, client)
    assert (record.visit_count, record.page_views, record.user_id) == (2, 3, user.id)
    page = view(client, "/en/account/privacy").text
    assert re.search(r"Chrome\b[^<]*</strong><br>\s*2 visits\s*·\s*3 pages viewed", page)
    assert "We hold no visit record linked to your account." not in page
    assert record_of(app, client).page_views == 4  # the privacy centre is a page like the others


def test_a_signed_in_customer_who_accepts_gets_a_linked_record(app, client, signed_in):
    accept(client)
    view(client, "/en/")
    assert record_of(app, client).user_id == signed_in.id


def test_signing_in_without_consent_links_nothing(app, client, auth, make_user):
    user = make_user()
    assert auth.login(user.email).status_code == 303
    view(client, "/en/account/privacy")
    assert records(app) == []
    assert "We hold no visit record linked to your account." in view(client, "/en/account/privacy").text


def test_another_customers_browser_record_is_not_shown(app, client, auth, make_user, new_browser):
    first, second = make_user(), make_user()
    other = new_browser()
    accept(other)
    assert other.post("/en/account/login", data={"email": first.email, "password": PASSWORD}).status_code == 303
    view(other, "/en/")
    assert auth.login(second.email).status_code == 303
    assert "We hold no visit record linked to your account." in view(client, "/en/account/privacy").text


# The daily counter ---------------------------------------------------------------------------------


def test_both_languages_of_a_page_count_as_one_page(app, client):
    view(client, "/en/products")
    view(client, "/zh/products")
    view(client, "/en/")
    view(client, "/zh/")
    counts = counters(app)
    assert counts == {"/products": (2, 0), "/": (2, 0)}
    assert not any(page.startswith(("/en", "/zh")) for page in counts)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageCount).where(PageCount.page == "/products")) == 1


def test_the_query_string_is_not_part_of_the_page(app, client):
    view(client, "/en/products?page=1")
    view(client, "/en/products?q=secret+search")
    assert counters(app) == {"/products": (2, 0)}


def test_visitors_count_each_consenting_visitor_once_per_page_and_day(app, client, new_browser):
    second, anonymous = new_browser(), new_browser()
    accept(client)
    accept(second)
    for _ in range(3):
        view(client, "/en/products")
    view(client, "/zh/products")
    view(second, "/zh/products")
    view(second, "/en/")
    view(anonymous, "/en/products")
    view(anonymous, "/en/products")
    counts = counters(app)
    assert counts["/products"] == (7, 2)
    assert counts["/"] == (1, 1)


def test_a_counting_failure_is_logged_and_the_page_still_answers(app, client, monkeypatch, caplog):
    accept(client)

    def broken(*args, **kwargs):
        raise RuntimeError("counter broke")

    monkeypatch.setattr(visits, "record_visit", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/en/products")
    assert response.status_code == 200 and "<html" in response.text
    assert any(r.levelno >= logging.ERROR and r.exc_info and "counter broke" in str(r.exc_info[1])
               for r in caplog.records)
    assert "127.0.0.1" not in caplog.text
    assert records(app) == [] and views_of(app) == 0


def test_a_database_failure_while_counting_is_logged_and_the_page_answers(app, client, monkeypatch, caplog):
    """A real database error inside the counting transaction does not reach the visitor or leave half a count."""
    accept(client)
    view(client, "/en/")
    real = visits.record_visit

    def failing(view, **kwargs):
        # A record without its site language violates NOT NULL inside the counting transaction.
        real(visits.PageView(page=view.page, site_language=None, visitor_token=view.visitor_token), **kwargs)

    monkeypatch.setattr(visits, "record_visit", failing)
    with caplog.at_level(logging.ERROR):
        response = client.get("/en/products")
    assert response.status_code == 200
    assert "a page view could not be counted" in caplog.text
    monkeypatch.setattr(visits, "record_visit", real)
    view(client, "/en/products")  # the next page counts again: nothing was left half-done
    assert record_of(app, client).page_views == 2
    assert views_of(app, "/products") == 1  # the failed view's counter row was rolled back with the record


# Retention -----------------------------------------------------------------------------------------


def test_purge_removes_records_older_than_the_retention_and_keeps_recent_ones(app, runner, new_browser):
    app.config["VISIT_RETENTION_DAYS"] = 30
    old, recent, fresh = new_browser(), new_browser(), new_browser()
    for browser in (old, recent, fresh):
        accept(browser)
        view(browser, "/en/")
    shift_last_seen(app, old, days=31)
    shift_last_seen(app, recent, days=29)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 visit records older than 30 days" in result.output
    kept = {r.visitor_hash for r in records(app)}
    assert kept == {visitor_hash(cookie(recent, "visitor")), visitor_hash(cookie(fresh, "visitor"))}
    assert views_of(app, "/") == 3  # the counter holds nobody and stays


def test_purge_removes_the_visitor_digests_of_earlier_days(app, runner, client):
    from storefront.privacy.visits import PageVisitor

    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageVisitor)) == 2
        first = db.session.scalars(select(PageVisitor.id).order_by(PageVisitor.id)).first()
        db.session.execute(update(PageVisitor).where(PageVisitor.id == first)
                           .values(day=utcnow().date() - timedelta(days=2)))
        db.session.commit()
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(PageVisitor.id)).all() != [first]
        assert db.session.scalar(select(func.count()).select_from(PageVisitor)) == 1
    assert len(records(app)) == 1  # today's record stays


def test_purge_uses_the_default_retention(app, runner, client):
    days = app.config["VISIT_RETENTION_DAYS"]
    accept(client)
    view(client, "/en/")
    shift_last_seen(app, client, days=days - 1)
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert len(records(app)) == 1
    shift_last_seen(app, client, days=days + 1)
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert records(app) == []


# my-data.json --------------------------------------------------------------------------------------


def test_my_data_json_without_a_choice(client):
    response = client.get("/en/privacy/my-data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"consent": {"analytics": None, "policy_version": None, "decided_at": None},
                                   "visitor": None}


def test_my_data_json_after_refusing(client):
    refuse(client)
    data = client.get("/en/privacy/my-data.json").get_json()
    assert data["consent"]["analytics"] is False and data["consent"]["policy_version"] == 1
    assert ISO_Z.match(data["consent"]["decided_at"])
    assert data["visitor"] is None


def test_my_data_json_with_a_privacy_signal_is_a_refusal(client):
    data = client.get("/en/privacy/my-data.json", headers={"Sec-GPC": "1"}).get_json()
    assert data == {"consent": {"analytics": False, "policy_version": None, "decided_at": None}, "visitor": None}


def test_my_data_json_matches_the_contract_shape(app, new_browser):
    browser = new_browser(REMOTE_ADDR="203.0.113.7")
    accept(browser, "zh")
    headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    view(browser, "/zh/", headers=headers)
    view(browser, "/zh/products", headers=headers)
    response = browser.get("/zh/privacy/my-data.json", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert set(data) == {"consent", "visitor"}
    assert set(data["consent"]) == {"analytics", "policy_version", "decided_at"}
    assert data["consent"]["analytics"] is True and data["consent"]["policy_version"] == 1
    assert ISO_Z.match(data["consent"]["decided_at"]), data["consent"]["decided_at"]
    visitor = data["visitor"]
    assert set(visitor) == {"visit_count", "page_views", "first_seen", "last_seen", "ip", "browser",
                            "browser_version", "os", "languages", "site_language"}
    assert visitor["visit_count"] == 1 and visitor["page_views"] == 2  # the JSON itself is not a page view
    assert isinstance(visitor["visit_count"], int) and isinstance(visitor["page_views"], int)
    assert ISO_Z.match(visitor["first_seen"]) and ISO_Z.match(visitor["last_seen"])
    assert visitor["first_seen"] <= visitor["last_seen"]
    assert visitor["ip"] == "203.0.113.7"
    assert (visitor["browser"], visitor["browser_version"], visitor["os"]) == ("Chrome", "126.0.0", "Linux")
    assert visitor["languages"] == ["zh-CN", "zh", "en"]
    assert visitor["site_language"] == "zh"


def test_my_data_json_times_are_utc(app, client):
    accept(client)
    view(client, "/en/")
    with app.app_context():
        key = visitor_hash(cookie(client, "visitor"))
        db.session.execute(update(VisitRecord).where(VisitRecord.visitor_hash == key).values(
            first_seen=utcnow().replace(year=2026, month=11, day=20, hour=8, minute=0, second=0, microsecond=0)))
        db.session.commit()
    assert client.get("/en/privacy/my-data.json").get_json()["visitor"]["first_seen"] == "2026-11-20T08:00:00Z"


def test_my_data_json_shows_only_this_browsers_record(app, client, new_browser):
    other = new_browser(REMOTE_ADDR="198.51.100.9")
    for browser in (client, other):
        accept(browser)
        view(browser, "/en/")
    view(other, "/en/products")
    assert client.get("/en/privacy/my-data.json").get_json()["visitor"]["page_views"] == 1
    assert other.get("/en/privacy/my-data.json").get_json()["visitor"]["ip"] == "198.51.100.9"


def test_my_data_page_shows_the_counts(app, client):
    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    page = view(client, "/en/privacy/my-data").text
    assert re.search(r"<dd data-visit-count>\s*1\s*<", page)
    assert re.search(r"<dd data-page-views>\s*2\s*<", page)  # shown before my-data itself is counted
    assert record_of(app, client).page_views == 3


# Account deletion ----------------------------------------------------------------------------------


def test_deleting_the_account_erases_its_visit_records(app, client, auth, make_user, new_browser):
    user = make_user()
    bystander = new_browser()
    accept(bystander)
    view(bystander, "/en/")
    accept(client)
    view(client, "/en/")
    assert auth.login(user.email).status_code == 303
    view(client, "/en/products")
    second_device = new_browser()
    accept(second_device)
    assert second_device.post("/en/account/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    view(second_device, "/en/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisitRecord)
                                 .where(VisitRecord.user_id == user.id)) == 2
    export = client.post("/en/account/export", data={"password": PASSWORD})
    exported = json.loads(export.get_data(as_text=True))["visits"]
    assert len(exported) == 2 and all(ISO_Z.match(item["last_seen"]) for item in exported)
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    remaining = records(app)
    assert [r.visitor_hash for r in remaining] == [visitor_hash(cookie(bystander, "visitor"))]
    with app.app_context():
        raw = db.session.execute(text("SELECT count(*) FROM visit_record WHERE user_id IS NOT NULL")).scalar()
    assert raw == 0


# Nothing secret or personal in the counter's page names ----------------------------------------------


def test_a_password_reset_link_is_not_kept_in_the_page_counter(app, client, make_user, outbox):
    """The counter is "nothing personal" (and goes to advertising partners): a live reset token must not be in it."""
    user = make_user()
    assert client.post("/en/account/password-reset", data={"email": user.email}).status_code == 303
    [mail] = outbox(template="password_reset")
    path = re.search(r"http://shop\.test(/en/account/password-reset/\S+)", mail.body_text).group(1)
    token = path.rsplit("/", 1)[-1]
    view(client, path)
    pages = list(counters(app))
    assert pages and not any(token in page for page in pages), pages


def test_an_order_page_is_counted_without_the_order_number(app, client, make_product):
    from tests.cart.conftest import checkout_form, checkout_token

    product = make_product(stock=5)
    assert client.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"}).status_code == 303
    placed = client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    assert placed.status_code == 303
    location = placed.headers["Location"]
    number = location.split("/orders/", 1)[1].split("?")[0]
    view(client, location)
    pages = list(counters(app))
    assert pages and not any(number in page for page in pages), pages


# Unique-visitor digests cannot be joined to visit records ----------------------------------------------


def page_visitor_rows(app) -> list[tuple]:
    with app.app_context():
        return [(day, digest) for day, digest in db.session.execute(select(PageVisitor.day, PageVisitor.digest))]


def test_page_visitor_digests_cannot_be_joined_to_visit_records(app, client, new_browser):
    """The digest comes from the cookie's token, which is stored nowhere: neither the stored visitor hash
    (the old derivation) nor any other stored value reproduces it."""
    other = new_browser()
    for browser in (client, other):
        accept(browser)
    visited = {client: ["/en/", "/en/products", "/zh/products"], other: ["/en/products", "/en/privacy"]}
    for browser, paths in visited.items():
        for path in paths:
            view(browser, path)
    rows = page_visitor_rows(app)
    assert len(rows) == 4  # (client: /, /products), (other: /products, /privacy)
    digests = {digest for _day, digest in rows}
    days = {day for day, _digest in rows}
    pages = set(counters(app))
    hashes = [r.visitor_hash for r in records(app)]
    assert len(hashes) == 2
    for day in days:
        for page in pages:
            for key in hashes:
                for joined in (f"{day.isoformat()}|{page}|{key}", f"storefront-page-visitor:{day.isoformat()}|{page}|{key}"):
                    assert hashlib.sha256(joined.encode()).hexdigest() not in digests, joined
    # The documented derivation: sha256("storefront-page-visitor:<day>|<page>|<visitor cookie token>").
    [day] = days  # (a test straddling midnight would see two days; the digests below use each row's own)
    expected = set()
    for browser, paths in visited.items():
        token = cookie(browser, "visitor")
        for page in {path[3:] or "/" for path in paths}:
            expected.add(hashlib.sha256(f"storefront-page-visitor:{day.isoformat()}|{page}|{token}".encode()).hexdigest())
    assert digests == expected


# The visitor cookie lives from the last counted visit ------------------------------------------------------


def visitor_set_cookie(response) -> str | None:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("visitor=")]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("days", [None, 7])
def test_the_visitor_cookie_is_set_again_on_every_counted_page_view(make_app, days):
    app = make_app(**({"VISIT_RETENTION_DAYS": days} if days else {}))
    max_age = app.config["VISIT_RETENTION_DAYS"] * 86400
    browser = as_browser(app.test_client())
    accept(browser)
    token = cookie(browser, "visitor")
    for path in ("/en/", "/en/products", "/zh/privacy", "/en/products"):
        header = visitor_set_cookie(view(browser, path))
        assert header is not None, path
        assert header.startswith(f"visitor={token};"), header  # the same token, only its life renewed
        assert f"Max-Age={max_age}" in header and "HttpOnly" in header, header
    assert record_of(app, browser).page_views == 4


def test_no_visitor_cookie_for_a_visitor_without_consent(app, client, new_browser):
    undecided, signal = new_browser(), new_browser()
    for path in ("/en/", "/en/products"):
        assert visitor_set_cookie(view(undecided, path)) is None
        assert visitor_set_cookie(view(signal, path, headers={"Sec-GPC": "1"})) is None
    # A browser that refused but still sends an old visitor cookie does not get it renewed.
    accept(client)
    view(client, "/en/")
    token = cookie(client, "visitor")
    refuse(client)
    client.set_cookie("visitor", token)
    for path in ("/en/", "/en/products"):
        assert visitor_set_cookie(view(client, path)) is None
    assert records(app) == []
    assert views_of(app) == 7  # they were pages, counted in the daily counter


def test_an_uncounted_response_does_not_renew_the_visitor_cookie(app, client):
    accept(client)
    view(client, "/en/")
    for response in (client.get("/en/privacy/my-data.json"), client.get("/en/products/no-such-product"),
                     client.get("/en/products", headers={"User-Agent": GOOGLEBOT})):
        assert visitor_set_cookie(response) is None, response.status_code
    assert record_of(app, client).page_views == 1


# A shared browser: one person's browsing never lands in another's record ------------------------------------


def test_signing_out_starts_a_new_visitor_and_the_next_customer_gets_a_record_of_their_own(app, client, auth,
                                                                                           make_user):
    first, second = make_user(), make_user()
    accept(client)
    view(client, "/en/")  # an unlinked record...
    assert record_of(app, client).user_id is None
    assert auth.login(first.email).status_code == 303
    assert record_of(app, client).user_id == first.id  # ...is linked when the customer signs in
    view(client, "/en/products")
    view(client, "/en/account/")
    first_record = record_of(app, client)
    assert (first_record.user_id, first_record.page_views) == (first.id, 3)
    first_token = cookie(client, "visitor")

    response = auth.logout()
    assert response.status_code == 303
    header = visitor_set_cookie(response)
    assert header is not None, response.headers.getlist("Set-Cookie")
    anonymous_token = cookie(client, "visitor")
    assert anonymous_token and anonymous_token != first_token and header.startswith(f"visitor={anonymous_token};")
    view(client, "/en/")
    view(client, "/en/products")
    anonymous = record_of(app, client)
    assert anonymous.id != first_record.id and anonymous.user_id is None and anonymous.page_views == 2

    assert auth.login(second.email).status_code == 303
    view(client, "/en/products")
    view(client, "/en/cart")
    mine = [r for r in records(app) if r.user_id == second.id]
    assert len(mine) == 1 and mine[0].id != first_record.id
    theirs = next(r for r in records(app) if r.id == first_record.id)
    assert (theirs.user_id, theirs.page_views) == (first.id, 3)  # untouched by anyone after them


@pytest.mark.parametrize("how", ["over_a_signed_in_customer", "after_the_session_ended"])
def test_another_customer_signing_in_never_adds_to_the_previous_customers_record(app, client, auth, make_user,
                                                                                how):
    first, second = make_user(), make_user()
    accept(client)
    assert auth.login(first.email).status_code == 303
    view(client, "/en/")
    view(client, "/en/products")
    first_token = cookie(client, "visitor")
    first_record = record_of(app, client)
    assert (first_record.user_id, first_record.page_views) == (first.id, 2)
    if how == "after_the_session_ended":
        client.delete_cookie("session")  # the browser was closed: the visitor cookie outlives the session
        view(client, "/en/")  # still this browser's record (nobody is signed in to say otherwise)
        first_record = record_of(app, client)
        assert first_record.page_views == 3
    response = auth.login(second.email)
    assert response.status_code == 303
    header = visitor_set_cookie(response)
    assert header is not None and cookie(client, "visitor") != first_token
    for path in ("/en/", "/en/products", "/en/account/"):
        view(client, path)
    second_records = [r for r in records(app) if r.user_id == second.id]
    assert len(second_records) == 1
    assert second_records[0].id != first_record.id and second_records[0].page_views == 3
    theirs = next(r for r in records(app) if r.id == first_record.id)
    assert (theirs.user_id, theirs.page_views) == (first.id, first_record.page_views)
    # The second customer's privacy centre shows only their own record (before this page is counted).
    page = view(client, "/en/account/privacy").text
    assert len(re.findall(r"\d+ visits?\s*·\s*\d+ pages? viewed", page)) == 1
    assert re.search(r"1 visit\s*·\s*3 pages viewed", page)


def test_the_same_customer_signing_in_again_keeps_the_record(app, client, auth, make_user):
    user = make_user()
    accept(client)
    assert auth.login(user.email).status_code == 303
    view(client, "/en/")
    token = cookie(client, "visitor")
    client.delete_cookie("session")
    response = auth.login(user.email)
    assert response.status_code == 303
    assert visitor_set_cookie(response) is None and cookie(client, "visitor") == token
    view(client, "/en/")
    [record] = records(app)
    assert (record.user_id, record.page_views) == (user.id, 2)


# Scripts are not visitors ------------------------------------------------------------------------------------


SCRIPT_AGENTS = ["curl/8.0", "Wget/1.21", "python-requests/2.31", "Go-http-client/1.1", "Python-urllib/3.11"]


@pytest.mark.parametrize("agent", SCRIPT_AGENTS)
def test_a_script_is_not_counted_even_with_consent(app, client, agent):
    accept(client)
    view(client, "/en/")  # the record exists: a script with the same cookies must not add to it
    before_record, before_views = record_of(app, client).page_views, views_of(app)
    for path in ("/en/products", "/en/"):
        assert client.get(path, headers={"User-Agent": agent}).status_code == 200
    assert record_of(app, client).page_views == before_record
    assert views_of(app) == before_views
    view(client, "/en/products")  # a browser is
    assert record_of(app, client).page_views == before_record + 1
    assert views_of(app) == before_views + 1


@pytest.mark.parametrize("agent", SCRIPT_AGENTS)
def test_a_script_that_accepted_gets_no_record(app, new_browser, agent):
    script = new_browser(agent)
    accept(script)
    view(script, "/en/products")
    assert records(app) == [] and views_of(app) == 0


def publish_material_version(app) -> int:
    from storefront.database import write_transaction
    from storefront.privacy.policy import publish_version

    with app.app_context(), write_transaction():
        version = publish_version({"en": {"body": "Version two.", "summary": "We changed things."},
                                   "zh": {"body": "第二版。", "summary": "我们作了修改。"}}, material=True)
        db.session.commit()
        return version.number


def test_signing_out_while_the_consent_awaits_renewal_still_leaves_the_record_behind(app, client, auth, make_user):
    """A material policy change voids the consent until it is given again; the account's record must still
    stay with the account when it signs out, not continue with whoever accepts next on this browser."""
    user = make_user()
    accept(client)
    assert auth.login(user.email).status_code == 303
    view(client, "/en/")
    view(client, "/en/products")
    theirs = record_of(app, client)
    assert (theirs.user_id, theirs.page_views) == (user.id, 2)
    publish_material_version(app)
    assert "consent-banner" in view(client, "/en/").text  # the consent awaits renewal
    assert auth.logout().status_code == 303
    accept(client)  # the next person on this browser accepts the new policy
    view(client, "/en/")
    view(client, "/en/cart")
    after = next(r for r in records(app) if r.id == theirs.id)
    assert (after.user_id, after.page_views) == (user.id, 2), "another person's browsing landed in the account's record"
    mine = record_of(app, client)
    assert mine.id != theirs.id and mine.user_id is None and mine.page_views == 2


def test_another_customer_accepting_after_a_policy_change_never_takes_over_the_previous_record(app, client, auth,
                                                                                              make_user):
    """The first customer's session ended with their record still the browser's, while the consent awaits
    renewal; the next customer signs in and accepts: their browsing must not join, or claim, that record."""
    first, second = make_user(), make_user()
    accept(client)
    assert auth.login(first.email).status_code == 303
    view(client, "/en/")
    theirs = record_of(app, client)
    assert (theirs.user_id, theirs.page_views) == (first.id, 1)
    publish_material_version(app)
    client.delete_cookie("session")  # the browser was closed
    assert auth.login(second.email).status_code == 303
    accept(client)
    view(client, "/en/")
    view(client, "/en/products")
    after = next(r for r in records(app) if r.id == theirs.id)
    assert (after.user_id, after.page_views) == (first.id, 1), "the first customer's record went to the second"
    [mine] = [r for r in records(app) if r.user_id == second.id]
    assert mine.id != theirs.id and mine.page_views == 2
