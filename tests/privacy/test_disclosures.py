"""The disclosure register and legal requests: manifests, hand-overs, what the customer sees, erasure."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from storefront.cart.models import Order
from storefront.database import utcnow
from storefront.extensions import db
from storefront.payments.processors import get_processor
from storefront.privacy import registry
from storefront.privacy.disclosures import (
    MANIFESTS,
    Disclosure,
    UndeclaredField,
    disclose,
    disclosures_about,
    hand_over,
    manifest_fields,
)
from storefront.privacy.legal import (
    LegalRequest,
    LegalRequestError,
    YearCount,
    answer_request,
    record_request,
    refuse_request,
    scoped_export,
    yearly_counts,
)
from storefront.privacy.registry import Person
from storefront.security import email_digest
from tests.cart.conftest import ADDRESS, checkout_form, checkout_token
from tests.conftest import PASSWORD

PERSONAL_FIELDS = ["email", "name", "phone", "address", "card_number"]


def disclosure_rows(app) -> list[SimpleNamespace]:
    with app.app_context():
        rows = db.session.scalars(select(Disclosure).order_by(Disclosure.id))
        return [SimpleNamespace(**{c.name: getattr(r, c.name) for c in Disclosure.__table__.columns},
                                field_list=r.field_list) for r in rows]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def product(make_product):
    return make_product(price=Decimal("30.00"), stock=50)


@pytest.fixture
def place_order(app, product):
    """Put the product in the client's cart and check out; returns the order as a namespace."""

    def place(client, lang: str = "en", **overrides) -> SimpleNamespace:
        added = client.post(f"/{lang}/cart/items", data={"product_id": str(product.id), "quantity": "1"})
        assert added.status_code == 303
        response = client.post(f"/{lang}/checkout", data=checkout_form(checkout_token(client, lang), **overrides))
        assert response.status_code == 303 and f"/{lang}/orders/" in response.headers["Location"], response.status_code
        number = response.headers["Location"].rsplit("/", 1)[-1].split("?")[0]
        with app.app_context():
            order = db.session.scalar(select(Order).where(Order.number == number))
            return SimpleNamespace(id=order.id, number=order.number, user_id=order.user_id, email=order.email)

    return place


@pytest.fixture
def person_of(app):
    def make(user) -> Person:
        return Person(user.id, user.email, True)

    return make


# Manifests -----------------------------------------------------------------------------------------


def declared_subset(recipient: str) -> list[str]:
    fields = list(manifest_fields(recipient))
    assert fields, recipient
    return fields[:2]


@pytest.mark.parametrize("recipient", sorted(MANIFESTS))
def test_every_manifest_refuses_an_undeclared_field(app, recipient):
    with app.app_context():
        fields = [*declared_subset(recipient), "undeclared_field"]
        with pytest.raises(UndeclaredField) as raised:
            disclose(recipient, fields, recipient_name="Someone", email="ada@example.com")
        assert "undeclared_field" in str(raised.value)
        db.session.commit()
    assert disclosure_rows(app) == []


@pytest.mark.parametrize("recipient", sorted(MANIFESTS))
def test_every_manifest_accepts_its_declared_fields(app, make_user, recipient):
    fields = declared_subset(recipient)
    user = make_user(email="ada@example.com")
    with app.app_context():
        request_id = None
        if recipient == "authority":  # an authority receives data only on a recorded request
            request_id = record_request(person=Person(user.id, user.email, True), **request_values(scope=fields)).id
        payload = disclose(recipient, fields, recipient_name="Someone", email="ada@example.com",
                           legal_request_id=request_id)
        db.session.commit()
    assert payload == {}
    [row] = disclosure_rows(app)
    assert (row.recipient, row.field_list, row.recipient_name) == (recipient, fields, "Someone")
    assert row.purpose == MANIFESTS[recipient].purpose and row.legal_basis == MANIFESTS[recipient].legal_basis
    assert row.legal_request_id == request_id


