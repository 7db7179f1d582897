"""Checkout: placing an order, totals, every test card, validation, tampering, one order per token, refunds."""

import re
from decimal import Decimal

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import func, select

from storefront.account.models import Address
from storefront.cart.models import CartItem, Order, OrderLine
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.payments.models import Payment
from storefront.payments.processors import DECLINE_MESSAGES, get_processor
from storefront.privacy.disclosures import Disclosure
from tests.cart.conftest import ADDRESS, APPROVED, CVC, checkout_form, checkout_token

ORDER_URL = re.compile(r"^/(en|zh)/orders/(SF-[2-9A-Z]{4}-[2-9A-Z]{4})(\?token=[\w.-]+)?$")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def processor_calls(app) -> list:
    with app.app_context():
        return list(get_processor().calls)


def test_a_guest_places_an_order_and_lands_on_it(client, buy, product, app, stock_of, orders, outbox):
    response = buy(product, quantity="2")
    assert response.status_code == 303
    match = ORDER_URL.match(response.headers["Location"])
    assert match and match.group(3), response.headers["Location"]  # a guest gets the signed link
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and match.group(2) in page.text and "Paid" in page.text
    assert "Visa ending in 4242" in page.text and "Ada Lovelace" in page.text
    [order] = orders()
    assert order.number == match.group(2) and order.status == "paid" and order.locale == "en"
    assert (order.subtotal, order.shipping, order.total) == (Decimal("60.00"), Decimal("8.00"), Decimal("68.00"))
    assert order.email == "guest@example.com" and order.recipient == "Ada Lovelace" and order.phone == "+14155550132"
    assert stock_of(product) == 3
    assert count(app, CartItem) == 0
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        assert (payment.brand, payment.last4, payment.exp_month, payment.exp_year, payment.status) == (
            "visa", "4242", 12, 2030, "captured")
        assert payment.amount == Decimal("68.00")
        disclosure = db.session.scalar(select(Disclosure))
        assert disclosure.recipient == "card_processor" and disclosure.reference == order.number
        assert "card_number" in disclosure.field_list
    mails = outbox()
    assert [m.recipient for m in mails] == ["guest@example.com", app.config["SHOP_EMAIL"]]
    assert order.number in mails[0].subject and "$68.00" in mails[0].body_text
    assert re.search(rf"/en/orders/{order.number}\?token=", mails[0].body_text)
    assert "4242" in mails[0].body_text and APPROVED.replace(" ", "") not in mails[0].body_text


def test_free_shipping_from_the_threshold(buy, make_product, orders):
    product = make_product(price=Decimal("33.00"), stock=5)
    assert buy(product, quantity="3").status_code == 303
    [order] = orders()
    assert (order.subtotal, order.shipping, order.total) == (Decimal("99.00"), Decimal("0.00"), Decimal("99.00"))


def test_the_checkout_page_names_the_processor_and_the_carrier_and_what_each_gets(client, add, product, app):
    add(product)
    page = client.get("/en/checkout")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "the built-in test card processor" in page.text and app.config["LOGISTICS_COMPANY"] in page.text
    assert "card number, expiry date, security code" in page.text
    assert "name, address, phone number and email address" in page.text
    consent = re.search(r'<input id="payment_consent"[^>]*>', page.text).group(0)
    assert 'type="checkbox"' in consent and "checked" not in consent
    assert '<label for="payment_consent">I agree that my card details are sent to the built-in test card processor' in page.text
    assert "$38.00" in page.text  # 30.00 + 8.00 shipping


def test_an_empty_cart_cannot_check_out(client):
    response = client.get("/en/checkout")
    assert response.status_code == 303 and response.headers["Location"] == "/en/cart"
    response = client.post("/en/checkout", data=checkout_form("x" * 40))
    assert response.status_code == 303


def test_a_chinese_order_gets_chinese_mail(buy, product, orders, outbox):
    assert buy(product, lang="zh").status_code == 303
    [order] = orders()
    assert order.locale == "zh"
    mail = outbox(recipient="guest@example.com")[0]
    assert mail.locale == "zh" and f"/zh/orders/{order.number}" in mail.body_text
    assert re.search(r"[\u4e00-\u9fff]", mail.subject)
    # The address as Chinese writes it, each part on its own line (the postcode not glued to the street).
    assert "CA San Francisco 1 Market Street Suite 5\n94105 " in mail.body_text


def test_the_english_mail_writes_the_address_on_lines_without_gaps(buy, product, outbox):
    assert buy(product).status_code == 303
    body = outbox(recipient="guest@example.com")[0].body_text
    assert "1 Market Street, Suite 5\nSan Francisco, CA 94105\n" in body


