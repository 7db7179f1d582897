"""Statistics and the advertising partners' CSV: aggregates only, small counts left empty, every
export recorded as a disclosure and in the audit log; bad dates are refused."""

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.privacy.audit import AuditEntry
from storefront.privacy.disclosures import Disclosure

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"}


def browse(app, pages: dict[str, int], consenting: int = 0) -> None:
    """Views of pages by anonymous visitors, and one view each by `consenting` accepting visitors."""
    client = app.test_client()
    for path, times in pages.items():
        for _ in range(times):
            assert client.get(path, headers=UA).status_code == 200
    for n in range(consenting):
        visitor = app.test_client()
        visitor.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 10}"
        visitor.post("/en/privacy/consent", data={"analytics": "yes"}, headers=UA)
        visitor.get("/en/terms", headers=UA)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def owner(make_user, auth):
    user = make_user(role="owner")
    auth.login(user.email)
    return user


def test_the_pages_export_has_the_contract_shape_and_leaves_small_counts_empty(app, client, owner):
    browse(app, {"/en/shipping": 6, "/zh/shipping": 1, "/en/returns": 2}, consenting=5)
    response = client.get("/en/admin/stats/export.csv?kind=pages")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header, *rows = rows_of(response)
    assert header == ["date", "page", "page_views", "visitors"]
    by_page = {row[1]: row for row in rows}
    assert by_page["/shipping"][2:] == ["7", ""]  # both languages count as one page; no consenting visitor
    assert by_page["/returns"][2:] == ["", ""]  # 2 views: under 5, left empty
    assert by_page["/terms"][2:] == ["5", "5"]  # five consenting visitors, each counted once


def test_the_orders_export_hides_days_with_fewer_than_five_orders(app, client, owner, buy, make_product):
    product = make_product(price=Decimal("30.00"), stock=20)
    for _ in range(2):
        assert buy(product).status_code == 303
    header, *rows = rows_of(client.get("/en/admin/stats/export.csv?kind=orders"))
    assert header == ["date", "orders", "total", "average"]
    assert len(rows) == 1 and rows[0][1:] == ["", "", ""]
    for _ in range(3):
        buy(product)
    [row] = rows_of(client.get("/en/admin/stats/export.csv?kind=orders"))[1:]
    assert row[1] == "5" and Decimal(row[2]) == Decimal(row[3]) * 5


def test_no_personal_value_can_appear_in_the_export(app, client, owner, buy, make_product):
    product = make_product(price=Decimal("30.00"), stock=20)
    for _ in range(5):
        buy(product, email="secret.person@example.com")
    browse(app, {"/en/shipping": 5}, consenting=5)
    exported = (client.get("/en/admin/stats/export.csv?kind=pages").get_data(as_text=True)
                + client.get("/en/admin/stats/export.csv?kind=orders").get_data(as_text=True))
    for personal in ("secret.person", "@", "Ada", "Lovelace", "203.0.113", "127.0.0.1", "Chrome", "+1", "Market"):
        assert personal not in exported


def test_every_export_is_a_disclosure_to_advertising_partners_and_an_audit_row(app, client, owner):
    client.get("/en/admin/stats/export.csv?kind=orders&from=2026-01-01&to=2026-01-31")
    with app.app_context():
        [disclosure] = db.session.scalars(select(Disclosure)).all()
        assert disclosure.recipient == "advertising_partner"
        assert disclosure.field_list == ["orders", "order_total", "order_average"]
        assert disclosure.subject is None and disclosure.user_id is None and disclosure.staff_id == owner.id
        assert disclosure.reference == "orders 2026-01-01..2026-01-31"
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert entry.actor_id == owner.id


@pytest.mark.parametrize("query", [
    "kind=visitors", "kind=", "from=2026-13-01", "from=20261101", "to=yesterday", "from=2026-11-30&to=2026-11-01",
    "from=2024-01-01&to=2026-01-01", "from=２０２６-１１-０１",
])
def test_malformed_parameters_are_400_and_nothing_is_recorded(app, client, owner, query):
    assert client.get(f"/en/admin/stats/export.csv?{query}").status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Disclosure)).all() == []


def test_staff_see_statistics_but_not_the_partner_export(app, client, make_user, auth):
    browse(app, {"/en/shipping": 3})
    staff = make_user(role="staff")
    auth.login(staff.email)
    page = client.get("/en/admin/stats")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<td><code>/shipping</code></td><td>3</td>" in text  # the most viewed pages, from the counters
    assert text.count("<rect ") == 60  # two charts, one bar per day of the last 30
    assert "export.csv" not in text
    assert client.get("/en/admin/stats/export.csv").status_code == 403


def test_the_statistics_page_refuses_bad_dates_and_shows_the_default_range(app, client, owner):
    response = client.get("/en/admin/stats?from=2026-02-30")
    assert response.status_code == 400
    assert "Showing the last 30 days" in response.get_data(as_text=True)
    assert "统计" in client.get("/zh/admin/stats").get_data(as_text=True)


@pytest.mark.parametrize("role", [None, "customer"])
def test_customers_and_visitors_get_no_statistics(app, client, make_user, auth, role):
    if role:
        auth.login(make_user(role=role).email)
    for url in ("/en/admin/stats", "/en/admin/stats/export.csv"):
        response = client.get(url)
        assert response.status_code == (403 if role else 302)


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-31"])
def test_the_first_and_last_possible_days_never_500(app, client, owner, query):
    assert client.get(f"/en/admin/stats?{query}").status_code in (200, 400)
    assert client.get(f"/en/admin/stats/export.csv?kind=orders&{query}").status_code in (200, 400)
    assert client.get(f"/en/admin/stats/export.csv?kind=pages&{query}").status_code in (200, 400)