def test_an_authority_receives_nothing_without_a_recorded_request(app):
    with app.app_context():
        with pytest.raises(ValueError):
            disclose("authority", ["orders"], recipient_name="Police", email="ada@example.com")
        db.session.commit()
    assert disclosure_rows(app) == []


def test_a_request_about_one_person_releases_nothing_about_another(app, client, make_user, auth, place_order):
    named, other = make_user(email="named@example.com"), make_user(email="other@example.com")
    assert auth.login(other.email).status_code == 303
    place_order(client)
    with app.app_context():
        request = record_request(person=Person(named.id, named.email, True), **request_values(scope=["orders"]))
        with pytest.raises(ValueError):
            answer_request(request, Person(other.id, other.email, True))
        db.session.commit()
        assert db.session.get(LegalRequest, request.id).status == "received"
    assert [r.recipient for r in disclosure_rows(app)] == ["card_processor"]


@pytest.mark.parametrize("recipient", sorted(MANIFESTS))
def test_a_value_outside_the_named_fields_is_refused(app, recipient):
    fields = declared_subset(recipient)
    values = {name: "x" for name in fields} | {"extra": "smuggled"}
    with app.app_context():
        with pytest.raises(UndeclaredField):
            disclose(recipient, fields, recipient_name="Someone", values=values, email="ada@example.com")
        db.session.commit()
    assert disclosure_rows(app) == []


def test_a_declared_value_not_asked_for_is_refused_too(app):
    """Naming only the name but sending the address as a value hands over more than the record says."""
    with app.app_context():
        with pytest.raises(UndeclaredField):
            disclose("logistics", ["name"], recipient_name="Kite", values={"name": "Ada", "address": "1 Market St"},
                     email="ada@example.com")
        db.session.commit()
    assert disclosure_rows(app) == []


def test_the_payload_is_exactly_the_values_of_the_fields(app):
    with app.app_context():
        payload = disclose("logistics", ["name", "phone"], recipient_name="Kite",
                           values={"name": "Ada", "phone": "+1 415 555 0132"}, email="ada@example.com")
        db.session.commit()
    assert payload == {"name": "Ada", "phone": "+1 415 555 0132"}
    [row] = disclosure_rows(app)
    assert "Ada" not in repr(row.__dict__) and "555" not in repr(row.__dict__)  # the register keeps no values


@pytest.mark.parametrize("field", PERSONAL_FIELDS)
def test_the_advertising_partner_refuses_every_personal_field(app, field):
    with app.app_context():
        with pytest.raises(UndeclaredField):
            disclose("advertising_partner", ["page_views", field], recipient_name="AdCo")
        with pytest.raises(UndeclaredField):
            disclose("advertising_partner", [field], recipient_name="AdCo", email="ada@example.com")
        with pytest.raises(UndeclaredField):
            disclose("advertising_partner", ["page_views"], recipient_name="AdCo",
                     values={"page_views": [], field: "x"})
        db.session.commit()
    assert disclosure_rows(app) == []


def test_the_advertising_partner_receives_aggregates_about_nobody(app):
    with app.app_context():
        disclose("advertising_partner", ["page_views", "visitors", "orders", "order_total", "order_average"],
                 recipient_name="AdCo")
        db.session.commit()
    [row] = disclosure_rows(app)
    assert (row.user_id, row.subject, row.legal_basis, row.purpose) == (None, None, "legitimate_interest",
                                                                         "statistics")


def test_no_manifest_other_than_logistics_and_the_processor_holds_contact_fields():
    for recipient, manifest in MANIFESTS.items():
        if recipient not in ("logistics",):
            assert not {"name", "address", "phone", "email"} & set(manifest.fields), recipient
    assert MANIFESTS["advertising_partner"].personal is False
    assert not {"card_number", "card_cvc", "card_expiry"} & set(MANIFESTS["logistics"].fields)


