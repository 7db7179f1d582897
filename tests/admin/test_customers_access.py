"""The access matrix of customers and legal requests: every URL, GET and POST, as anonymous, customer,
staff and owner, in both languages. Customers are for staff and the owner; legal requests for the owner."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.privacy.disclosures import Disclosure
from storefront.privacy.legal import LegalRequest, answer_request, record_request
from storefront.privacy.registry import Person
from tests.admin import (
    assert_forbidden_page, assert_sent_to_sign_in, client_as, csrf_token_of, shared, snapshot, world_for,
)
from tests.conftest import user_maker

LANGS = ("en", "zh")
ROLES = ("anonymous", "customer", "staff", "owner")


def build_world(app) -> SimpleNamespace:
    """Owner, staff, a customer, and three requests about the customer: two waiting, one answered."""
    make_user = user_maker(app)
    people = SimpleNamespace(
        app=app,
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
        customer=make_user(email="customer@example.com", full_name="Ada Lovelace"),
    )
    person = Person(people.customer.id, people.customer.email, True)
    with app.app_context():
        ids = []
        for reference in ("PENDING-1", "REFUSABLE-1", "ANSWERED-1"):
            ids.append(record_request(authority="Police", reference=reference, legal_basis="Court order",
                                      scope=["profile"], person=person, may_notify=True).id)
        answer_request(db.session.get(LegalRequest, ids[2]), person)
        db.session.commit()
    people.pending, people.refusable, people.answered = ids
    return people


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture(scope="module")
def shared_world(module_app):
    """The world of the cases that change nothing, built once for the module."""
    return shared(build_world(module_app))


NEW_REQUEST = {"email": "customer@example.com", "authority": "Court of Justice", "reference": "NEW-1",
               "legal_basis": "Order 3/2026", "scope": ["orders", "profile"], "period_from": "", "period_to": "",
               "may_notify": "y"}

# name → (method, path template, form data); {customer} is the customer's id, {pending}, {refusable} and
# {answered} the ids of legal requests in those states.
REQUESTS = {
    "customers": ("GET", "/{lang}/admin/customers", None),
    "customers searched": ("GET", "/{lang}/admin/customers?q=example&role=customer&page=1", None),
    "customer detail": ("GET", "/{lang}/admin/customers/{customer}", None),
    "legal requests": ("GET", "/{lang}/admin/legal", None),
    "legal request form": ("GET", "/{lang}/admin/legal/new", None),
    "record legal request": ("POST", "/{lang}/admin/legal/new", NEW_REQUEST),
    "legal request": ("GET", "/{lang}/admin/legal/{pending}", None),
    "answer legal request": ("POST", "/{lang}/admin/legal/{pending}/answer", {}),
    "refuse legal request": ("POST", "/{lang}/admin/legal/{refusable}/refuse", {}),
    "legal request export": ("GET", "/{lang}/admin/legal/{answered}/export.json", None),
}
STAFF_MAY = ("customers", "customers searched", "customer detail")
CHANGES = ("record legal request", "answer legal request", "refuse legal request")
AUDITED = ("customer detail", "legal request export")  # a view of personal data: one audit row

EXPECTED = {
    "customer": dict.fromkeys(REQUESTS, 403),
    "staff": {**dict.fromkeys(REQUESTS, 403), **dict.fromkeys(STAFF_MAY, 200)},
    "owner": {**dict.fromkeys(REQUESTS, 200), **dict.fromkeys(CHANGES, 303)},
}


def path_of(world, name: str, lang: str) -> str:
    return REQUESTS[name][1].format(lang=lang, customer=world.customer.id, pending=world.pending,
                                    refusable=world.refusable, answered=world.answered)


def state(app):
    """Accounts, audit log, legal requests and disclosures: everything these pages could change."""
    with app.app_context():
        requests = [(r.id, r.reference, r.status)
                    for r in db.session.scalars(select(LegalRequest).order_by(LegalRequest.id))]
        disclosures = [(d.id, d.recipient, d.legal_request_id) for d in db.session.scalars(select(Disclosure))]
    return snapshot(app), requests, disclosures


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(REQUESTS))
def test_access_matrix(request, role, name, lang):
    world = world_for(request, EXPECTED.get(role, {}).get(name))
    app = world.app
    client = client_as(world, role)
    before = state(app)
    method, _template, data = REQUESTS[name]
    path = path_of(world, name, lang)
    response = client.open(path, method=method, data=data)
    assert response.headers.get("Cache-Control") == "no-store"

    if role == "anonymous":
        assert_sent_to_sign_in(response, path, method, lang)
        assert state(app) == before
        return

    expected = EXPECTED[role][name]
    assert response.status_code == expected, (role, name, lang, response.status_code)
    if expected == 403:
        assert_forbidden_page(app, response, lang)
        assert state(app) == before
        return

    (accounts_before, audit_before), requests_before, disclosures_before = before
    (accounts_after, audit_after), requests_after, disclosures_after = state(app)
    assert accounts_after == accounts_before
    if expected == 200:
        if name == "legal request export":
            assert response.mimetype == "application/json"
            assert response.get_json()["request"]["reference"] == "ANSWERED-1"
        else:
            assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in response.get_data(as_text=True)
        assert len(audit_after) == len(audit_before) + (1 if name in AUDITED else 0)
        assert (requests_after, disclosures_after) == (requests_before, disclosures_before)
        return

    # The owner's POSTs: 303 to the request's page, with exactly the change asked for.
    statuses = {reference: status for _id, reference, status in requests_after}
    if name == "record legal request":
        assert statuses == {"PENDING-1": "received", "REFUSABLE-1": "received", "ANSWERED-1": "answered",
                            "NEW-1": "received"}
        new_id = max(i for i, _r, _s in requests_after)
        assert response.headers["Location"].endswith(f"/{lang}/admin/legal/{new_id}")
        assert disclosures_after == disclosures_before
    elif name == "answer legal request":
        assert statuses == {"PENDING-1": "answered", "REFUSABLE-1": "received", "ANSWERED-1": "answered"}
        assert response.headers["Location"].endswith(f"/{lang}/admin/legal/{world.pending}")
        assert [d for d in disclosures_after if d not in disclosures_before] == [
            (len(disclosures_before) + 1, "authority", world.pending)]
    else:
        assert statuses == {"PENDING-1": "received", "REFUSABLE-1": "refused", "ANSWERED-1": "answered"}
        assert response.headers["Location"].endswith(f"/{lang}/admin/legal/{world.refusable}")
        assert disclosures_after == disclosures_before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template", [
    ("POST", "/{lang}/admin/customers"),
    ("POST", "/{lang}/admin/customers/{customer}"),
    ("POST", "/{lang}/admin/legal"),
    ("POST", "/{lang}/admin/legal/{pending}"),
    ("GET", "/{lang}/admin/legal/{pending}/answer"),
    ("GET", "/{lang}/admin/legal/{pending}/refuse"),
    ("POST", "/{lang}/admin/legal/{answered}/export.json"),
])
def test_the_other_method_is_refused_and_changes_nothing(shared_world, role, lang, method, template):
    world = shared_world
    client = client_as(world, role)
    before = state(world.app)
    path = template.format(lang=lang, customer=world.customer.id, pending=world.pending, answered=world.answered)
    assert client.open(path, method=method, data={}).status_code == 405
    assert state(world.app) == before


def test_without_a_csrf_token_the_owner_changes_nothing(world, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    signed = client.post("/en/account/login",
                         data={"email": world.owner.email, "password": world.owner.password, "csrf_token": token})
    assert signed.status_code == 303
    before = state(app)
    for extra in ({}, {"csrf_token": "forged"}):
        assert client.post("/en/admin/legal/new", data={**NEW_REQUEST, **extra}).status_code == 400
        assert client.post(f"/en/admin/legal/{world.pending}/answer", data=extra).status_code == 400
        assert client.post(f"/en/admin/legal/{world.refusable}/refuse", data=extra).status_code == 400
    assert state(app) == before

    # With the pages' tokens the same requests go through: the 400s above were the token's doing.
    token = csrf_token_of(client.get("/en/admin/legal/new").get_data(as_text=True))
    assert client.post("/en/admin/legal/new", data={**NEW_REQUEST, "csrf_token": token}).status_code == 303
    token = csrf_token_of(client.get(f"/en/admin/legal/{world.pending}").get_data(as_text=True))
    assert client.post(f"/en/admin/legal/{world.pending}/answer", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/en/admin/legal/{world.refusable}/refuse", data={"csrf_token": token}).status_code == 303


def test_a_staff_member_sees_no_way_to_the_legal_requests(shared_world):
    world = shared_world
    staff = client_as(world, "staff")
    page = staff.get(f"/en/admin/customers/{world.customer.id}").get_data(as_text=True)
    assert "/en/admin/legal" not in page
    owner_page = client_as(world, "owner").get(f"/en/admin/customers/{world.customer.id}").get_data(as_text=True)
    assert f'href="/en/admin/legal/{world.pending}"' in owner_page
