"""The owner's legal requests: record (every bad input refused), answer within the scope and period,
download what was released, refuse, never twice; confidential answers hidden from the customer."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy import update as sa_update

from storefront.cart.models import Order
from storefront.database import utcnow
from storefront.extensions import db
from storefront.privacy.disclosures import Disclosure
from storefront.privacy.legal import LegalRequest
from storefront.security import email_digest
from tests.admin import audit_rows, checkout, client_as, field_error, input_value, shared, sign_in, translated
from tests.cart.conftest import checkout_form, checkout_token
from tests.conftest import AuthActions, product_maker, user_maker

AUTHORITY = "Metropolitan Police Cyber Unit"
TODAY = utcnow().date()


@pytest.fixture
def product(make_product):
    return make_product(price=Decimal("30.00"), stock=50)


def build_world(app, client, product) -> SimpleNamespace:
    """The owner (signed in on `admin`), a staff member, and a customer signed in on `client` with a
    profile and two orders of `product`: one today, one 40 days ago."""
    make_user = user_maker(app)
    owner = make_user(role="owner", email="owner@example.com")
    staff = make_user(role="staff", email="staff@example.com")
    customer = make_user(email="ada@example.com", full_name="Ada Lovelace", phone="+14155550132")
    assert AuthActions(client).login(customer.email).status_code == 303
    for _ in range(2):
        checkout(client, product)
    with app.app_context():
        old, new = db.session.scalars(select(Order).where(Order.user_id == customer.id).order_by(Order.id)).all()
        old.created_at = utcnow() - timedelta(days=40)
        customer.old_order, customer.new_order = old.number, new.number
        db.session.commit()
    return SimpleNamespace(app=app, owner=owner, staff=staff, customer=customer, client=client,
                           admin=sign_in(app, owner.email))


@pytest.fixture
def world(app, client, product):
    return build_world(app, client, product)


@pytest.fixture(scope="module")
def shared_world(module_app):
    return shared(build_world(module_app, module_app.test_client(),
                              product_maker(module_app)(price=Decimal("30.00"), stock=50)))


@pytest.fixture
def refusing_world(shared_world):
    """The world built once for the module, for the tests whose requests are all refused (each checks that
    nothing was written), with an owner client of the test's own."""
    return SimpleNamespace(**{**vars(shared_world), "admin": client_as(shared_world, "owner")})


def valid_form(**overrides) -> dict:
    return {"email": "ada@example.com", "authority": AUTHORITY, "reference": "CASE-2026-0042",
            "legal_basis": "Court order 17/2026 under section 5", "scope": ["orders"],
            "period_from": (TODAY - timedelta(days=10)).isoformat(), "period_to": "", "may_notify": "y",
            **overrides}


def requests_in(app) -> list[LegalRequest]:
    with app.app_context():
        found = db.session.scalars(select(LegalRequest).order_by(LegalRequest.id)).all()
        db.session.expunge_all()
        return found


def authority_disclosures(app) -> list[Disclosure]:
    with app.app_context():
        found = db.session.scalars(select(Disclosure).where(Disclosure.recipient == "authority")).all()
        db.session.expunge_all()
        return found


def record(world, **overrides) -> int:
    response = world.admin.post("/en/admin/legal/new", data=valid_form(**overrides))
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"(?:http://localhost)?/en/admin/legal/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def legal_actions(app) -> list[tuple]:
    return [(row.action, row.detail, row.subject_user_id) for row in audit_rows(app)
            if row.action in ("legal_request", "disclosure", "export")]


# Recording ---------------------------------------------------------------------------------------------------


def test_the_form_offers_what_an_authority_may_receive_with_translated_labels(world):
    page = world.admin.get("/en/admin/legal/new").get_data(as_text=True)
    offered = re.findall(r'<input[^>]*name="scope"[^>]*value="([^"]+)"', page)
    assert "orders" in offered and "profile" in offered and "addresses" in offered
    assert "legal_requests" not in offered  # what other authorities asked is never released
    assert "Account and profile" in page and "Saved addresses" in page
    assert 'name="may_notify"' in page and "checked" in re.search(r'<input[^>]*name="may_notify"[^>]*>', page).group(0)
    zh = sign_in(world.app, world.owner.email, lang="zh").get("/zh/admin/legal/new").get_data(as_text=True)
    assert translated(world.app, "zh", "Orders") in zh and 'lang="zh-Hans"' in zh