def test_an_unknown_recipient_and_a_hand_over_about_nobody_are_refused(app):
    with app.app_context():
        with pytest.raises(ValueError):
            disclose("newspaper", ["name"], recipient_name="Daily", email="ada@example.com")
        with pytest.raises(ValueError):
            disclose("logistics", ["name"], recipient_name="Kite")  # about whom?
        with pytest.raises(ValueError):
            disclose("logistics", [], recipient_name="Kite", email="ada@example.com")
        db.session.commit()
    assert disclosure_rows(app) == []


def test_the_authority_manifest_is_the_registry_categories_but_other_authorities_requests():
    assert set(manifest_fields("authority")) == set(registry.categories()) - {"legal_requests"}
    assert "legal_requests" in registry.categories()


# Hand-over to logistics ----------------------------------------------------------------------------


def test_hand_over_gives_logistics_exactly_the_delivery_data(app, client, place_order, make_user):
    staff = make_user(email="packer@example.com")
    order = place_order(client)
    with app.app_context():
        row = db.session.get(Order, order.id)
        manifest = hand_over(row, recipient_name="Kite Couriers", staff_id=staff.id)
        db.session.commit()
    assert set(manifest) == {"name", "address", "phone", "email"}
    assert manifest["name"] == ADDRESS["recipient"]
    assert manifest["phone"] == "+14155550132"  # stored normalised
    assert manifest["email"] == "guest@example.com"
    assert manifest["address"] == {"line1": "1 Market Street", "line2": "Suite 5", "district": None,
                                   "city": "San Francisco", "region": "CA", "postal_code": "94105", "country": "US"}
    [logistics] = [r for r in disclosure_rows(app) if r.recipient == "logistics"]
    assert logistics.field_list == ["name", "address", "phone", "email"]
    assert logistics.reference == order.number
    assert logistics.staff_id == staff.id
    assert (logistics.legal_basis, logistics.purpose) == ("contract", "delivery")
    assert logistics.recipient_name == "Kite Couriers"
    assert logistics.subject == email_digest("guest@example.com") and logistics.user_id is None
    assert logistics.confidential is False


def test_hand_over_of_fewer_fields_records_only_those(app, client, place_order):
    order = place_order(client)
    with app.app_context():
        manifest = hand_over(db.session.get(Order, order.id), fields=["name", "address"], recipient_name="Kite")
        db.session.commit()
    assert set(manifest) == {"name", "address"}
    [logistics] = [r for r in disclosure_rows(app) if r.recipient == "logistics"]
    assert logistics.field_list == ["name", "address"]


@pytest.mark.parametrize("fields", [
    ["name", "address", "card_number"], ["card_number"], ["name", "card_cvc"], ["email", "birth_date"],
])
def test_hand_over_refuses_a_card_or_other_undeclared_field(app, client, place_order, fields):
    order = place_order(client)
    before = disclosure_rows(app)
    with app.app_context():
        with pytest.raises(UndeclaredField):
            hand_over(db.session.get(Order, order.id), fields=fields, recipient_name="Kite")
        db.session.commit()
    assert disclosure_rows(app) == before


def test_hand_over_to_another_recipient_refuses_the_order_fields(app, client, place_order):
    order = place_order(client)
    before = disclosure_rows(app)
    with app.app_context():
        for recipient in ("advertising_partner", "card_processor"):
            with pytest.raises(UndeclaredField):
                hand_over(db.session.get(Order, order.id), recipient=recipient, recipient_name="X")
        # The processor declares order_number, but an order hand-over builds only delivery data.
        with pytest.raises(UndeclaredField):
            hand_over(db.session.get(Order, order.id), recipient="card_processor", fields=["order_number"],
                      recipient_name="X")
        db.session.commit()
    assert disclosure_rows(app) == before


# The card processor at checkout --------------------------------------------------------------------


def test_checkout_records_the_card_processor_disclosure_with_the_order_number(app, client, signed_in, place_order):
    order = place_order(client)
    [row] = disclosure_rows(app)
    assert row.recipient == "card_processor"
    assert row.field_list == ["card_number", "card_expiry", "card_cvc", "card_name", "amount", "order_number"]
    assert row.reference == order.number
    assert row.user_id == signed_in.id and row.subject == email_digest(signed_in.email)
    assert (row.purpose, row.legal_basis, row.confidential) == ("payment", "contract", False)
    with app.app_context():
        descriptions = [payment["description"] for payment in get_processor().payments.values()]
    assert descriptions == [order.number]


