"""Order pages (owner, staff, signed link, everyone else 404), order history, and the order's personal data."""

import json
import re

import pytest
from sqlalchemy import select, update

from storefront.account.models import User
from storefront.cart.models import Order
from storefront.extensions import db
from storefront.payments.models import Payment
from storefront.privacy.disclosures import Disclosure
from tests.conftest import PASSWORD


def order_path(response) -> str:
    return response.headers["Location"].split("?")[0]


def test_the_signed_link_opens_only_its_order(app, client, buy, product, make_product):
    first = buy(product)
    other = app.test_client()
    other.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})
    from tests.cart.conftest import checkout_form, checkout_token
    second = other.post("/en/checkout", data=checkout_form(checkout_token(other)))
    first_link, second_link = first.headers["Location"], second.headers["Location"]
    stranger = app.test_client()
    assert stranger.get(first_link).status_code == 200
    assert stranger.get(order_path(first)).status_code == 404
    assert stranger.get(order_path(first) + "?token=forged.token").status_code == 404
    token_of_second = second_link.split("token=")[1]
    assert stranger.get(f"{order_path(first)}?token={token_of_second}").status_code == 404
    page = stranger.get(first_link)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    # The language switcher keeps the link working in the other language.
    assert re.search(r'href="/zh/orders/SF-[^"]+\?token=[^"]+"', page.text)


@pytest.mark.parametrize("number", ["SF-0000-0000", "12345", "sf-abcd-efgh", "SF-ABCD-EFGH", "x" * 300, "%00"])
def test_unknown_or_malformed_numbers_are_not_found(client, number):
    assert client.get(f"/en/orders/{number}").status_code == 404


def test_the_owner_sees_the_order_and_another_customer_does_not(app, client, signed_in, add, product, make_user):
    from tests.cart.conftest import checkout_form, checkout_token
    add(product)
    response = client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    path = response.headers["Location"]
    assert "token=" not in path and client.get(path).status_code == 200
    other = make_user()
    other_client = app.test_client()
    other_client.post("/en/account/login", data={"email": other.email, "password": PASSWORD})
    assert other_client.get(path).status_code == 404


def test_staff_see_any_order(app, buy, product, make_user):
    path = order_path(buy(product))
    staff = make_user(role="staff")
    staff_client = app.test_client()
    staff_client.post("/en/account/login", data={"email": staff.email, "password": PASSWORD})
    assert staff_client.get(path).status_code == 200


def test_order_numbers_are_unguessable_and_not_numeric(buy, make_product, orders):
    for _ in range(3):
        buy(make_product())
    numbers = [o.number for o in orders()]
    assert len(set(numbers)) == 3
    for number in numbers:
        assert re.fullmatch(r"SF-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", number)
        assert not number.replace("SF-", "").replace("-", "").isdigit()


def test_history_needs_sign_in(client):
    response = client.get("/en/account/orders")
    assert response.status_code == 302 and "/en/account/login?next=/en/account/orders" in response.headers["Location"]


def test_history_lists_own_orders_and_guest_orders_once_the_email_is_confirmed(app, client, buy, product, make_user,
                                                                               make_product):
    user = make_user(email="ada@example.com", confirmed=False)
    guest_path = order_path(buy(product, email="ADA@example.com"))  # a guest order under the same address
    number = guest_path.rsplit("/", 1)[1]
    client.post("/en/account/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/en/account/orders")
    assert page.status_code == 200 and number not in page.text and "once you confirm" in page.text
    assert client.get(guest_path).status_code == 404
    with app.app_context():
        from storefront.database import utcnow
        db.session.execute(update(User).values(email_confirmed_at=utcnow()))
        db.session.commit()
    page = client.get("/en/account/orders")
    assert number in page.text and "1 item" in page.text
    assert client.get(guest_path).status_code == 200
    assert 'href="/en/account/orders" aria-current="page"' in page.text


def test_history_is_empty_with_a_way_to_shop(client, signed_in):
    page = client.get("/en/account/orders")
    assert "You have not ordered anything yet" in page.text and 'href="/en/products"' in page.text


def test_export_includes_orders_with_masked_payment_and_disclosures(client, signed_in, add, product):
    from tests.cart.conftest import checkout_form, checkout_token
    add(product)
    client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    response = client.post("/en/account/export", data={"password": PASSWORD})
    data = json.loads(response.data)
    [order] = data["orders"]
    assert order["address"]["recipient"] == "Ada Lovelace" and order["total"] == "38.00"
    assert order["payments"] == [{"brand": "visa", "last4": "4242", "expiry": "12/30", "amount": "38.00",
                                  "status": "captured"}]
    assert data["disclosures"][0]["recipient"] == "card_processor"
    assert "4242424242424242" not in response.get_data(as_text=True)


def test_erasure_keeps_orders_for_accounting_without_the_person(app, client, signed_in, add, product):
    from tests.cart.conftest import checkout_form, checkout_token
    add(product)
    client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    add(product)  # something left in the cart too
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).text
    assert "Orders" in receipt and "accounting" in receipt
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.total is not None and order.user_id is None and order.personal_data_erased_at is not None
        assert all(getattr(order, f) is None for f in ("email", "email_digest", *Order.ADDRESS_FIELDS))
        assert db.session.scalar(select(Payment)).last4 == "4242"
        disclosure = db.session.scalar(select(Disclosure))
        assert disclosure.user_id is None and disclosure.subject.startswith("erased-")


def test_an_accounts_orders_do_not_follow_its_old_email_to_another_account(app, client, signed_in, add, product):
    from tests.cart.conftest import checkout_form, checkout_token
    add(product)
    path = client.post("/en/checkout", data=checkout_form(checkout_token(client))).headers["Location"]
    old_email = signed_in.email
    with app.app_context():  # the first account moves to another address...
        db.session.execute(update(User).where(User.id == signed_in.id).values(email="moved@example.com"))
        db.session.commit()
    with app.app_context():  # ...and someone else confirms the old one
        from storefront.database import utcnow
        from storefront.security import hash_password
        db.session.add(User(email=old_email, password_hash=hash_password(PASSWORD), email_confirmed_at=utcnow()))
        db.session.commit()
    other = app.test_client()
    other.post("/en/account/login", data={"email": old_email, "password": PASSWORD})
    assert other.get(path.split("?")[0]).status_code == 404
    assert path.split("/")[-1] not in other.get("/en/account/orders").text
    export = json.loads(other.post("/en/account/export", data={"password": PASSWORD}).data)
    assert export["orders"] == [] and export["disclosures"] == []
