"""The owner's audit log: filters, pagination, malformed queries; what the customer sees of it and erasure."""

import json
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from storefront.account.models import User
from storefront.account.services import person_of
from storefront.extensions import db
from storefront.privacy import audit
from tests.admin import audit_rows, client_as, shared, sign_in, translated
from tests.conftest import PASSWORD, user_maker


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def build_log(app) -> SimpleNamespace:
    """Five audit rows, each with a marker in its detail, on known days (UTC); the owner signed in on `client`."""
    make_user = user_maker(app)
    people = SimpleNamespace(
        app=app,
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
        customer=make_user(email="customer@example.com"),
    )
    rows = [  # marker, action, actor, when
        ("mark-A", "role.grant", people.owner.id, "2026-01-10T09:00:00"),
        ("mark-B", "role.revoke", people.owner.id, "2026-02-01T00:00:00"),
        ("mark-C", "customer.view", people.staff.id, "2026-02-15T23:59:59"),
        ("mark-D", "export", people.staff.id, "2026-02-16T00:00:00"),
        ("mark-E", "legal_request", None, "2026-03-20T12:00:00"),
    ]
    with app.app_context():
        for marker, action, actor, when in rows:
            entry = audit.record(action, actor_id=actor, subject_user_id=people.customer.id, detail=marker)
            entry.created_at = at(when)
        db.session.commit()
    people.client = sign_in(app, people.owner.email)
    return people


@pytest.fixture
def own_log(app):
    """The log on the test's own app and database, for the tests that add to it or erase from it."""
    return build_log(app)


@pytest.fixture(scope="module")
def shared_log(module_app):
    return shared(build_log(module_app))


@pytest.fixture
def log(shared_log):
    """The log built once for the module, for the tests that only read it (viewing the log writes nothing),
    with an owner client of the test's own."""
    return SimpleNamespace(**{**vars(shared_log), "client": client_as(shared_log, "owner")})


def markers(page: str) -> list[str]:
    return re.findall(r"mark-[A-Z]", page)


ALL = ["mark-E", "mark-D", "mark-C", "mark-B", "mark-A"]  # newest first