def test_a_declined_card_is_still_recorded_as_disclosed(app, client, signed_in, product):
    client.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"})
    response = client.post("/en/checkout", data=checkout_form(checkout_token(client),
                                                              card_number="4000 0000 0000 0002"))
    assert response.status_code == 422
    [row] = disclosure_rows(app)
    assert row.recipient == "card_processor" and row.reference is None and row.user_id == signed_in.id


def test_a_card_refused_by_the_form_is_not_disclosed(app, client, signed_in, product):
    client.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"})
    response = client.post("/en/checkout", data=checkout_form(checkout_token(client),
                                                              card_number="4242 4242 4242 4241"))
    assert response.status_code == 422
    assert disclosure_rows(app) == []


def test_the_customer_sees_their_disclosures_in_the_privacy_centre(app, client, signed_in, place_order, make_user):
    order = place_order(client)
    with app.app_context():
        hand_over(db.session.get(Order, order.id), recipient_name="Kite Couriers")
        db.session.commit()
    page = client.get("/en/account/privacy").text
    assert "We have not given your personal data to anyone." not in page
    assert "Kite Couriers" in page and page.count(order.number) >= 2
    assert "card number" in page and "phone number" in page
    assert "Needed to carry out your order" in page


def test_another_customers_disclosures_are_not_shown(app, client, auth, make_user, place_order):
    first, second = make_user(), make_user()
    assert auth.login(first.email).status_code == 303
    order = place_order(client)
    auth.logout()
    assert auth.login(second.email).status_code == 303
    page = client.get("/en/account/privacy").text
    assert order.number not in page
    assert "We have not given your personal data to anyone." in page


def test_a_guest_orders_disclosure_belongs_to_the_confirmed_account_with_that_address(app, client, auth, make_user,
                                                                                     place_order, new_client):
    order = place_order(new_client(), email="ada@example.com")
    unconfirmed = make_user(email="ada@example.com", confirmed=False)
    assert auth.login(unconfirmed.email).status_code == 303
    assert order.number not in client.get("/en/account/privacy").text
    from storefront.account.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.id == unconfirmed.id).values(email_confirmed_at=utcnow()))
        db.session.commit()
    assert order.number in client.get("/en/account/privacy").text


@pytest.fixture
def new_client(app):
    return app.test_client


# Legal requests: what the customer sees -------------------------------------------------------------


def request_values(**overrides) -> dict:
    return {"authority": "Metropolitan Police", "reference": "MP-2026-0042",
            "legal_basis": "Production order under section 9", "scope": ["orders", "profile"],
            "may_notify": True, **overrides}


def answer(app, user, **overrides) -> int:
    with app.app_context():
        person = Person(user.id, user.email, True)
        request = record_request(person=person, **request_values(**overrides))
        answer_request(request, person)
        db.session.commit()
        return request.id


def test_a_confidential_disclosure_is_hidden_from_the_customer(app, client, signed_in, place_order):
    order = place_order(client)
    answer(app, signed_in, authority="Secret Service Bureau", reference="SSB-7", may_notify=False)
    rows = disclosure_rows(app)
    [secret] = [r for r in rows if r.recipient == "authority"]
    assert secret.confidential is True and secret.user_id == signed_in.id
    page = client.get("/en/account/privacy").text
    assert order.number in page  # the card processor's record is shown
    assert "Secret Service Bureau" not in page and "SSB-7" not in page
    export = client.post("/en/account/export", data={"password": PASSWORD})
    assert export.status_code == 200
    data = json.loads(export.get_data(as_text=True))
    assert [d["recipient"] for d in data["disclosures"]] == ["card_processor"]
    assert data["legal_requests"] == []
    assert "Secret Service Bureau" not in export.get_data(as_text=True)
    assert "SSB-7" not in export.get_data(as_text=True)
    with app.app_context():  # staff see it
        staff_view = disclosures_about(Person(signed_in.id, signed_in.email, True), include_confidential=True)
        assert {d.recipient for d in staff_view} == {"card_processor", "authority"}