@pytest.mark.parametrize("card, code_words", [
    ("4000 0000 0000 0002", "declined"),
    ("4000 0000 0000 9995", "not enough funds"),
    ("4000 0000 0000 0069", "has expired"),
])
def test_a_declining_card_rolls_everything_back_and_keeps_the_cart(
        client, buy, product, app, stock_of, orders, outbox, card, code_words):
    response = buy(product, quantity="2", card_number=card)
    assert response.status_code == 422
    assert code_words in response.text and 'role="alert"' in response.text
    assert card not in response.text and card.replace(" ", "") not in response.text
    assert 'name="card_number" placeholder="1234 5678 9012 3456" spellcheck="false" type="text" value=""' in response.text
    assert 'value="Ada Lovelace"' in response.text  # the address is kept
    consent = re.search(r'<input id="payment_consent"[^>]*>', response.text).group(0)
    assert "checked" not in consent  # consent to send card details is given again with the card
    assert orders() == [] and stock_of(product) == 5 and outbox() == []
    assert count(app, Payment) == 0
    with app.app_context():  # the card details did go to the processor: that is on record
        [disclosure] = db.session.scalars(select(Disclosure)).all()
        assert disclosure.recipient == "card_processor" and disclosure.reference is None
    assert count(app, CartItem) == 1
    assert 'data-cart-count>2<' in client.get("/en/cart").text


@pytest.mark.parametrize("card, code", [
    ("4000 0000 0000 0002", "declined"),
    ("4000 0000 0000 9995", "insufficient_funds"),
    ("4000 0000 0000 0069", "expired_card"),
])
def test_declines_are_explained_in_chinese(buy, product, app, card, code):
    response = buy(product, lang="zh", card_number=card)
    with app.test_request_context("/zh/"), force_locale("zh_Hans_CN"):
        message = str(DECLINE_MESSAGES[code])
    assert re.search(r"[\u4e00-\u9fff]", message), "the decline message is not translated"
    assert response.status_code == 422 and str(escape(message)) in response.text


@pytest.mark.parametrize("card", ["4242 4242 4242 4242", "5555 5555 5555 4444", "4242-4242-4242-4242",
                                  "４２４２４２４２４２４２４２４２"])
def test_approved_cards_in_any_spelling(buy, product, orders, card):
    assert buy(product, card_number=card).status_code == 303
    assert [o.status for o in orders()] == ["paid"]


@pytest.mark.parametrize("field, value, message", [
    ("card_number", "4242 4242 4242 4241", "not valid"),
    ("card_number", "1234", "not valid"),
    ("card_number", "", "Enter the card number"),
    ("card_expiry", "01/20", "expired"),
    ("card_expiry", "13/30", "MM/YY"),
    ("card_expiry", "", "Enter the expiry date"),
    ("card_cvc", "12", "3 or 4 digits"),
    ("card_cvc", "12345", "3 or 4 digits"),
    ("card_name", "", "Enter the name on the card"),
])
def test_invalid_card_details_never_reach_the_processor(buy, product, app, orders, stock_of, field, value, message):
    response = buy(product, **{field: value})
    assert response.status_code == 422
    assert message in response.text and f'id="{field}-error"' in response.text
    assert processor_calls(app) == []
    assert orders() == [] and stock_of(product) == 5
    assert 'value="4242' not in response.text and f'value="{CVC}"' not in response.text


def test_payment_consent_is_required(buy, product, app, orders):
    form_without_consent = {"payment_consent": ""}
    response = buy(product, **form_without_consent)
    assert response.status_code == 422 and 'id="payment_consent-error"' in response.text
    assert processor_calls(app) == [] and orders() == []


@pytest.mark.parametrize("field", ["recipient", "phone", "country", "region", "city", "line1", "postal_code", "email"])
def test_each_required_field_is_reported_next_to_it(buy, product, orders, field):
    response = buy(product, **{field: ""})
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    assert orders() == []


@pytest.mark.parametrize("field, value", [("email", "not-an-email"), ("phone", "12"), ("country", "XX"),
                                          ("country", "<script>"), ("recipient", "x" * 500)])
def test_malformed_address_fields_are_refused(buy, product, orders, field, value):
    response = buy(product, **{field: value})
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    assert "<script>" not in response.text.split("<main", 1)[1].split("</main>")[0]
    assert orders() == []


def test_prices_and_totals_from_the_form_are_ignored(buy, product, orders):
    response = buy(product, price="0.01", total="0.01", subtotal="0", shipping="0", unit_price="0")
    assert response.status_code == 303
    assert orders()[0].total == Decimal("38.00")


