"""Promise: "advertising partners get only non-personal aggregates".

What these tests prove: the advertising partner's manifest, the one gate every hand-over passes
(privacy.disclosures.disclose), refuses every personal field (email, name, phone, address, card number,
IP address, visitor or account ids) and accepts only the aggregate fields, about nobody; and the
daily page counters the partner export is built from hold nothing personal: after consenting and
non-consenting visitors (one of them signed in) browse through HTTP, the page_count table's columns
and values contain no IP address, visitor token or hash, user agent, email or user id, only days,
pages and counts. The CSV export itself (small counts suppressed, every export logged) is built by the
admin issue (#6) and is tested there.
"""

import pytest
from sqlalchemy import func, inspect, select, text

from storefront.extensions import db
from storefront.privacy.disclosures import MANIFESTS, Disclosure, UndeclaredField, disclose
from storefront.privacy.visits import PageCount, VisitRecord
from tests.promises.conftest import FIREFOX_WINDOWS, Browser

PERSONAL = ["email", "name", "phone", "address", "card_number", "card_name", "ip", "visitor", "visitor_hash",
            "user_id", "user_agent", "browser", "languages", "birth_date", "gender"]
AGGREGATES = ["page_views", "visitors", "orders", "order_total", "order_average"]


def disclosure_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Disclosure))


def test_the_partner_manifest_refuses_every_personal_field(app):
    for field in PERSONAL:
        with app.app_context():
            with pytest.raises(UndeclaredField):
                disclose("advertising_partner", ["page_views", field], recipient_name="AdPartner Ltd")
            with pytest.raises(UndeclaredField):  # nor as a value slipped in beside a declared field
                disclose("advertising_partner", ["page_views"], recipient_name="AdPartner Ltd",
                         values={"page_views": [], field: "x"})
            db.session.commit()
        assert disclosure_count(app) == 0, field


def test_the_partner_manifest_accepts_the_aggregates_about_nobody(app, rows):
    assert MANIFESTS["advertising_partner"].personal is False
    assert set(MANIFESTS["advertising_partner"].fields) == set(AGGREGATES)
    with app.app_context():
        disclose("advertising_partner", AGGREGATES, recipient_name="AdPartner Ltd", reference="2026-11")
        db.session.commit()
    [record] = rows(Disclosure)
    assert record.recipient == "advertising_partner" and record.fields.split(",") == AGGREGATES
    assert record.user_id is None and record.subject is None  # about nobody
    assert (record.purpose, record.legal_basis) == ("statistics", "legitimate_interest")


def test_the_daily_page_counters_hold_no_personal_data(app, client, make_shopper, signed_in, rows, table_text):
    visitors = [
        make_shopper(ip="203.0.113.7"),
        make_shopper(ip="198.51.100.23", user_agent=FIREFOX_WINDOWS, languages="zh-CN,zh;q=0.9"),
    ]
    member = Browser(client, ip="192.0.2.55")  # the signed-in customer's browser
    visitors.append(member)
    for person in visitors:
        person.accept()
    refuser = make_shopper(ip="192.0.2.99")
    refuser.decline()
    for person in (*visitors, refuser):
        assert person.get("/en/").status_code == 200
        assert person.get("/zh/").status_code == 200
        assert person.get("/en/terms").status_code == 200

    records = rows(VisitRecord)
    assert len(records) == 3  # the consenting browsers are recorded...
    assert signed_in.id in {r.user_id for r in records}

    with app.app_context():  # ...but the counters have no column that could hold anything about them
        columns = {column["name"] for column in inspect(db.engine).get_columns("page_count")}
        raw = db.session.execute(text("SELECT day, page, views, visitors FROM page_count ORDER BY page")).all()
    assert columns == {"id", "day", "page", "views", "visitors"}
    assert [(page, views, seen) for _day, page, views, seen in raw] == [("/", 8, 3), ("/terms", 4, 3)]

    dump = table_text("page_count")
    secrets = ["203.0.113.7", "198.51.100.23", "192.0.2.55", "192.0.2.99", "Mozilla", "Chrome", "Firefox",
               "zh-CN", signed_in.email]
    secrets += [person.cookie("visitor") for person in visitors] + [record.visitor_hash for record in records]
    for secret in secrets:
        assert secret not in dump
    counted = {(row.page, row.views, row.visitors) for row in rows(PageCount)}
    assert counted == {("/", 8, 3), ("/terms", 4, 3)}