def test_a_notifiable_legal_disclosure_is_shown_and_exported(app, client, signed_in):
    answer(app, signed_in, authority="Consumer Protection Office", reference="CPO-11", may_notify=True)
    page = client.get("/en/account/privacy").text
    assert "Consumer Protection Office" in page and "CPO-11" in page
    assert "A legal obligation" in page
    data = json.loads(client.post("/en/account/export", data={"password": PASSWORD}).get_data(as_text=True))
    [disclosed] = data["disclosures"]
    assert (disclosed["recipient"], disclosed["reference"], disclosed["legal_basis"]) == (
        "authority", "CPO-11", "legal_obligation")
    assert disclosed["fields"] == ["orders", "profile"]
    [requested] = data["legal_requests"]
    assert (requested["authority"], requested["status"], requested["scope"]) == (
        "Consumer Protection Office", "answered", ["orders", "profile"])


# Legal requests: recording -------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, fields", [
    ({"authority": ""}, {"authority"}),
    ({"authority": "   "}, {"authority"}),
    ({"reference": ""}, {"reference"}),
    ({"legal_basis": ""}, {"legal_basis"}),
    ({"authority": "", "reference": "", "legal_basis": ""}, {"authority", "reference", "legal_basis"}),
    ({"authority": "A" * 201}, {"authority"}),
    ({"reference": "R" * 101}, {"reference"}),
    ({"scope": []}, {"scope"}),
    ({"scope": ["orders", "dna_samples"]}, {"scope"}),
    ({"scope": ["passwords"]}, {"scope"}),
    ({"period_from": date(2026, 5, 1), "period_to": date(2026, 4, 30)}, {"period_to"}),
    ({"authority": "", "scope": ["nothing"], "period_from": date(2026, 2, 1), "period_to": date(2026, 1, 1)},
     {"authority", "scope", "period_to"}),
])
def test_record_request_refuses_incomplete_requests(app, signed_in, overrides, fields):
    with app.app_context():
        with pytest.raises(LegalRequestError) as raised:
            record_request(person=Person(signed_in.id, signed_in.email, True), **request_values(**overrides))
        assert set(raised.value.errors) == fields
        assert all(str(message) for message in raised.value.errors.values())
        db.session.commit()
    assert count(app, LegalRequest) == 0


def test_a_one_day_period_is_accepted(app, signed_in):
    with app.app_context():
        request = record_request(person=Person(signed_in.id, signed_in.email, True),
                                 **request_values(period_from=date(2026, 3, 1), period_to=date(2026, 3, 1)))
        db.session.commit()
        assert request.status == "received" and request.scope_list == ["orders", "profile"]
        assert request.user_id == signed_in.id and request.subject == email_digest(signed_in.email)


def test_a_repeated_scope_category_is_recorded_once(app, signed_in):
    with app.app_context():
        request = record_request(person=Person(signed_in.id, signed_in.email, True),
                                 **request_values(scope=["orders", "orders", "visits"]))
        assert request.scope_list == ["orders", "visits"]


# Legal requests: the scoped export -----------------------------------------------------------------


