"""Promise: "logistics companies get name, address, email, phone; card processors get the card number".

What these tests prove: a customer's checkout (POST /en/checkout with a test card) writes exactly one
disclosure record, to the card processor, naming the declared fields and holding none of their values,
and the card number is nowhere in the database; handing the order to the logistics company
(privacy.disclosures.hand_over) returns only name, address, phone and email and writes a disclosure
the customer then sees in /en/account/privacy; staff marking the order shipped in the admin
(POST /en/admin/orders/<number>/ship) goes through that same hand-over exactly once, only to the
logistics company the policy names (STOREFRONT_LOGISTICS_COMPANY), and shipping again hands over
nothing more; a hand-over asking for any field outside the recipient's manifest is refused and
nothing is written.
"""

import re

import pytest
from sqlalchemy import func, select

from storefront.cart.models import Order
from storefront.extensions import db
from storefront.payments.processors import processor_display_name
from storefront.privacy.disclosures import Disclosure, UndeclaredField, disclose, hand_over
from storefront.security import email_digest
from tests.admin import sign_in
from tests.cart.conftest import ADDRESS, APPROVED, CVC, DECLINED

CARD_DIGITS = re.sub(r"\D", "", APPROVED)
LOGISTICS = "Kite Couriers"


@pytest.fixture
def order(app, signed_in, buy, product, orders):
    """A signed-in customer bought something with a card."""
    placed = buy(product)
    assert placed.status_code == 303, placed.status_code
    [row] = orders()
    return row


def ship(app, order_id, **options):
    """What the admin's "mark shipped" does: hand the order to the carrier and commit."""
    with app.app_context():
        manifest = hand_over(db.session.get(Order, order_id), recipient_name=LOGISTICS, **options)
        db.session.commit()
        return manifest


def processor_name(app) -> str:
    with app.test_request_context("/en/"):
        return str(processor_display_name())


def disclosure_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Disclosure))


def test_checkout_tells_the_card_processor_the_declared_card_fields_and_keeps_no_card_number(
        app, order, signed_in, rows, table_text):
    [record] = rows(Disclosure)
    assert record.recipient == "card_processor"
    assert record.recipient_name == processor_name(app)
    assert record.fields.split(",") == ["card_number", "card_expiry", "card_cvc", "card_name", "amount",
                                        "order_number"]
    assert (record.purpose, record.legal_basis) == ("payment", "contract")
    assert record.reference == order.number
    assert record.user_id == signed_in.id and record.subject == email_digest(signed_in.email)
    assert record.confidential is False

    everything = table_text(*(table.name for table in db.metadata.sorted_tables))
    assert CARD_DIGITS not in everything and APPROVED not in everything
    assert CARD_DIGITS[-4:] in table_text("payment")  # the masked card (last four) is what stays
    disclosure_row = table_text("disclosure")
    for value in (CARD_DIGITS, CARD_DIGITS[-4:], "12/30", CVC, "Ada Lovelace", "30.00"):
        assert value not in disclosure_row  # the register names fields, never their values


def test_a_declined_card_is_still_registered_as_shown_to_the_processor(app, signed_in, buy, product, rows, orders):
    declined = buy(product, card_number=DECLINED)
    assert declined.status_code == 422
    assert orders() == []
    [record] = rows(Disclosure)
    assert record.recipient == "card_processor" and record.reference is None