def test_the_same_token_twice_gives_one_order(client, add, product, orders, stock_of, outbox):
    add(product, 2)
    form = checkout_form(checkout_token(client))
    first = client.post("/en/checkout", data=form)
    second = client.post("/en/checkout", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(orders()) == 1 and stock_of(product) == 3
    assert len(outbox(recipient="guest@example.com")) == 1


def test_a_malformed_token_asks_to_place_again_and_writes_nothing(client, add, product, orders):
    add(product)
    for token in ("", "short", "<script>alert(1)</script>" * 3):
        response = client.post("/en/checkout", data=checkout_form(token))
        assert response.status_code == 422 and "place it again" in response.text
    assert orders() == []


def test_sold_out_between_cart_and_checkout_is_refused_and_nothing_written(client, add, product, app, orders, stock_of):
    add(product, 3)
    token = checkout_token(client)
    with app.app_context():
        db.session.get(Product, product.id).stock = 1
        db.session.commit()
    response = client.post("/en/checkout", data=checkout_form(token))
    assert response.status_code == 422 and "Product 1: Only 1 left in stock" in response.text
    assert 'value="Ada Lovelace"' in response.text and 'value="4242' not in response.text
    assert orders() == [] and stock_of(product) == 1 and count(app, Payment) == 0
    assert processor_calls(app) == []


def test_the_last_unit_taken_while_placing_is_refused_and_rolled_back(client, add, make_product, app, orders,
                                                                      stock_of, monkeypatch):
    """Two lines; the second sells out between the cart check and the conditional update."""
    first, second = make_product(stock=5), make_product(stock=2)
    add(first, 2)
    add(second, 2)
    token = checkout_token(client)
    from storefront.cart import services

    real_problems = services.problems

    def sell_out_then_check(items):
        found = real_problems(items)
        db.session.execute(__import__("sqlalchemy").update(Product).where(Product.id == second.id).values(stock=1))
        return found

    monkeypatch.setattr(services, "problems", sell_out_then_check)
    response = client.post("/en/checkout", data=checkout_form(token))
    assert response.status_code == 422 and "only 1 of this product are left" in response.text
    assert orders() == [] and stock_of(first) == 5 and processor_calls(app) == []


def test_a_customer_uses_a_saved_address_and_the_account_email(client, signed_in, add, product, app, orders):
    with app.app_context():
        address = Address(user_id=signed_in.id, **{**ADDRESS, "phone": "+14155550132", "recipient": "Saved Person"})
        db.session.add(address)
        db.session.commit()
        address_id = address.id
    add(product)
    page = client.get("/en/checkout")
    assert f'value="{address_id}" checked' in page.text and 'name="email"' not in page.text
    form = checkout_form(checkout_token(client), address_id=str(address_id), recipient="", line1="", email="")
    response = client.post("/en/checkout", data=form)
    assert response.status_code == 303
    assert "token=" not in response.headers["Location"]  # the owner needs no link
    [order] = orders()
    assert order.recipient == "Saved Person" and order.email == signed_in.email and order.user_id == signed_in.id


def test_another_customers_address_is_refused(client, signed_in, make_user, add, product, app, orders):
    stranger = make_user()
    with app.app_context():
        mine = Address(user_id=signed_in.id, **{**ADDRESS, "phone": "+14155550132"})
        theirs = Address(user_id=stranger.id, **{**ADDRESS, "phone": "+14155550132", "recipient": "Stranger"})
        db.session.add_all([mine, theirs])
        db.session.commit()
        theirs_id = theirs.id
    add(product)
    form = checkout_form(checkout_token(client), address_id=str(theirs_id), recipient="", line1="")
    response = client.post("/en/checkout", data=form)
    assert response.status_code == 422 and 'saved addresses or enter a new one' in response.text
    assert "Stranger" not in response.text and orders() == []


def test_a_failed_commit_after_the_capture_refunds_the_payment(client, add, product, app, orders, stock_of, monkeypatch):
    add(product)
    token = checkout_token(client)
    real_commit = db.session.commit

    def failing_commit():
        raise __import__("sqlalchemy").exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = client.post("/en/checkout", data=checkout_form(token))
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert response.status_code == 503 and "refunded" in response.text
    with app.app_context():
        processor = get_processor()
        [state] = [p["state"] for p in processor.payments.values()]
    assert state == "refunded"
    assert any(operation == "refund" for operation, _key in processor_calls(app))
    assert orders() == [] and stock_of(product) == 5
    assert count(app, CartItem) == 1


def test_checkout_without_a_csrf_token_is_refused(make_app, product):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})  # refused too (400)
    response = client.post("/en/checkout", data=checkout_form("t" * 40))
    assert response.status_code == 400
    assert count(app, Order) == 0