def test_scoped_export_holds_only_the_requested_categories_within_the_period(app, client, signed_in, place_order):
    old, recent = place_order(client), place_order(client)
    last_year = utcnow() - timedelta(days=400)
    with app.app_context():
        db.session.execute(update(Order).where(Order.id == old.id).values(created_at=last_year))
        db.session.commit()
        person = Person(signed_in.id, signed_in.email, True)
        start = (utcnow() - timedelta(days=30)).date()
        request = record_request(person=person, **request_values(scope=["orders"], period_from=start,
                                                                 period_to=utcnow().date()))
        export = scoped_export(request, person)
        assert set(export) == {"orders"}
        assert [o["number"] for o in export["orders"]] == [recent.number]
        everything = record_request(person=person, **request_values(scope=["orders", "profile"]))
        full = scoped_export(everything, person)
        assert set(full) == {"orders", "profile"}
        assert sorted(o["number"] for o in full["orders"]) == sorted([old.number, recent.number])
        assert full["profile"]["email"] == signed_in.email
        before = record_request(person=person, **request_values(
            scope=["orders"], period_to=(utcnow() - timedelta(days=200)).date()))
        assert [o["number"] for o in scoped_export(before, person)["orders"]] == [old.number]


def test_answering_releases_the_scoped_export_and_records_it(app, client, signed_in, place_order, make_user):
    staff = make_user(email="clerk@example.com")
    place_order(client)
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        request = record_request(person=person, **request_values(scope=["orders"]), staff_id=staff.id)
        released = answer_request(request, person, staff_id=staff.id)
        db.session.commit()
        assert set(released) == {"orders"} and len(released["orders"]) == 1
        assert "profile" not in released and "visits" not in released
        stored = db.session.get(LegalRequest, request.id)
        assert stored.status == "answered" and stored.answered_at is not None and stored.staff_id == staff.id
        request_id = request.id
    [authority] = [r for r in disclosure_rows(app) if r.recipient == "authority"]
    assert authority.field_list == ["orders"]
    assert authority.legal_request_id == request_id
    assert authority.reference == "MP-2026-0042" and authority.recipient_name == "Metropolitan Police"
    assert authority.staff_id == staff.id and authority.legal_basis == "legal_obligation"


def test_a_request_is_answered_or_refused_only_once(app, signed_in):
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        request = record_request(person=person, **request_values())
        answer_request(request, person)
        with pytest.raises(ValueError):
            answer_request(request, person)
        with pytest.raises(ValueError):
            refuse_request(request)
        refused = record_request(person=person, **request_values(reference="MP-2"))
        refuse_request(refused)
        with pytest.raises(ValueError):
            answer_request(refused, person)
        db.session.commit()
        assert db.session.get(LegalRequest, refused.id).status == "refused"
    assert len([r for r in disclosure_rows(app) if r.recipient == "authority"]) == 1  # refusing releases nothing


def test_answering_twice_from_a_fresh_session_is_refused(app, signed_in):
    """The status is read from the database: a second staff member's stale page cannot answer again."""
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        request_id = record_request(person=person, **request_values()).id
        db.session.commit()
    with app.app_context():
        answer_request(db.session.get(LegalRequest, request_id), person)
        db.session.commit()
    with app.app_context(), pytest.raises(ValueError):
        answer_request(db.session.get(LegalRequest, request_id), person)
    assert len(disclosure_rows(app)) == 1


def test_yearly_counts(app, client, signed_in):
    this_year = utcnow().year
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        statuses = {this_year: ["answered", "answered", "refused", "received"],
                    this_year - 1: ["answered", "refused", "refused"],
                    this_year - 3: ["received"]}
        for year, wanted in statuses.items():
            for n, status in enumerate(wanted):
                request = record_request(person=person, **request_values(reference=f"R-{year}-{n}"))
                if status == "answered":
                    answer_request(request, person)
                elif status == "refused":
                    refuse_request(request)
                request.received_at = utcnow().replace(year=year, month=6, day=15)
        db.session.commit()
        counts = yearly_counts()
    assert counts == [
        YearCount(this_year, 4, 2, 1),
        YearCount(this_year - 1, 3, 1, 2),
        YearCount(this_year - 3, 1, 0, 0),
    ]
    page = client.get("/en/privacy/transparency")
    assert page.status_code == 200 and str(this_year - 1) in page.text and str(this_year - 3) in page.text


def test_yearly_counts_without_requests(app, client):
    with app.app_context():
        assert yearly_counts() == []
    assert client.get("/en/privacy/transparency").status_code == 200


