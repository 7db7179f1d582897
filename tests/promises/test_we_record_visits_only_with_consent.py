"""Promise: "we record IP, browser version, language preference and how many times you visited".

What these tests prove, through the customer's own requests: with no choice made (or after declining)
nothing personal is stored and no tracking cookie is set, only the anonymous per-page counter; after
accepting, the browser's visit record holds its IP address, browser and version, operating system,
Accept-Language tags, visit and page-view counts, and /en/privacy/my-data(.json) shows exactly that;
30 idle minutes start a new visit; the visitor can erase the record (forget) and withdraw consent, after
which counting stops at once, even if the old visitor cookie is still sent; a browser sending Global
Privacy Control or Do Not Track is never recorded (and never nagged with the banner).
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.privacy.consent import ConsentEntry
from storefront.privacy.visits import PageCount, VisitRecord
from tests.promises.conftest import Browser

PAGES = ("/en/", "/en/privacy", "/en/terms")


def browse(shopper, *paths):
    for path in paths:
        response = shopper.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return response


def test_without_a_choice_nothing_personal_is_stored_and_no_tracking_cookie(shopper, rows):
    page = browse(shopper, *PAGES)

    assert 'class="consent-banner"' in page.text  # the visitor is asked, not assumed
    assert shopper.cookie("visitor") is None and shopper.cookie("consent") is None
    assert rows(VisitRecord) == []
    assert shopper.my_data() == {"consent": {"analytics": None, "policy_version": None, "decided_at": None},
                                 "visitor": None}
    # Only the anonymous daily counter moved: views per page, no visitor counted.
    counts = {row.page: row for row in rows(PageCount)}
    assert counts["/"].views == 1 and counts["/privacy"].views == 1
    assert all(row.visitors == 0 for row in counts.values())


def test_declining_stores_nothing_personal(shopper, rows):
    shopper.decline()
    page = browse(shopper, *PAGES)

    assert 'class="consent-banner"' not in page.text
    assert shopper.cookie("visitor") is None
    assert rows(VisitRecord) == []
    assert shopper.my_data()["consent"]["analytics"] is False
    assert shopper.my_data()["visitor"] is None


def test_after_accepting_ip_browser_os_languages_and_counts_are_recorded_and_shown(shopper, rows):
    accepted = shopper.accept()
    assert accepted.headers["Location"] == "/en/"
    assert shopper.cookie("visitor") and shopper.cookie("consent")
    browse(shopper, *PAGES)

    data = shopper.my_data()
    assert data["consent"]["analytics"] is True and data["consent"]["policy_version"] == 1
    visitor = data["visitor"]
    assert visitor["ip"] == "203.0.113.7"
    assert visitor["browser"] == "Chrome" and visitor["browser_version"].startswith("126.0")
    assert visitor["os"] == "Linux"
    assert visitor["languages"] == ["en-GB", "en", "zh-CN"]
    assert visitor["site_language"] == "en"
    assert visitor["visit_count"] == 1 and visitor["page_views"] == len(PAGES)
    assert visitor["first_seen"] and visitor["last_seen"]

    [record] = rows(VisitRecord)
    assert (record.browser, record.os, record.ip, record.page_views) == ("Chrome", "Linux", "203.0.113.7", 3)
    assert record.visitor_hash != shopper.cookie("visitor")  # the table alone does not open the shopper

    page = shopper.get("/en/privacy/my-data")
    assert page.headers["Cache-Control"] == "no-store"
    assert re.search(r"data-visit-count>\s*1\s*<", page.text)
    assert re.search(r"data-page-views>\s*3\s*<", page.text)  # this page is counted after it is shown
    assert "203.0.113.7" in page.text and "Chrome 126.0" in page.text and "Linux" in page.text
    assert "en-GB, en, zh-CN" in page.text


def test_each_browser_has_its_own_record(shopper, make_shopper, rows):
    other = make_shopper(user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
                         ip="198.51.100.23", languages="zh-CN,zh;q=0.9")
    for person in (shopper, other):
        person.accept()
        browse(person, "/en/")
    other_data = other.my_data()["visitor"]
    assert (other_data["browser"], other_data["os"], other_data["ip"]) == ("Firefox", "Windows", "198.51.100.23")
    assert other_data["languages"] == ["zh-CN", "zh"]
    assert shopper.my_data()["visitor"]["ip"] == "203.0.113.7"
    assert len(rows(VisitRecord)) == 2


def move_last_seen_back(app, idle):
    with app.app_context():
        record = db.session.scalar(select(VisitRecord))
        record.last_seen -= idle
        db.session.commit()


@pytest.mark.parametrize("idle_minutes, visits", [(29, 1), (31, 2)])
def test_thirty_idle_minutes_start_a_new_visit(app, shopper, idle_minutes, visits):
    shopper.accept()
    browse(shopper, "/en/", "/en/terms")
    move_last_seen_back(app, timedelta(minutes=idle_minutes))
    browse(shopper, "/en/")

    visitor = shopper.my_data()["visitor"]
    assert visitor["visit_count"] == visits
    assert visitor["page_views"] == 3


def test_the_idle_setting_decides_when_a_visit_ends(make_app):
    app = make_app(VISIT_IDLE_SECONDS=60)
    person = Browser(app.test_client())
    person.accept()
    browse(person, "/en/")
    move_last_seen_back(app, timedelta(minutes=2))  # under the default 30 minutes, over this shop's one
    browse(person, "/en/")
    assert person.my_data()["visitor"]["visit_count"] == 2


def test_the_visitor_can_erase_the_record(shopper, rows):
    shopper.accept()
    browse(shopper, *PAGES)
    assert len(rows(VisitRecord)) == 1

    page = shopper.get("/en/privacy/my-data")
    assert 'action="/en/privacy/forget"' in page.text
    forgotten = shopper.post("/en/privacy/forget")
    assert forgotten.status_code == 303 and forgotten.headers["Location"] == "/en/privacy/my-data"

    assert rows(VisitRecord) == []
    assert shopper.cookie("visitor") is None and shopper.cookie("consent") is None
    assert shopper.my_data() == {"consent": {"analytics": None, "policy_version": None, "decided_at": None},
                                 "visitor": None}
    assert [entry.source for entry in rows(ConsentEntry)] == ["banner", "forget"]
    # The choice is reset: the visitor is asked again and nothing is recorded meanwhile.
    page = browse(shopper, *PAGES)
    assert 'class="consent-banner"' in page.text
    assert rows(VisitRecord) == []


def test_withdrawing_consent_deletes_the_record_and_stops_counting_at_once(shopper, rows):
    shopper.accept()
    browse(shopper, *PAGES)
    token = shopper.cookie("visitor")

    withdrawn = shopper.decline(source="settings", next="/en/privacy/my-data")
    assert withdrawn.headers["Location"] == "/en/privacy/my-data"
    assert rows(VisitRecord) == []
    assert shopper.cookie("visitor") is None
    assert [entry.analytics for entry in rows(ConsentEntry)] == [True, False]

    browse(shopper, *PAGES)
    assert rows(VisitRecord) == []
    # Even a browser that still sends its old visitor cookie is not counted any more.
    shopper.client.set_cookie("visitor", token)
    browse(shopper, *PAGES)
    assert rows(VisitRecord) == []
    assert shopper.my_data()["visitor"] is None


@pytest.mark.parametrize("signal", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_a_browser_sending_gpc_or_dnt_is_never_recorded(make_shopper, rows, signal):
    person = make_shopper(**signal)
    page = browse(person, *PAGES)

    assert 'class="consent-banner"' not in page.text  # the signal is the answer: no banner
    assert person.cookie("visitor") is None
    assert rows(VisitRecord) == []
    assert person.my_data()["consent"]["analytics"] is False
    assert person.my_data()["visitor"] is None
    # Pages are still counted anonymously, like for anyone.
    assert {row.page: row.views for row in rows(PageCount)}["/"] == 1