def test_recording_a_request_stores_it_and_audits_it(world):
    request_id = record(world, scope=["orders", "profile"], period_to=TODAY.isoformat(), may_notify="")
    [stored] = requests_in(world.app)
    assert stored.id == request_id
    assert (stored.authority, stored.reference, stored.legal_basis) == (
        AUTHORITY, "CASE-2026-0042", "Court order 17/2026 under section 5")
    assert stored.scope_list == ["orders", "profile"]
    assert (stored.period_from, stored.period_to) == (TODAY - timedelta(days=10), TODAY)
    assert stored.may_notify is False and stored.status == "received"
    assert stored.user_id == world.customer.id and stored.staff_id == world.owner.id
    assert legal_actions(world.app) == [("legal_request", "legal.received", world.customer.id)]
    assert authority_disclosures(world.app) == []  # recording releases nothing

    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    assert AUTHORITY in page and "CASE-2026-0042" in page and "Waiting for an answer" in page
    assert "Confidential: hidden from the customer" in page
    assert f'href="/en/admin/customers/{world.customer.id}"' in page


REQUIRED = "This field is required."


@pytest.mark.parametrize("overrides, field, message, variables", [
    ({"email": ""}, "email", "Enter the email address the request names.", {}),
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com.", {}),
    ({"email": "nobody@example.com"}, "email", "We hold no account and no order under this email address.", {}),
    ({"email": "a\nb@example.com"}, "email", "We hold no account and no order under this email address.", {}),
    ({"authority": ""}, "authority", REQUIRED, {}),
    ({"authority": "   "}, "authority", REQUIRED, {}),
    ({"authority": "x" * 201}, "authority", "This text is too long (at most %(limit)d characters).", {"limit": 200}),
    ({"reference": ""}, "reference", REQUIRED, {}),
    ({"reference": "x" * 101}, "reference", "This text is too long (at most %(limit)d characters).", {"limit": 100}),
    ({"legal_basis": ""}, "legal_basis", REQUIRED, {}),
    ({"legal_basis": "x" * 5001}, "legal_basis", "This text is too long (at most %(limit)d characters).",
     {"limit": 5000}),
    ({"scope": []}, "scope", "Choose at least one kind of data the request covers.", {}),
    ({"scope": ["legal_requests"]}, "scope", "Choose at least one kind of data the request covers.", {}),
    ({"scope": ["orders", "everything"]}, "scope", "Choose at least one kind of data the request covers.", {}),
    ({"period_from": "2026-13-01"}, "period_from", "Enter the date as YYYY-MM-DD, for example 1990-05-17.", {}),
    ({"period_to": "yesterday"}, "period_to", "Enter the date as YYYY-MM-DD, for example 1990-05-17.", {}),
    ({"period_from": "2026-03-01", "period_to": "2026-02-01"}, "period_to",
     "The end of the period is before its start.", {}),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_bad_input_is_refused_beside_its_field_and_nothing_is_written(refusing_world, overrides, field,
                                                                             message, variables, lang):
    world = refusing_world
    client = world.admin if lang == "en" else sign_in(world.app, world.owner.email, lang="zh")
    before = audit_rows(world.app)
    data = valid_form(**overrides)
    response = client.post(f"/{lang}/admin/legal/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, field) == translated(world.app, lang, message, **variables)
    others = [name for name in ("email", "authority", "reference", "legal_basis", "scope", "period_from",
                                "period_to") if name != field]
    assert all(field_error(page, name) is None for name in others), [(n, field_error(page, n)) for n in others]
    assert requests_in(world.app) == [] and audit_rows(world.app) == before
    # What was typed stays in the form.
    if field != "authority":
        assert input_value(page, "authority") == AUTHORITY
    if field != "reference":
        assert input_value(page, "reference") == "CASE-2026-0042"


def test_an_empty_form_shows_every_error_at_once(refusing_world):
    world = refusing_world
    response = world.admin.post("/en/admin/legal/new", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "email") == "Enter the email address the request names."
    for name in ("authority", "reference", "legal_basis"):
        assert field_error(page, name) == REQUIRED, name
    assert field_error(page, "scope") == "Choose at least one kind of data the request covers."
    assert requests_in(world.app) == []


def test_a_request_may_name_a_guest_by_the_address_of_their_orders(world, product):
    guest = world.app.test_client()
    assert guest.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"}).status_code == 303
    placed = guest.post("/en/checkout", data=checkout_form(checkout_token(guest), email="Guest@Example.com"))
    assert placed.status_code == 303
    number = placed.headers["Location"].rsplit("/", 1)[-1].split("?")[0]

    request_id = record(world, email="guest@example.com", scope=["orders", "profile"], period_from="")
    [stored] = requests_in(world.app)
    assert stored.user_id is None and stored.subject == email_digest("guest@example.com")
    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    assert "guest@example.com" in page and "a guest (no account)" in page

    assert world.admin.post(f"/en/admin/legal/{request_id}/answer").status_code == 303
    released = world.admin.get(f"/en/admin/legal/{request_id}/export.json").get_json()
    assert [order["number"] for order in released["data"]["orders"]] == [number]  # not Ada's orders
    assert released["data"]["profile"] is None
    [record_] = authority_disclosures(world.app)
    assert record_.user_id is None and record_.subject == email_digest("guest@example.com")


# Answering and what is released ---------------------------------------------------------------------------------


def test_the_request_page_previews_what_answering_would_release(world):
    request_id = record(world, scope=["orders", "profile", "addresses"])
    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    preview = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", page))
    # One order in the period (the 40-day-old one is outside it), the profile, no saved address.
    assert preview == {"Orders": "1", "Account and profile": "1", "Saved addresses": "0"}
    assert "What answering would release" in page
    assert 'action="/en/admin/legal/%d/answer"' % request_id in page
    assert authority_disclosures(world.app) == []  # looking releases nothing
    assert world.admin.get(f"/en/admin/legal/{request_id}/export.json").status_code == 404


def test_answering_releases_the_scope_and_period_only_and_records_the_disclosure(world):
    request_id = record(world)
    response = world.admin.post(f"/en/admin/legal/{request_id}/answer")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/en/admin/legal/{request_id}")

    [stored] = requests_in(world.app)
    assert stored.status == "answered" and stored.answered_at is not None and stored.staff_id == world.owner.id
    [disclosure] = authority_disclosures(world.app)
    assert (disclosure.recipient_name, disclosure.reference, disclosure.field_list) == (
        AUTHORITY, "CASE-2026-0042", ["orders"])
    assert disclosure.legal_request_id == request_id and disclosure.user_id == world.customer.id
    assert disclosure.confidential is False and disclosure.staff_id == world.owner.id
    assert legal_actions(world.app) == [
        ("legal_request", "legal.received", world.customer.id),
        ("legal_request", "legal.answered", world.customer.id),
        ("disclosure", "CASE-2026-0042", world.customer.id),
    ]

    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    assert "What was released" in page and "Answered: data released" in page
    assert f'href="/en/admin/legal/{request_id}/export.json"' in page
    assert "/answer" not in page and "/refuse" not in page  # no second answer offered

    download = world.admin.get(f"/en/admin/legal/{request_id}/export.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == f'attachment; filename="legal-request-{request_id}.json"'
    assert download.headers["Cache-Control"] == "no-store"
    body = download.get_json()
    assert set(body["data"]) == {"orders"}  # no profile, addresses, emails, visits...
    assert [order["number"] for order in body["data"]["orders"]] == [world.customer.new_order]
    text = download.get_data(as_text=True)
    assert world.customer.old_order not in text  # outside the period
    assert "Ada Lovelace" in text  # the recipient's name on the order: within the scope
    assert "full_name" not in text and "birth_date" not in text  # the profile is out of scope
    assert body["request"]["reference"] == "CASE-2026-0042" and body["request"]["scope"] == ["orders"]


def test_each_download_is_audited(world):
    request_id = record(world)
    world.admin.post(f"/en/admin/legal/{request_id}/answer")
    before = len(audit_rows(world.app))
    for _ in range(2):
        assert world.admin.get(f"/zh/admin/legal/{request_id}/export.json").status_code == 200
    rows = audit_rows(world.app)[before:]
    assert [(r.action, r.detail, r.actor_id, r.subject_user_id) for r in rows] == [
        ("legal_request", "legal.downloaded", world.owner.id, world.customer.id)] * 2


def test_the_download_holds_only_what_was_answered_not_data_added_later(world, buy, product):
    request_id = record(world, period_from="")
    world.admin.post(f"/en/admin/legal/{request_id}/answer")
    with world.app.app_context():
        stored = db.session.get(LegalRequest, request_id)
        stored.answered_at = utcnow() - timedelta(days=5)
        db.session.commit()
    assert buy(product).status_code == 303  # a new order after the answer
    body = world.admin.get(f"/en/admin/legal/{request_id}/export.json").get_json()
    assert [order["number"] for order in body["data"]["orders"]] == [world.customer.old_order]


def test_a_category_outside_the_scope_is_absent_from_the_download(world):
    request_id = record(world, scope=["profile"], period_from="")
    world.admin.post(f"/en/admin/legal/{request_id}/answer")
    body = world.admin.get(f"/en/admin/legal/{request_id}/export.json").get_json()
    assert set(body["data"]) == {"profile"}
    assert body["data"]["profile"]["full_name"] == "Ada Lovelace"
    text = json.dumps(body)
    assert world.customer.new_order not in text and world.customer.old_order not in text


# Refusing, and never twice --------------------------------------------------------------------------------------


def test_refusing_releases_nothing(world):
    request_id = record(world)
    response = world.admin.post(f"/en/admin/legal/{request_id}/refuse")
    assert response.status_code == 303
    [stored] = requests_in(world.app)
    assert stored.status == "refused" and stored.answered_at is not None
    assert authority_disclosures(world.app) == []
    assert legal_actions(world.app)[-1] == ("legal_request", "legal.refused", world.customer.id)
    assert world.admin.get(f"/en/admin/legal/{request_id}/export.json").status_code == 404
    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    assert "Refused: nothing released" in page and "/answer" not in page


@pytest.mark.parametrize("first, second", [
    ("answer", "answer"), ("answer", "refuse"), ("refuse", "answer"), ("refuse", "refuse"),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_handled_request_cannot_be_handled_again(world, first, second, lang):
    request_id = record(world)
    assert world.admin.post(f"/en/admin/legal/{request_id}/{first}").status_code == 303
    before = (requests_in(world.app), authority_disclosures(world.app), audit_rows(world.app))
    response = world.admin.post(f"/{lang}/admin/legal/{request_id}/{second}")
    assert response.status_code == 409
    assert translated(world.app, lang, "This request was already handled: nothing was changed.") in response.get_data(
        as_text=True)
    after = (requests_in(world.app), authority_disclosures(world.app), audit_rows(world.app))
    assert [(r.status, r.answered_at) for r in after[0]] == [(r.status, r.answered_at) for r in before[0]]
    assert len(after[1]) == len(before[1]) and after[2] == before[2]


def test_a_request_about_an_erased_person_releases_nothing(world):
    request_id = record(world)
    deleted = world.client.post("/en/account/delete", data={"password": world.customer.password})
    assert deleted.status_code in (200, 303)
    response = world.admin.post(f"/en/admin/legal/{request_id}/answer")
    assert response.status_code == 409
    assert authority_disclosures(world.app) == []
    page = world.admin.get(f"/en/admin/legal/{request_id}").get_data(as_text=True)
    assert "data was erased: nothing about them can be released" in page
    # It can still be refused, which is what the record then says.
    assert world.admin.post(f"/en/admin/legal/{request_id}/refuse").status_code == 303


@pytest.mark.parametrize("path", ["/en/admin/legal/999999", "/en/admin/legal/0", "/en/admin/legal/abc",
                                  "/en/admin/legal/99999999999999999999", "/en/admin/legal/999999/export.json"])
def test_an_unknown_request_is_404(refusing_world, path):
    world = refusing_world
    assert world.admin.get(path).status_code == 404


@pytest.mark.parametrize("action", ["answer", "refuse"])
def test_handling_an_unknown_request_is_404_and_changes_nothing(refusing_world, action):
    world = refusing_world
    before = audit_rows(world.app)
    assert world.admin.post(f"/en/admin/legal/999999/{action}").status_code == 404
    assert world.admin.post(f"/en/admin/legal/99999999999999999999/{action}").status_code == 404
    assert audit_rows(world.app) == before


# What the customer sees -------------------------------------------------------------------------------------------


def privacy_centre_disclosures(client) -> str:
    page = client.get("/en/account/privacy")
    assert page.status_code == 200
    return page.get_data(as_text=True).split("To whom we gave your data", 1)[1].split("</section>", 1)[0]


def test_an_answer_the_customer_may_know_of_shows_in_their_privacy_centre_and_export(world):
    request_id = record(world)
    world.admin.post(f"/en/admin/legal/{request_id}/answer")
    shown = privacy_centre_disclosures(world.client)
    assert AUTHORITY in shown and "CASE-2026-0042" in shown
    exported = world.client.post("/en/account/export", data={"password": world.customer.password}).get_json()
    assert [d["recipient_name"] for d in exported["disclosures"] if d["recipient"] == "authority"] == [AUTHORITY]
    assert [r["reference"] for r in exported["legal_requests"]] == ["CASE-2026-0042"]


def test_a_confidential_answer_is_hidden_from_the_customer_but_shown_to_the_owner(world):
    request_id = record(world, may_notify="", reference="GAG-7", scope=["orders", "profile"])
    assert world.admin.post(f"/en/admin/legal/{request_id}/answer").status_code == 303
    [disclosure] = authority_disclosures(world.app)
    assert disclosure.confidential is True

    shown = privacy_centre_disclosures(world.client)
    assert AUTHORITY not in shown and "GAG-7" not in shown
    exported = world.client.post("/en/account/export", data={"password": world.customer.password})
    assert exported.status_code == 200
    assert AUTHORITY not in exported.get_data(as_text=True) and "GAG-7" not in exported.get_data(as_text=True)
    assert exported.get_json()["legal_requests"] == []

    owner_file = world.admin.get(f"/en/admin/customers/{world.customer.id}").get_data(as_text=True)
    assert AUTHORITY in owner_file and "GAG-7" in owner_file
    assert "Confidential: hidden from the customer" in owner_file
    listing = world.admin.get("/en/admin/legal").get_data(as_text=True)
    assert "GAG-7" in listing and "Confidential" in listing


# The yearly numbers -------------------------------------------------------------------------------------------


def counts_row(page: str, year: int):
    match = re.search(rf'<th scope="row">{year}</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', page)
    return match.groups() if match else None


def test_the_yearly_counts_are_in_the_admin_and_the_transparency_report(world):
    year = utcnow().year
    assert "No legal request has been received." in world.admin.get("/en/admin/legal").get_data(as_text=True)
    answered, refused = record(world, reference="A-1"), record(world, reference="R-1")
    record(world, reference="P-1")
    world.admin.post(f"/en/admin/legal/{answered}/answer")
    world.admin.post(f"/en/admin/legal/{refused}/refuse")

    admin_page = world.admin.get("/en/admin/legal").get_data(as_text=True)
    assert counts_row(admin_page, year) == ("3", "1", "1")
    for reference in ("A-1", "R-1", "P-1"):
        assert reference in admin_page
    assert admin_page.count("ada@example.com") == 3
    statuses = re.findall(r"(Waiting for an answer|Answered: data released|Refused: nothing released)", admin_page)
    assert statuses == ["Waiting for an answer", "Refused: nothing released", "Answered: data released"]

    public = world.app.test_client().get("/en/privacy/transparency").get_data(as_text=True)
    assert counts_row(public, year) == ("3", "1", "1")
    assert "A-1" not in public and "ada@example.com" not in public


def test_the_request_list_paginates(world, monkeypatch):
    from storefront.admin import customers

    monkeypatch.setattr(customers, "PER_PAGE", 2)
    for n in range(3):
        record(world, reference=f"REF-{n}")
    first = world.admin.get("/en/admin/legal").get_data(as_text=True)
    assert "REF-2" in first and "REF-1" in first and "REF-0" not in first
    assert "REF-0" in world.admin.get("/en/admin/legal?page=2").get_data(as_text=True)
    past = world.admin.get("/en/admin/legal?page=99")
    assert past.status_code == 200 and "REF-" not in past.get_data(as_text=True)
    assert "Back to the first page" in past.get_data(as_text=True)
    assert "REF-2" in world.admin.get("/en/admin/legal?page=x").get_data(as_text=True)


def test_the_request_list_runs_a_fixed_number_of_queries(world, count_queries):
    record(world, reference="Q-1")
    world.admin.get("/en/admin/legal")
    with count_queries() as counted:
        world.admin.get("/en/admin/legal")
    few = counted()
    for n in range(4):
        record(world, reference=f"Q-{n + 2}")
    with count_queries() as counted:
        world.admin.get("/en/admin/legal")
    assert counted() == few
    with world.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LegalRequest)) == 5


@pytest.mark.parametrize("action", ["answer", "refuse"])
def test_another_tab_handling_the_request_in_between_wins_and_this_one_changes_nothing(world, monkeypatch, action):
    """Two owners' tabs at once: the view saw "received", but the other tab refused it before this one wrote."""
    request_id = record(world)
    before = legal_actions(world.app)
    from storefront.admin import customers as views

    original = views.person_named

    def refused_meanwhile(legal_request):
        person = original(legal_request)
        db.session.execute(sa_update(LegalRequest).where(LegalRequest.id == legal_request.id)
                           .values(status="refused").execution_options(synchronize_session=False))
        return person

    monkeypatch.setattr(views, "person_named", refused_meanwhile)
    response = world.admin.post(f"/en/admin/legal/{request_id}/{action}")
    assert response.status_code == 409
    assert translated(world.app, "en", "This request was already handled: nothing was changed.") in response.text
    assert authority_disclosures(world.app) == []
    assert legal_actions(world.app) == before


# NUL and other control characters: PostgreSQL text columns refuse NUL --------------------------------------------


def test_nul_bytes_and_control_characters_are_dropped_from_a_request_never_500(world):
    request_id = record(world, email="ada@example.com\x00", authority="Metropolitan\x00 Police\x01 Cyber Unit",
                        reference="CASE-2026\x00-0042",
                        legal_basis="Court order\x00 17/2026\x0b\r\nunder section 5\tand 6\x00")
    [stored] = requests_in(world.app)
    assert stored.id == request_id
    assert (stored.authority, stored.reference, stored.legal_basis) == (
        AUTHORITY, "CASE-2026-0042", "Court order 17/2026\nunder section 5\tand 6")
    assert stored.user_id == world.customer.id


@pytest.mark.parametrize("field", ["authority", "reference", "legal_basis"])
def test_a_text_of_nul_bytes_only_is_refused_as_empty(refusing_world, field):
    world = refusing_world
    before = audit_rows(world.app)
    response = world.admin.post("/en/admin/legal/new", data=valid_form(**{field: "\x00\x01\x00"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == REQUIRED and "\x00" not in page
    assert requests_in(world.app) == [] and audit_rows(world.app) == before