# Erasure -------------------------------------------------------------------------------------------


def test_after_deletion_disclosures_and_requests_point_to_a_pseudonym(app, client, signed_in, place_order,
                                                                     make_user):
    bystander = make_user(email="bystander@example.com")
    order = place_order(client)
    with app.app_context():
        hand_over(db.session.get(Order, order.id), recipient_name="Kite Couriers")
        db.session.commit()
    answer(app, signed_in, may_notify=False)
    answer(app, signed_in, reference="MP-open", may_notify=True)
    answer(app, bystander, reference="MP-other")
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        open_request = record_request(person=person, **request_values(reference="MP-pending"))
        db.session.commit()
        open_id = open_request.id
    before = {r.id: r for r in disclosure_rows(app)}
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    after = {r.id: r for r in disclosure_rows(app)}
    assert set(after) == set(before)  # every record is kept: a legal duty
    digest = email_digest(signed_in.email)
    for row_id, row in after.items():
        if before[row_id].user_id == bystander.id:
            assert row.user_id == bystander.id and row.subject == email_digest(bystander.email)
            continue
        assert row.user_id is None, row
        assert row.subject.startswith("erased-") and row.subject != digest, row
        assert (row.recipient, row.field_list, row.reference) == (before[row_id].recipient,
                                                                  before[row_id].field_list,
                                                                  before[row_id].reference)
    with app.app_context():
        requests = db.session.scalars(select(LegalRequest).order_by(LegalRequest.id)).all()
        mine = [r for r in requests if r.reference != "MP-other"]
        assert len(mine) == 3 and {r.id for r in mine} >= {open_id}
        assert all(r.user_id is None and r.subject.startswith("erased-") and r.subject != digest for r in mine)
        [other] = [r for r in requests if r.reference == "MP-other"]
        assert other.user_id == bystander.id and other.subject == email_digest(bystander.email)
        # Nothing found under the old address any more, even once someone confirms it again.
        again = Person(None, signed_in.email, True)
        assert disclosures_about(again, include_confidential=True) == []
        assert registry.export_person(again)["legal_requests"] == []


# Erasure receipts say nothing of confidential requests ------------------------------------------------


DISCLOSURES_LABEL = "To whom we gave your data"
REQUESTS_LABEL = "Requests from authorities about you"


def receipt_rows(html: str) -> dict[str, tuple[str, int]]:
    """label -> (what we did, items), from the receipt table of the page after deletion."""
    table = re.search(r'<table class="receipt">(.*?)</table>', html, re.DOTALL)
    assert table, "no receipt on the page"
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*<td>(\d+)</td>\s*</tr>",
                      table.group(1), re.DOTALL)
    return {label.strip(): (action.strip(), int(items)) for label, action, items in rows}


def delete_account(client) -> str:
    """Delete the signed-in account; returns the receipt page."""
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/account/deleted")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.text


def assert_pseudonymised(app, user) -> None:
    digest = email_digest(user.email)
    with app.app_context():
        disclosures = db.session.scalars(select(Disclosure)).all()
        requests = db.session.scalars(select(LegalRequest)).all()
        assert disclosures and requests
        for row in [*disclosures, *requests]:
            assert row.user_id is None, row
            assert row.subject.startswith("erased-") and row.subject != digest, row.subject


def test_the_erasure_receipt_does_not_reveal_a_confidential_request(app, client, signed_in, outbox):
    answer(app, signed_in, authority="Secret Service Bureau", reference="SSB-7", may_notify=False)
    page = delete_account(client)
    rows = receipt_rows(page)
    assert rows, page  # the receipt is there (the account itself, visits...)
    assert DISCLOSURES_LABEL not in rows and REQUESTS_LABEL not in rows, rows
    assert DISCLOSURES_LABEL not in page and REQUESTS_LABEL not in page
    assert "Secret Service Bureau" not in page and "SSB-7" not in page
    [mail] = outbox(template="account_deleted")
    assert mail.recipient == signed_in.email
    for body in (mail.body_text, mail.body_html):
        assert DISCLOSURES_LABEL not in body and REQUESTS_LABEL not in body
        assert "Secret Service Bureau" not in body and "SSB-7" not in body
    assert_pseudonymised(app, signed_in)  # kept all the same, under a pseudonym