def test_logistics_get_only_name_address_phone_and_email_and_the_customer_sees_it(
        app, client, order, signed_in, rows, table_text):
    manifest = ship(app, order.id)

    assert set(manifest) == {"name", "address", "phone", "email"}
    assert manifest["name"] == ADDRESS["recipient"]
    assert manifest["email"] == signed_in.email
    assert manifest["address"]["line1"] == ADDRESS["line1"] and manifest["address"]["city"] == ADDRESS["city"]
    assert set(manifest["address"]) == {"line1", "line2", "district", "city", "region", "postal_code", "country"}
    assert re.sub(r"\D", "", manifest["phone"]) == re.sub(r"\D", "", ADDRESS["phone"])
    assert CARD_DIGITS not in repr(manifest)

    logistics = [r for r in rows(Disclosure) if r.recipient == "logistics"]
    assert len(logistics) == 1
    [record] = logistics
    assert record.fields.split(",") == ["name", "address", "phone", "email"]
    assert (record.recipient_name, record.reference, record.purpose) == (LOGISTICS, order.number, "delivery")
    assert record.user_id == signed_in.id
    register = table_text("disclosure")
    for value in (ADDRESS["recipient"], ADDRESS["line1"], ADDRESS["city"], signed_in.email):
        assert value not in register

    centre = client.get("/en/account/privacy")
    assert centre.status_code == 200
    disclosures = centre.text.split('class="disclosure-list"', 1)[1].split("</ul>", 1)[0]
    assert LOGISTICS in disclosures and "Logistics company" in disclosures
    assert "name, address, phone number, email address" in disclosures
    assert order.number in disclosures
    assert processor_name(app) in disclosures and "card number" in disclosures
    assert disclosures.count("<li>") == 2  # the processor and the carrier, nobody else


def test_the_admins_mark_shipped_hands_over_once_and_only_to_the_named_logistics_company(
        app, client, order, signed_in, make_user, rows, table_text):
    staff = sign_in(app, make_user(role="staff", email="staff@example.com").email)
    carrier = app.config["LOGISTICS_COMPANY"]
    path = f"/en/admin/orders/{order.number}/ship"

    refused = staff.post(path, data={"carrier": LOGISTICS, "tracking_number": "SP00012345"})
    assert refused.status_code == 422  # a carrier the policy does not name receives nothing
    assert [r for r in rows(Disclosure) if r.recipient == "logistics"] == []

    assert staff.post(path, data={"carrier": carrier, "tracking_number": "sp 0001 2345"}).status_code == 303
    assert staff.post(path, data={"carrier": carrier, "tracking_number": "SP00012345"}).status_code == 409
    [record] = [r for r in rows(Disclosure) if r.recipient == "logistics"]
    assert record.fields.split(",") == ["name", "address", "phone", "email"]
    assert (record.recipient_name, record.reference, record.user_id) == (carrier, order.number, signed_in.id)
    assert record.staff_id is not None
    register = table_text("disclosure")
    for value in (ADDRESS["recipient"], ADDRESS["line1"], ADDRESS["city"], signed_in.email):
        assert value not in register

    disclosures = client.get("/en/account/privacy").text.split('class="disclosure-list"', 1)[1].split("</ul>", 1)[0]
    assert carrier in disclosures and LOGISTICS not in disclosures
    assert "name, address, phone number, email address" in disclosures
    assert disclosures.count("<li>") == 2


UNDECLARED = [
    ("logistics", ["name", "address", "card_number"]),
    ("logistics", ["name", "birth_date"]),
    ("logistics", ["name", "gender"]),
    ("card_processor", ["name"]),
    ("advertising_partner", ["email"]),
    ("authority", ["name"]),
]


def test_a_hand_over_of_an_undeclared_field_is_refused_and_nothing_is_written(app, client, order):
    before = disclosure_count(app)
    for recipient, fields in UNDECLARED:
        with pytest.raises(UndeclaredField):
            ship(app, order.id, recipient=recipient, fields=fields)
        assert disclosure_count(app) == before, (recipient, fields)

        with app.app_context():
            with pytest.raises(UndeclaredField):
                disclose(recipient, fields, recipient_name="Anyone", email="guest@example.com")
            db.session.commit()
        assert disclosure_count(app) == before, (recipient, fields)
    assert "Anyone" not in client.get("/en/account/privacy").text


def test_a_value_smuggled_beside_the_declared_fields_is_refused(app, order):
    before = disclosure_count(app)
    with app.app_context():
        with pytest.raises(UndeclaredField):
            disclose("logistics", ["name"], recipient_name=LOGISTICS, email="guest@example.com",
                     values={"name": "Ada Lovelace", "card_number": CARD_DIGITS})
        db.session.commit()
    assert disclosure_count(app) == before