def test_the_log_lists_every_entry_newest_first_with_names(log):
    response = log.client.get("/en/admin/audit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert markers(page) == ALL
    assert "Role granted" in page and "Data exported" in page and "Legal request handled" in page
    assert "staff@example.com" in page and "customer@example.com" in page
    assert "a command on the server" in page  # mark-E has no actor


@pytest.mark.parametrize("query, expected", [
    ({"action": "role.grant"}, ["mark-A"]),
    ({"action": "customer.view"}, ["mark-C"]),
    ({"action": "policy.publish"}, []),
    ({"actor": "staff"}, ["mark-D", "mark-C"]),
    ({"actor": "owner"}, ["mark-B", "mark-A"]),
    ({"day_from": "2026-02-01", "day_to": "2026-02-15"}, ["mark-C", "mark-B"]),  # both ends included, whole days
    ({"day_from": "2026-02-16"}, ["mark-E", "mark-D"]),
    ({"day_to": "2026-01-31"}, ["mark-A"]),
    ({"day_from": "2026-02-15", "day_to": "2026-02-15"}, ["mark-C"]),
    ({"day_from": "2026-03-01", "day_to": "2026-02-01"}, []),
    ({"action": "export", "actor": "staff", "day_from": "2026-02-16", "day_to": "2026-02-16"}, ["mark-D"]),
    ({"action": "export", "actor": "owner"}, []),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filters(log, query, expected, lang):
    query = {key: str(getattr(log, value).id) if key == "actor" else value for key, value in query.items()}
    response = log.client.get(f"/{lang}/admin/audit", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert markers(page) == expected
    if not expected:
        assert translated(log.app, lang, "No entries match these filters.") in page
    # The filters stay filled in.
    if "day_from" in query:
        assert f'value="{query["day_from"]}"' in page


@pytest.mark.parametrize("name, value", [
    (name, value)
    for name in ("day_from", "day_to", "page", "action")
    for value in ("2026-13-01", "2026-02-30", "abc", "-1", "0", "99999999999999", "99999999999999999999",
                  "1e3", "²", "２", "", " ", "\x00", "2026-01-01\x00", "' OR 1=1 --", "x" * 2000)
])
def test_a_malformed_filter_is_left_out_never_500(log, name, value):
    response = log.client.get("/en/admin/audit", query_string={name: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if name == "day_from" and value == "２":
        return  # whatever a full-width digit parses to, the page answers
    assert markers(page) == ALL


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999", "99999999999999999999", "1e3", "²", "٣",
                                   "２", "", " ", "\x00", "1\x00", "' OR 1=1 --", "x" * 2000])
def test_a_malformed_actor_never_500(log, value):
    response = log.client.get("/en/admin/audit", query_string={"actor": value})
    assert response.status_code == 200
    shown = markers(response.get_data(as_text=True))
    assert shown in (ALL, []) or (value.isdigit() and shown == markers_of_actor(log, int(value)))


def markers_of_actor(log, actor_id):
    return {log.owner.id: ["mark-B", "mark-A"], log.staff.id: ["mark-D", "mark-C"]}.get(actor_id, [])


def test_a_malformed_day_is_shown_as_an_error_next_to_its_field(log):
    response = log.client.get("/zh/admin/audit", query_string={"day_from": "2026-13-01", "action": "export"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="day_from-error"' in page
    assert markers(page) == ["mark-D"]  # the good filter still applies


@pytest.mark.parametrize("query", [
    {"day_from": "0001-01-01"}, {"day_to": "9999-12-31"}, {"day_from": "0001-01-01", "day_to": "9999-12-31"},
    {"day_from": "9999-12-31"}, {"day_to": "0001-01-01"},
])
def test_the_extreme_valid_days_never_500(log, query):
    response = log.client.get("/en/admin/audit", query_string=query)
    assert response.status_code == 200
    assert markers(response.get_data(as_text=True)) in (ALL, [])


def test_pages_and_a_page_past_the_last(app, own_log):
    log = own_log
    with app.app_context():
        for n in range(1, 52):
            audit.record("customer.view", actor_id=log.staff.id, subject_user_id=log.customer.id, detail=f"row-{n:03d}")
        db.session.commit()
    query = {"action": "customer.view"}  # 52 entries: mark-C and the 51 rows
    first = log.client.get("/en/admin/audit", query_string=query).get_data(as_text=True)
    shown = re.findall(r"row-\d{3}", first)
    assert len(shown) == 50 and shown[0] == "row-051"
    assert 'rel="next"' in first
    second = log.client.get("/en/admin/audit", query_string={**query, "page": "2"}).get_data(as_text=True)
    assert re.findall(r"row-\d{3}", second) == ["row-001"] and markers(second) == ["mark-C"]

    for past in ("3", "99"):
        response = log.client.get("/en/admin/audit", query_string={**query, "page": past})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert re.findall(r"row-\d{3}", page) == [] and markers(page) == []
        assert "No entries match these filters." in page
        # A link back that leads to entries (CONTRACT.md: "an empty list and a link back").
        links = re.findall(r'<a href="([^"]+)"[^>]*rel="prev"|<a rel="prev" href="([^"]+)"', page)
        assert links, "no link back"
        back = next(filter(None, links[0])).replace("&amp;", "&")
        assert "action=customer.view" in back
        target = log.client.get(back).get_data(as_text=True)
        assert re.findall(r"row-\d{3}", target), f"the link back from page {past} ({back}) leads to an empty page"


def test_an_erased_subject_is_shown_as_such(app, own_log):
    log = own_log
    response = log.client.get("/en/admin/audit", query_string={"action": "role.grant"})
    assert "customer@example.com" in response.get_data(as_text=True)
    with app.app_context():
        audit.erase_audit(person_of(db.session.get(User, log.customer.id)))
        db.session.commit()
    page = log.client.get("/en/admin/audit", query_string={"action": "role.grant"}).get_data(as_text=True)
    assert markers(page) == ["mark-A"]
    assert "customer@example.com" not in page and "an erased person" in page


# What the customer sees --------------------------------------------------------------------------------


@pytest.fixture
def promoted_and_demoted(app, make_user):
    """A customer made staff and back by the owner through the admin; another customer made staff too."""
    owner = make_user(role="owner", email="owner@example.com")
    customer = make_user(email="quentin@example.com")
    other = make_user(email="other@example.com")
    owner_client = sign_in(app, owner.email)
    for path, data in (("/en/admin/staff", {"email": customer.email}), (f"/en/admin/staff/{customer.id}/revoke", {}),
                       ("/en/admin/staff", {"email": other.email})):
        response = owner_client.post(path, data=data)
        assert response.status_code == 303
        owner_client.get(response.headers["Location"])  # shows (and so uses up) the flash message
    with app.app_context():
        # Rows about the customer that are never shown to them (confidential legal requests, disclosures).
        audit.record("legal_request", actor_id=owner.id, subject_user_id=customer.id, detail="confidential")
        audit.record("disclosure", actor_id=owner.id, subject_user_id=customer.id, detail="logistics")
        db.session.commit()
    return SimpleNamespace(owner=owner, customer=customer, other=other, owner_client=owner_client)


def test_the_customers_export_lists_the_role_changes_about_them(app, promoted_and_demoted):
    customer = promoted_and_demoted.customer
    client = sign_in(app, customer.email)  # revoking ended the earlier sessions
    response = client.post("/en/account/export", data={"password": PASSWORD})
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    entries = data["audit"]
    actions = [entry["action"] for entry in entries]
    assert [a for a in actions if a.startswith("role.")] == ["role.grant", "role.revoke"]
    assert "legal_request" not in actions and "disclosure" not in actions
    for entry in entries:
        datetime.fromisoformat(entry["at"])
    assert "confidential" not in response.get_data(as_text=True)


def test_after_erasure_the_rows_remain_under_a_pseudonym(app, promoted_and_demoted):
    people = promoted_and_demoted
    before = audit_rows(app)
    about_customer = [row.id for row in before if row.subject_user_id == people.customer.id]
    assert len(about_customer) == 4
    client = sign_in(app, people.customer.email)
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(User).where(User.id == people.customer.id)) is None

    after = {row.id: row for row in audit_rows(app)}
    assert sorted(after) == sorted(row.id for row in before)  # nothing deleted
    pseudonyms = set()
    for row_id in about_customer:
        row = after[row_id]
        assert row.subject_user_id is None
        assert row.subject and row.subject.startswith("erased-") and len(row.subject) > len("erased-")
        assert people.customer.email not in row.subject
        pseudonyms.add(row.subject)
    assert len(pseudonyms) == 1  # the person's rows still belong together
    # Who did it is kept; rows about someone else are untouched.
    assert {after[row_id].actor_id for row_id in about_customer} == {people.owner.id}
    [other_row] = [row for row in after.values() if row.id not in about_customer]
    assert other_row.subject_user_id == people.other.id and other_row.subject is None

    page = people.owner_client.get("/en/admin/audit").get_data(as_text=True)
    assert people.customer.email not in page and "an erased person" in page