def test_order_lines_copy_name_price_and_quantity(buy, make_product, app):
    first = make_product(price=Decimal("12.34"), stock=9)
    second = make_product(price=Decimal("5.00"), stock=9)
    assert buy(first, second, quantity="2").status_code == 303
    with app.app_context():
        lines = db.session.scalars(select(OrderLine).order_by(OrderLine.product_id)).all()
        assert [(line.name, line.sku, line.unit_price, line.quantity, line.line_total) for line in lines] == [
            ("Product 1", "SKU-0001", Decimal("12.34"), 2, Decimal("24.68")),
            ("Product 2", "SKU-0002", Decimal("5.00"), 2, Decimal("10.00")),
        ]


def test_after_a_decline_the_same_form_pays_with_another_card(client, add, product, orders):
    add(product)
    form = checkout_form(checkout_token(client), card_number="4000 0000 0000 0002")
    assert client.post("/en/checkout", data=form).status_code == 422
    response = client.post("/en/checkout", data={**form, "card_number": APPROVED})
    assert response.status_code == 303
    assert [o.status for o in orders()] == ["paid"]


def test_after_a_refunded_attempt_the_next_attempt_is_charged_again(client, add, product, app, orders, monkeypatch):
    add(product)
    form = checkout_form(checkout_token(client))
    real_commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (_ for _ in ()).throw(
        __import__("sqlalchemy").exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))))
    assert client.post("/en/checkout", data=form).status_code == 503
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert client.post("/en/checkout", data=form).status_code == 303
    with app.app_context():
        states = sorted(p["state"] for p in get_processor().payments.values())
        payment = db.session.scalar(select(Payment))
        order_payment_state = get_processor().payments[payment.reference]["state"]
    assert states == ["captured", "refunded"]
    assert order_payment_state == "captured"  # the order's payment is the fresh one, not the refunded one


def test_a_refund_that_fails_says_so_and_is_logged_for_a_person(client, add, product, app, monkeypatch, caplog):
    add(product)
    token = checkout_token(client)
    real_commit = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (_ for _ in ()).throw(
        __import__("sqlalchemy").exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))))
    with app.app_context():
        processor = get_processor()
    from storefront.payments.processors import ProcessorUnavailable

    def refund_fails(*args, **kwargs):
        raise ProcessorUnavailable()

    monkeypatch.setattr(processor, "refund", refund_fails)
    response = client.post("/en/checkout", data=checkout_form(token))
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert response.status_code == 503 and "refund it automatically" in response.text
    assert "refunded to your card" not in response.text
    [reference] = processor.payments
    assert reference in response.text
    assert any(r.levelname == "CRITICAL" and reference in r.getMessage() for r in caplog.records)


def test_payment_consent_must_really_be_ticked(buy, product, orders):
    for value in ("false", "", "0", "off"):
        response = buy(product, payment_consent=value)
        assert response.status_code == 422 and 'id="payment_consent-error"' in response.text, value
    assert orders() == []


def test_a_price_changed_after_the_page_was_shown_is_not_charged_silently(client, add, product, app, orders):
    add(product)
    page = client.get("/en/checkout").text
    version = re.search(r'name="cart_version" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        db.session.get(Product, product.id).price = Decimal("999.00")
        db.session.commit()
    form = checkout_form(checkout_token(client), cart_version=version)
    response = client.post("/en/checkout", data=form)
    assert response.status_code == 422 and "prices changed" in response.text and "$999.00" in response.text
    assert orders() == []
    new_version = re.search(r'name="cart_version" type="hidden" value="([^"]+)"', response.text).group(1)
    assert client.post("/en/checkout", data={**form, "cart_version": new_version}).status_code == 303
    assert orders()[0].total == Decimal("999.00")


def test_the_customers_confirmation_link_works_signed_out(app, client, signed_in, add, product, outbox):
    add(product)
    client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    link = re.search(r"http://shop.test(/en/orders/\S+)", outbox(recipient=signed_in.email)[0].body_text).group(1)
    assert "token=" in link and app.test_client().get(link).status_code == 200


def test_queued_order_mail_keeps_the_address_encrypted_at_rest(buy, product, app):
    assert buy(product).status_code == 303
    with app.app_context():
        raw = db.session.execute(__import__("sqlalchemy").text(
            "SELECT body_text, body_html FROM outbox_message")).all()
    assert raw and all(row[0] and row[1] for row in raw)
    assert not any("Ada Lovelace" in (row[0] + row[1]) or "Market Street" in (row[0] + row[1]) for row in raw)