def test_the_erasure_receipt_counts_only_what_the_customer_may_see(app, client, signed_in, place_order, outbox):
    place_order(client)  # the card processor's record: visible
    answer(app, signed_in, authority="Secret Service Bureau", reference="SSB-7", may_notify=False)
    answer(app, signed_in, authority="Consumer Protection Office", reference="CPO-11", may_notify=True)
    with app.app_context():  # a confidential request still open counts no more than an answered one
        record_request(person=Person(signed_in.id, signed_in.email, True),
                       **request_values(reference="SSB-8", may_notify=False))
        db.session.commit()
    assert len(disclosure_rows(app)) == 3 and count(app, LegalRequest) == 3
    page = delete_account(client)
    rows = receipt_rows(page)
    assert rows[DISCLOSURES_LABEL] == ("Kept", 2), rows  # card processor + the notifiable answer
    assert rows[REQUESTS_LABEL] == ("Kept", 1), rows
    [mail] = outbox(template="account_deleted")
    assert re.search(rf"{DISCLOSURES_LABEL}: kept \(2 items\)\.", mail.body_text), mail.body_text
    assert re.search(rf"{REQUESTS_LABEL}: kept \(1 items?\)\.", mail.body_text), mail.body_text
    assert "(3 items)" not in mail.body_text
    assert_pseudonymised(app, signed_in)
    assert len(disclosure_rows(app)) == 3 and count(app, LegalRequest) == 3


# Authorities never receive other authorities' requests ------------------------------------------------


def test_a_request_cannot_ask_for_other_authorities_requests(app, signed_in):
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        for scope in (["legal_requests"], ["orders", "legal_requests"]):
            with pytest.raises(LegalRequestError) as raised:
                record_request(person=person, **request_values(scope=scope))
            assert set(raised.value.errors) == {"scope"}, scope
        db.session.commit()
    assert count(app, LegalRequest) == 0


def test_other_authorities_requests_are_never_disclosed_to_an_authority(app, signed_in):
    with app.app_context():
        person = Person(signed_in.id, signed_in.email, True)
        earlier = record_request(person=person, **request_values(reference="MP-1", scope=["orders"]))
        answer_request(earlier, person)
        request = record_request(person=person, **request_values(reference="MP-2", scope=["orders"]))
        for fields, values in ((["legal_requests"], None), (["orders", "legal_requests"], None),
                               (["legal_requests"], {"legal_requests": [{"authority": "Metropolitan Police"}]})):
            with pytest.raises(UndeclaredField) as raised:
                disclose("authority", fields, recipient_name="Another Bureau", values=values, email=signed_in.email,
                         user_id=signed_in.id, legal_request_id=request.id)
            assert "legal_requests" in str(raised.value)
        db.session.commit()
    assert [r.reference for r in disclosure_rows(app)] == ["MP-1"]  # only the answer to the first request


# Retention ---------------------------------------------------------------------------------------------


def test_purge_deletes_disclosure_records_older_than_three_years(app, runner):
    ages = {"MP-old": 3 * 365 + 2, "MP-much-older": 9 * 365, "MP-recent": 3 * 365 - 2, "MP-new": 0}
    with app.app_context():
        for reference, days in ages.items():
            disclose("logistics", ["name"], recipient_name="Kite Couriers", values={"name": "Ada"},
                     email="ada@example.com", reference=reference)
        db.session.commit()
        for reference, days in ages.items():
            db.session.execute(update(Disclosure).where(Disclosure.reference == reference)
                               .values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "2 disclosure records" in result.output, result.output
    assert sorted(r.reference for r in disclosure_rows(app)) == ["MP-new", "MP-recent"]
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "0 disclosure records" in again.output
