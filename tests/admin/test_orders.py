"""The admin's orders: the list and its filters, one order, each step and each refusal, restock and
refunds through the test processor, the customer's order page, the shipping manifest, the packing
slip, and customers' stored markup rendered inert everywhere staff read it."""

import csv
import html
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text, update

import storefront.admin.orders as admin_orders
from storefront.cart import fulfilment
from storefront.cart.models import Order, OrderEvent
from storefront.cart.services import order_link_token
from storefront.catalog.models import Product
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.payments.models import Payment
from storefront.payments.processors import ProcessorUnavailable, get_processor
from storefront.privacy.audit import AuditEntry
from storefront.privacy.disclosures import Disclosure
from storefront.security import email_digest
from tests.admin import client_as, field_error, guest_orders, input_value, shared, sign_in, translated
from tests.cart.conftest import ADDRESS, orders  # noqa: F401 - fixture, reused
from tests.conftest import product_maker, user_maker

CARRIER = "Swift Parcel Logistics"  # the default STOREFRONT_LOGISTICS_COMPANY
SHOP_CSS = Path(__file__).parents[2] / "storefront" / "static" / "css" / "shop.css"


@pytest.fixture
def shop(app, make_user, make_product, buy, orders):  # noqa: F811
    """An owner and a staff member signed in on their own clients, a product, and `place()` for guest orders."""
    s = SimpleNamespace(app=app)
    s.owner = make_user(role="owner", email="owner@example.com")
    s.staff = make_user(role="staff", email="staff@example.com")
    s.product = make_product(price=Decimal("30.00"), stock=5, sku="LENS-50")

    def place(*products, quantity="1", **overrides) -> str:
        response = buy(*(products or (s.product,)), quantity=quantity, **overrides)
        assert response.status_code == 303, response.status_code
        return orders()[-1].number

    s.place = place
    s.as_staff = sign_in(app, s.staff.email)
    s.as_owner = sign_in(app, s.owner.email)
    return s


def order_of(app, number: str) -> SimpleNamespace:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        return SimpleNamespace(**{c.key: getattr(order, c.key) for c in Order.__mapper__.column_attrs})


def rows(app, model, *conditions) -> list[SimpleNamespace]:
    with app.app_context():
        found = db.session.scalars(select(model).where(*conditions).order_by(model.id))
        return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs}) for row in found]


def events_of(app, number: str) -> list[SimpleNamespace]:
    return rows(app, OrderEvent, OrderEvent.order_id == order_of(app, number).id)


def stock_of(app, product) -> int:
    with app.app_context():
        return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def state(app) -> dict:
    """Everything a refused step must leave as it was."""
    with app.app_context():
        return {
            "orders": [tuple(r) for r in db.session.execute(
                select(Order.number, Order.status, Order.carrier, Order.tracking_number).order_by(Order.id))],
            "events": db.session.scalar(select(func.count()).select_from(OrderEvent)),
            "disclosures": db.session.scalar(select(func.count()).select_from(Disclosure)),
            "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
            "payments": [tuple(r) for r in db.session.execute(select(Payment.id, Payment.status).order_by(Payment.id))],
            "stock": [tuple(r) for r in db.session.execute(select(Product.id, Product.stock).order_by(Product.id))],
            "audit": [tuple(r) for r in db.session.execute(
                select(AuditEntry.action).where(AuditEntry.action != "customer.view").order_by(AuditEntry.id))],
        }


def ship(shop, number: str, client=None, lang: str = "en", **data):
    form = {"carrier": CARRIER, "tracking_number": "1z 999 aa1", **data}
    return (client or shop.as_staff).post(f"/{lang}/admin/orders/{number}/ship", data=form)


def shipped_order(shop, **overrides) -> str:
    number = shop.place(**overrides)
    assert ship(shop, number).status_code == 303
    return number


def erase(app, number: str) -> None:
    """What the privacy registry's erasure does to an order."""
    with app.app_context():
        db.session.execute(update(Order).where(Order.number == number).values(
            email=None, email_digest=None, personal_data_erased_at=utcnow(),
            **{field: None for field in Order.ADDRESS_FIELDS}))
        db.session.commit()


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def numbers_in(page: str, candidates) -> list[str]:
    """The candidates listed on the page, in page order."""
    found = [(page.find(f">{number}</a>"), number) for number in candidates]
    return [number for position, number in sorted(found) if position >= 0]


def refusal(app, lang: str, msgid: str, status: str) -> str:
    return translated(app, lang, msgid, status=translated(app, lang, status))


# The list ---------------------------------------------------------------------------------------------


def test_the_list_shows_orders_newest_first_with_recipient_status_and_total(shop):
    first = shop.place(email="first@example.com")
    second = shop.place(email="second@example.com", recipient="Grace Hopper")
    response = shop.as_staff.get("/en/admin/orders")
    page = page_text(response)
    assert response.status_code == 200
    assert numbers_in(page, [first, second]) == [second, first]
    assert "Grace Hopper" in page and "Ada Lovelace" in page
    assert f'href="/en/admin/orders/{first}"' in page
    assert "Paid" in page and "$38.00" in page
    assert "2 orders" in page


def test_the_list_speaks_chinese(shop):
    shop.place()
    page = page_text(shop.as_staff.get("/zh/admin/orders"))
    assert 'lang="zh-Hans"' in page
    assert translated(shop.app, "zh", "Paid") in page and translated(shop.app, "zh", "Paid") != "Paid"


def set_placed_at(app, number: str, when: str) -> None:
    with app.app_context():
        db.session.execute(update(Order).where(Order.number == number).values(
            created_at=datetime.fromisoformat(when).replace(tzinfo=timezone.utc)))
        db.session.commit()


@pytest.fixture(scope="module")
def dated_shop(module_app):
    """Three orders placed on known UTC days, one of them shipped: built once for the module, since the
    tests given it (`dated`) only read the list."""
    make_user = user_maker(module_app)
    shop = shared(SimpleNamespace(app=module_app, owner=make_user(role="owner", email="owner@example.com"),
                                  staff=make_user(role="staff", email="staff@example.com")))
    product = product_maker(module_app)(price=Decimal("30.00"), stock=5, sku="LENS-50")
    shop.numbers = {}
    for key, when in (("jan", "2026-01-10T23:59:59"), ("feb", "2026-02-01T00:00:00"), ("mar", "2026-03-05T12:00:00")):
        shop.numbers[key] = guest_orders(module_app, product, f"{key}@example.com")[-1]
        set_placed_at(module_app, shop.numbers[key], when)
    assert ship(shop, shop.numbers["feb"], client=client_as(shop, "staff")).status_code == 303
    return shop


@pytest.fixture
def dated(dated_shop):
    """The dated orders, with a staff client of the test's own."""
    return SimpleNamespace(app=dated_shop.app, numbers=dated_shop.numbers, as_staff=client_as(dated_shop, "staff"))


@pytest.mark.parametrize("query, expected", [
    ({}, ["mar", "feb", "jan"]),
    ({"status": "paid"}, ["mar", "jan"]),
    ({"status": "shipped"}, ["feb"]),
    ({"status": "cancelled"}, []),
    ({"day_from": "2026-01-11"}, ["mar", "feb"]),
    ({"day_to": "2026-01-31"}, ["jan"]),
    ({"day_from": "2026-01-10", "day_to": "2026-02-01"}, ["feb", "jan"]),  # whole days, both ends included
    ({"day_from": "2026-03-01", "day_to": "2026-01-01"}, []),
    ({"status": "paid", "day_from": "2026-02-01"}, ["mar"]),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filters(dated, query, expected, lang):
    response = dated.as_staff.get(f"/{lang}/admin/orders", query_string=query)
    page = page_text(response)
    assert response.status_code == 200
    assert numbers_in(page, dated.numbers.values()) == [dated.numbers[key] for key in expected]
    if not expected:
        assert translated(dated.app, lang, "No orders match these filters.") in page
    for name, value in query.items():
        if name.startswith("day_"):
            assert input_value(page, name) == value  # the filters stay filled in


@pytest.mark.parametrize("name, value", [
    (name, value)
    for name in ("status", "day_from", "day_to", "page")
    for value in ("2026-13-01", "2026-02-30", "abc", "-1", "0", "99999999999999999999", "1e3", "²", "",
                  " ", "\x00", "2026-01-01\x00", "' OR 1=1 --", "x" * 2000)
])
def test_a_malformed_filter_is_left_out_never_500(dated, name, value):
    response = dated.as_staff.get("/en/admin/orders", query_string={name: value})
    assert response.status_code == 200
    assert numbers_in(page_text(response), dated.numbers.values()) == [dated.numbers[k] for k in ("mar", "feb", "jan")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_malformed_day_is_shown_beside_its_field_and_the_other_filters_still_apply(dated, lang):
    response = dated.as_staff.get(f"/{lang}/admin/orders",
                                  query_string={"day_from": "2026-02-30", "day_to": "10/01/2026", "status": "paid"})
    page = page_text(response)
    assert response.status_code == 200  # as the audit log does
    assert field_error(page, "day_from") and field_error(page, "day_to")
    if lang == "zh":
        english = field_error(page_text(dated.as_staff.get("/en/admin/orders?day_from=x")), "day_from")
        assert field_error(page, "day_from") != english  # translated
    assert numbers_in(page, dated.numbers.values()) == [dated.numbers["mar"], dated.numbers["jan"]]


def test_a_search_longer_than_an_email_address_is_refused_beside_the_field(dated):
    response = dated.as_staff.get("/zh/admin/orders", query_string={"q": "a" * 300 + "@example.com"})
    page = page_text(response)
    assert response.status_code == 200
    assert field_error(page, "q") == translated(dated.app, "zh", "Enter at most %(max)d characters.", max=254)
    assert len(numbers_in(page, dated.numbers.values())) == 3


@pytest.mark.parametrize("query", ["\x00", "SF-\x00", "a@b\x00.c", "' OR 1=1 --", "SF-7K3Q-9XWD" * 30, "%_%",
                                   "１２３", "\u202e", "@", "@@", "SF-2222-2222\n"])
def test_a_strange_search_never_500(dated, query):
    response = dated.as_staff.get("/en/admin/orders", query_string={"q": query})
    assert response.status_code == 200
    assert numbers_in(page_text(response), dated.numbers.values()) in ([], list(dated.numbers.values())[::-1])


def test_search_by_order_number_whole_part_and_any_case(dated):
    number = dated.numbers["feb"]
    for query in (number, number.lower(), f"  {number}  ", number[3:7], number[-4:].lower()):
        page = page_text(dated.as_staff.get("/en/admin/orders", query_string={"q": query}))
        assert numbers_in(page, dated.numbers.values()) == [number], query
    for query in ("SF-0000-0000", "%", "_", "SF-%"):
        page = page_text(dated.as_staff.get("/en/admin/orders", query_string={"q": query}))
        assert numbers_in(page, dated.numbers.values()) == [], query


def test_search_by_email_in_any_case_finds_guest_and_customer_orders(shop, make_user, auth, buy, orders):  # noqa: F811
    customer = make_user(email="ming.li@example.com")
    guest = shop.place(email="Ming.Li@Example.com")  # stored canonical
    other = shop.place(email="someone@example.com")
    assert auth.login(customer.email).status_code == 303
    assert buy(shop.product).status_code == 303
    own = orders()[-1].number
    for query in ("ming.li@example.com", "MING.LI@EXAMPLE.COM", " Ming.Li@example.com ", "ｍｉｎｇ.ｌｉ@example.com"):
        page = page_text(shop.as_staff.get("/en/admin/orders", query_string={"q": query}))
        assert numbers_in(page, [guest, other, own]) == [own, guest], query
    page = page_text(shop.as_staff.get("/en/admin/orders", query_string={"q": "ming@example.com"}))
    assert numbers_in(page, [guest, other, own]) == []


def test_pages_a_page_past_the_last_and_a_fixed_number_of_queries(shop, monkeypatch, count_queries):
    monkeypatch.setattr(admin_orders, "PER_PAGE", 2)
    placed = [shop.place(email=f"p{n}@example.com") for n in range(5)]
    newest_first = placed[::-1]
    first = page_text(shop.as_staff.get("/en/admin/orders?status=paid"))
    assert numbers_in(first, placed) == newest_first[:2]
    assert 'href="/en/admin/orders?page=2&amp;status=paid"' in shop.as_staff.get("/en/admin/orders?status=paid").text
    third = page_text(shop.as_staff.get("/en/admin/orders?page=3"))
    assert numbers_in(third, placed) == newest_first[4:]
    past = shop.as_staff.get("/zh/admin/orders?page=99&status=paid")
    assert past.status_code == 200 and numbers_in(page_text(past), placed) == []
    assert 'href="/zh/admin/orders?status=paid"' in past.text
    assert translated(shop.app, "zh", "Back to the first page") in page_text(past)

    def queries(path):
        with count_queries() as counted:
            assert shop.as_staff.get(path).status_code == 200
        return counted()

    assert queries("/en/admin/orders?page=3") == queries("/en/admin/orders?page=1")  # 1 row vs 2 rows


# One order ---------------------------------------------------------------------------------------------


def test_the_detail_shows_lines_totals_payment_address_history_and_disclosures(shop):
    number = shipped_order(shop, email="reader@example.com")
    response = shop.as_owner.get(f"/en/admin/orders/{number}")
    page = page_text(response)
    assert response.status_code == 200
    for value in ("LENS-50", "$30.00", "$8.00", "$38.00", "Visa ending in 4242 (expires 12/30)", "reader@example.com",
                  ADDRESS["recipient"], ADDRESS["line1"], ADDRESS["city"], "Guest order", CARRIER, "1Z999AA1"):
        assert value in page, value
    history = page.split('id="history-title"', 1)[1].split("</table>", 1)[0]
    assert history.index("Placed") < history.index("Paid") < history.index("Shipped")
    assert "staff@example.com" in history and f"{CARRIER} · 1Z999AA1" in history
    handed = page.split('id="disclosures-title"', 1)[1].split("</table>", 1)[0]
    assert CARRIER in handed and "Logistics company" in handed
    assert "name, address, phone number, email address" in handed
    assert "card number" in handed and "staff@example.com" in handed
    assert "4242 4242" not in page and "4242424242424242" not in page
    assert f'href="/en/admin/orders/{number}/manifest.csv"' in page
    assert f'href="/en/admin/orders/{number}/packing-slip"' in page


def test_opening_the_detail_writes_an_audit_row_about_the_guest_or_the_customer(
        shop, make_user, auth, buy, orders):  # noqa: F811
    guest = shop.place(email="Guest.Reader@example.com")
    assert shop.as_staff.get(f"/en/admin/orders/{guest}").status_code == 200
    [row] = rows(shop.app, AuditEntry, AuditEntry.action == "customer.view")
    assert (row.actor_id, row.subject_user_id, row.detail) == (shop.staff.id, None, guest)
    assert row.subject == email_digest("guest.reader@example.com")

    customer = make_user(email="member@example.com")
    assert auth.login(customer.email).status_code == 303
    assert buy(shop.product).status_code == 303
    own = orders()[-1].number
    assert shop.as_owner.get(f"/zh/admin/orders/{own}").status_code == 200
    row = rows(shop.app, AuditEntry, AuditEntry.action == "customer.view")[-1]
    assert (row.actor_id, row.subject_user_id, row.detail) == (shop.owner.id, customer.id, own)


@pytest.mark.parametrize("number", ["SF-2222-2222", "sf-abcd", "1", "SF-AAAA-AAA0", "SF-AAAA-AAAA\x00", "x" * 500])
def test_an_unknown_or_malformed_order_number_is_404_everywhere(shop, number):
    shop.place()
    before = state(shop.app)
    for suffix in ("", "/packing-slip", "/manifest.csv"):
        assert shop.as_owner.get(f"/en/admin/orders/{number}{suffix}").status_code == 404
    for step in ("ship", "deliver", "cancel", "refund"):
        response = shop.as_owner.post(f"/en/admin/orders/{number}/{step}",
                                      data={"carrier": CARRIER, "tracking_number": "ABCD", "reason": "x",
                                            "confirm_cancel": "y", "confirm_refund": "y"})
        assert response.status_code == 404
    assert state(shop.app) == before


def test_the_detail_offers_the_steps_the_status_allows(shop):
    paid = shop.place()
    page = shop.as_staff.get(f"/en/admin/orders/{paid}").text
    assert f"/orders/{paid}/ship" in page and f"/orders/{paid}/cancel" in page
    assert f"/orders/{paid}/deliver" not in page and f"/orders/{paid}/refund" not in page
    assert f'<option selected value="{CARRIER}">{CARRIER}</option>' in page  # the only carrier, chosen
    shipped = shipped_order(shop)
    staff_page = shop.as_staff.get(f"/en/admin/orders/{shipped}").text
    owner_page = shop.as_owner.get(f"/en/admin/orders/{shipped}").text
    assert f"/orders/{shipped}/deliver" in staff_page and f"/orders/{shipped}/ship" not in staff_page
    assert f"/orders/{shipped}/refund" not in staff_page and f"/orders/{shipped}/refund" in owner_page
    assert f"/orders/{shipped}/cancel" not in owner_page


# Shipping ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shipping_a_paid_order(shop, outbox, lang):
    number = shop.place(lang=lang, email="parcel@example.com")
    response = ship(shop, number, lang=lang, tracking_number=" 1z-999 aa 10123 ")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/{lang}/admin/orders/{number}"
    page = page_text(shop.as_staff.get(response.headers["Location"]))
    assert translated(shop.app, lang, "Order %(number)s is marked shipped and its data is handed to the carrier.",
                      number=number) in page

    order = order_of(shop.app, number)
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", CARRIER, "1Z-999AA10123")
    event = events_of(shop.app, number)[-1]
    assert (event.status, event.staff_id, event.note) == ("shipped", shop.staff.id, f"{CARRIER} · 1Z-999AA10123")
    [handed] = rows(shop.app, Disclosure, Disclosure.recipient == "logistics")
    assert (handed.recipient_name, handed.reference, handed.staff_id) == (CARRIER, number, shop.staff.id)
    assert handed.fields == "name,address,phone,email"
    [row] = rows(shop.app, AuditEntry, AuditEntry.action == "disclosure")
    assert (row.actor_id, row.detail, row.subject) == (shop.staff.id, number, email_digest("parcel@example.com"))
    [mail] = outbox(template="order_shipped")
    assert (mail.recipient, mail.locale) == ("parcel@example.com", lang)
    assert mail.subject == translated(shop.app, lang, "Your order %(number)s is on its way", number=number)
    for body in (mail.body_text, html.unescape(mail.body_html)):
        assert CARRIER in body and "1Z-999AA10123" in body
        assert f"http://shop.test/{lang}/orders/{number}?token=" in body
    with shop.app.test_request_context():
        token = order_link_token(SimpleNamespace(number=number))
    assert f"?token={token}" in mail.body_text  # the signed link opens the order without signing in


@pytest.mark.parametrize("tracking, message", [
    ("", "Enter the tracking number."),
    ("   ", "Enter the tracking number."),
    ("AB1", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("A B C", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("A" * 41, "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("AB12/34", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("ＡＢ１２３４", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("AB12\n34", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("<script>x</script>", "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
    ("x" * 5000, "Enter 4 to 40 letters, digits or dashes, as the carrier gave it."),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_tracking_number_is_refused_beside_the_field(shop, tracking, message, lang):
    number = shop.place()
    before = state(shop.app)
    response = ship(shop, number, lang=lang, tracking_number=tracking)
    page = page_text(response)
    assert response.status_code == 422
    assert field_error(page, "tracking_number") == translated(shop.app, lang, message)
    assert state(shop.app) == before
    if tracking.strip() and len(tracking) < 100:
        assert input_value(response.get_data(as_text=True), "tracking_number") == tracking.strip()  # kept


@pytest.mark.parametrize("carrier", ["Kite Couriers", "", CARRIER.lower(), CARRIER + "\r\nBcc: x@y.z"])
def test_only_the_logistics_company_of_the_policy_can_be_the_carrier(shop, carrier):
    number = shop.place()
    before = state(shop.app)
    response = ship(shop, number, lang="zh", carrier=carrier)
    assert response.status_code == 422
    assert field_error(page_text(response), "carrier")
    assert state(shop.app) == before


def test_the_service_refuses_another_carrier_too(shop):
    number = shop.place()
    with shop.app.test_request_context("/en/"):
        order = db.session.scalar(select(Order).where(Order.number == number))
        with pytest.raises(fulfilment.BadInput):
            fulfilment.ship(order, carrier="Kite Couriers", tracking_number="ABCD1234", staff_id=shop.staff.id)
        with pytest.raises(fulfilment.BadInput):
            fulfilment.ship(order, carrier=CARRIER, tracking_number="ab 12", staff_id=shop.staff.id)
        assert db.session.scalar(select(func.count()).select_from(Disclosure).where(
            Disclosure.recipient == "logistics")) == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shipping_twice_is_refused_with_the_reason_and_hands_over_nothing_more(shop, lang):
    number = shipped_order(shop)
    before = state(shop.app)
    response = ship(shop, number, lang=lang, client=shop.as_owner)
    assert response.status_code == 409
    assert refusal(shop.app, lang, "Only a paid order can be shipped. Status of this order: %(status)s.",
                   "Shipped") in page_text(response)
    assert state(shop.app) == before


def test_two_staff_shipping_at_once_hand_over_exactly_once(shop, outbox):
    number = shop.place()
    barrier = threading.Barrier(2)

    def post(client):
        barrier.wait(timeout=30)
        return ship(shop, number, client=client).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(post, [shop.as_staff, shop.as_owner]))
    assert statuses == [303, 409]
    assert len(rows(shop.app, Disclosure, Disclosure.recipient == "logistics")) == 1
    assert len(outbox(template="order_shipped")) == 1
    assert [e.status for e in events_of(shop.app, number)] == ["placed", "paid", "shipped"]


def test_the_conditional_update_stops_a_step_read_before_another_request_made_it(shop):
    number = shop.place()
    with shop.app.test_request_context("/en/"):
        order = db.session.scalar(select(Order).where(Order.number == number))
        # Another worker ships the order after this one read it (here: behind the ORM's back).
        db.session.execute(text("UPDATE shop_order SET status = 'shipped' WHERE id = :id"), {"id": order.id})
        assert order.status == "paid"
        with pytest.raises(fulfilment.WrongStatus):
            fulfilment.ship(order, carrier=CARRIER, tracking_number="ABCD1234", staff_id=shop.staff.id)
        assert db.session.scalar(select(func.count()).select_from(Disclosure).where(
            Disclosure.recipient == "logistics")) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.template == "order_shipped")) == 0
        db.session.rollback()


def test_an_erased_order_cannot_be_shipped(shop):
    number = shop.place()
    erase(shop.app, number)
    page = shop.as_staff.get(f"/en/admin/orders/{number}").text
    assert f"/orders/{number}/ship" not in page
    assert "Personal data erased" in page_text(shop.as_staff.get("/en/admin/orders"))
    before = state(shop.app)
    response = ship(shop, number, lang="zh")
    assert response.status_code == 409
    assert translated(shop.app, "zh", "The personal data of this order was erased, so there is no address to ship "
                                      "it to.") in page_text(response)
    assert state(shop.app) == before


# Delivery, cancellation, refunds --------------------------------------------------------------------


def test_delivering_a_shipped_order(shop, outbox):
    number = shipped_order(shop, lang="zh", email="zh@example.com")
    response = shop.as_staff.post(f"/en/admin/orders/{number}/deliver")
    assert response.status_code == 303
    assert order_of(shop.app, number).status == "delivered"
    event = events_of(shop.app, number)[-1]
    assert (event.status, event.staff_id) == ("delivered", shop.staff.id)
    [mail] = outbox(template="order_delivered")
    assert (mail.recipient, mail.locale) == ("zh@example.com", "zh")
    assert mail.subject == translated(shop.app, "zh", "Your order %(number)s has been delivered", number=number)


@pytest.mark.parametrize("status", ["paid", "delivered", "cancelled"])
def test_only_a_shipped_order_can_be_delivered(shop, status):
    number = shop.place()
    if status == "delivered":
        ship(shop, number)
        shop.as_staff.post(f"/en/admin/orders/{number}/deliver")
    if status == "cancelled":
        cancel(shop, number)
    before = state(shop.app)
    response = shop.as_staff.post(f"/zh/admin/orders/{number}/deliver")
    assert response.status_code == 409
    assert refusal(shop.app, "zh", "Only a shipped order can be marked delivered. Status of this order: %(status)s.",
                   status.capitalize()) in page_text(response)
    assert state(shop.app) == before


def cancel(shop, number, lang="en", client=None, **data):
    form = {"reason": "The lens failed our final inspection.", "confirm_cancel": "y", **data}
    return (client or shop.as_staff).post(f"/{lang}/admin/orders/{number}/cancel", data=form)


def payment_of(app, number: str) -> SimpleNamespace:
    [payment] = rows(app, Payment, Payment.order_id == order_of(app, number).id)
    return payment


def test_cancelling_a_paid_order_restocks_refunds_and_tells_the_customer(shop, make_product, outbox):
    other = make_product(price=Decimal("12.00"), stock=7)
    number = shop.place(shop.product, other, quantity="2", lang="zh", email="sorry@example.com")
    assert (stock_of(shop.app, shop.product), stock_of(shop.app, other)) == (3, 5)
    reference = payment_of(shop.app, number).reference

    response = cancel(shop, number, reason="  The lens failed\nour final inspection.  ")
    assert response.status_code == 303
    assert order_of(shop.app, number).status == "cancelled"
    assert (stock_of(shop.app, shop.product), stock_of(shop.app, other)) == (5, 7)
    payment = payment_of(shop.app, number)
    assert payment.status == "refunded" and payment.refunded_at is not None
    with shop.app.app_context():
        processor = get_processor()
        assert processor.payments[reference]["state"] == "refunded"
        assert [op for op, _key in processor.calls].count("refund") == 1
    event = events_of(shop.app, number)[-1]
    assert (event.status, event.staff_id, event.note) == ("cancelled", shop.staff.id,
                                                          "The lens failed our final inspection.")
    [mail] = outbox(template="order_cancelled")
    assert (mail.recipient, mail.locale) == ("sorry@example.com", "zh")
    assert "The lens failed our final inspection." in mail.body_text
    assert "US$92.00" in mail.body_text  # 2 × 30 + 2 × 12 + 8 shipping, refunded, in Chinese formatting


def test_cancelling_restocks_what_still_exists_when_a_product_was_deleted(shop, make_product):
    gone = make_product(stock=3)
    number = shop.place(shop.product, gone)
    with shop.app.app_context():
        db.session.execute(text("DELETE FROM product WHERE id = :id"), {"id": gone.id})
        db.session.commit()
    assert cancel(shop, number).status_code == 303
    assert stock_of(shop.app, shop.product) == 5
    assert order_of(shop.app, number).status == "cancelled"


@pytest.mark.parametrize("data, field, message", [
    ({"reason": ""}, "reason", "Write why the order is cancelled: the customer reads it."),
    ({"reason": "   "}, "reason", "Write why the order is cancelled: the customer reads it."),
    ({"reason": "x" * 301}, "reason", "Enter at most %(max)d characters."),
    ({"confirm_cancel": ""}, "confirm_cancel", "Tick the box to confirm."),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cancellation_needs_a_reason_and_a_confirmation(shop, data, field, message, lang):
    number = shop.place()
    before = state(shop.app)
    response = cancel(shop, number, lang=lang, **data)
    assert response.status_code == 422
    assert field_error(page_text(response), field) == translated(shop.app, lang, message, max=300)
    assert state(shop.app) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_shipped_order_cannot_be_cancelled(shop, lang):
    number = shipped_order(shop)
    before = state(shop.app)
    response = cancel(shop, number, lang=lang, client=shop.as_owner)
    assert response.status_code == 409
    assert refusal(shop.app, lang, "Only an order that has not been shipped can be cancelled. Status of this order: "
                                   "%(status)s.", "Shipped") in page_text(response)
    assert state(shop.app) == before


def test_a_processor_failure_on_refund_rolls_everything_back(shop, monkeypatch):
    number = shop.place()
    shipped = shipped_order(shop)
    with shop.app.app_context():
        processor = get_processor()

    def down(*args, **kwargs):
        raise ProcessorUnavailable()

    monkeypatch.setattr(processor, "refund", down)
    before = state(shop.app)
    refused = cancel(shop, number, lang="zh")
    assert refused.status_code == 503
    assert translated(shop.app, "zh", "The card processor could not make the refund, so nothing was changed. Please "
                                      "try again later.") in page_text(refused)
    assert shop.as_owner.post(f"/en/admin/orders/{shipped}/refund", data={"confirm_refund": "y"}).status_code == 503
    assert state(shop.app) == before
    assert stock_of(shop.app, shop.product) == 3


def test_the_owner_refunds_a_returned_order(shop, outbox):
    number = shipped_order(shop, email="return@example.com")
    shop.as_staff.post(f"/en/admin/orders/{number}/deliver")
    reference = payment_of(shop.app, number).reference
    stock = stock_of(shop.app, shop.product)
    response = shop.as_owner.post(f"/en/admin/orders/{number}/refund", data={"confirm_refund": "y"})
    assert response.status_code == 303
    assert order_of(shop.app, number).status == "refunded"
    assert payment_of(shop.app, number).status == "refunded"
    with shop.app.app_context():
        assert get_processor().payments[reference]["state"] == "refunded"
    assert stock_of(shop.app, shop.product) == stock  # a return is checked before it goes back on sale
    event = events_of(shop.app, number)[-1]
    assert (event.status, event.staff_id) == ("refunded", shop.owner.id)
    [mail] = outbox(template="order_refunded")
    assert mail.recipient == "return@example.com" and "$38.00" in mail.body_text


def test_staff_cannot_refund(shop):
    number = shipped_order(shop)
    before = state(shop.app)
    assert shop.as_staff.post(f"/en/admin/orders/{number}/refund", data={"confirm_refund": "y"}).status_code == 403
    assert state(shop.app) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refund_needs_the_confirmation_and_a_shipped_order(shop, lang):
    paid = shop.place()
    shipped = shipped_order(shop)
    before = state(shop.app)
    unconfirmed = shop.as_owner.post(f"/{lang}/admin/orders/{shipped}/refund", data={})
    assert unconfirmed.status_code == 422
    assert field_error(page_text(unconfirmed), "confirm_refund") == translated(
        shop.app, lang, "Tick the box to confirm.")
    too_early = shop.as_owner.post(f"/{lang}/admin/orders/{paid}/refund", data={"confirm_refund": "y"})
    assert too_early.status_code == 409
    assert refusal(shop.app, lang, "Only a shipped or delivered order can be refunded as a return. Status of this "
                                   "order: %(status)s.", "Paid") in page_text(too_early)
    assert state(shop.app) == before


def test_an_erased_order_changes_status_without_email(shop, outbox):
    number = shipped_order(shop)
    cancelled = shop.place()
    erase(shop.app, number)
    erase(shop.app, cancelled)
    sent = len(outbox())
    delivered = shop.as_staff.post(f"/en/admin/orders/{number}/deliver")
    assert delivered.status_code == 303
    assert "No email was sent" in page_text(shop.as_staff.get(delivered.headers["Location"]))
    assert cancel(shop, cancelled).status_code == 303
    assert shop.as_owner.post(f"/en/admin/orders/{number}/refund", data={"confirm_refund": "y"}).status_code == 303
    assert (order_of(shop.app, number).status, order_of(shop.app, cancelled).status) == ("refunded", "cancelled")
    assert len(outbox()) == sent
    [audit_row] = rows(shop.app, AuditEntry, AuditEntry.action == "disclosure")  # from the shipping, before erasure
    assert audit_row.detail == number


# The customer's order page -----------------------------------------------------------------------------


def test_the_customer_sees_carrier_tracking_and_the_history_with_notes(shop, client):
    number = shipped_order(shop, lang="zh")
    cancelled = shop.place()
    cancel(shop, cancelled, reason="Sold out at the supplier.")
    with shop.app.test_request_context():
        token = order_link_token(SimpleNamespace(number=number))
        other_token = order_link_token(SimpleNamespace(number=cancelled))
    page = page_text(client.get(f"/zh/orders/{number}?token={token}"))
    assert CARRIER in page and "1Z999AA1" in page
    history = page.split('class="order-history"', 1)[1].split("</ol>", 1)[0]
    labels = [translated(shop.app, "zh", label) for label in ("Placed", "Paid", "Shipped")]
    assert [history.index(label) for label in labels] == sorted(history.index(label) for label in labels)
    assert f"{CARRIER} · 1Z999AA1" in history
    assert "staff@example.com" not in page  # who made a step is for the shop only
    page = page_text(client.get(f"/en/orders/{cancelled}?token={other_token}"))
    assert "Sold out at the supplier." in page and "Cancelled" in page
    assert "Tracking number" not in page


# The shipping manifest -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_manifest_holds_exactly_the_fields_handed_over(shop):
    number = shipped_order(shop, email="manifest@example.com", quantity="2")
    response = shop.as_staff.get(f"/en/admin/orders/{number}/manifest.csv")
    assert f'filename="manifest-{number}.csv"' in response.headers["Content-Disposition"]
    header, row = read_csv(response)
    assert header == ["Order number", "Carrier", "Tracking number", "Name", "Address line 1", "Address line 2",
                      "District", "City", "Region", "Postal code", "Country", "Phone", "Email address", "Items"]
    assert row == [number, CARRIER, "1Z999AA1", "Ada Lovelace", "1 Market Street", "Suite 5", "", "San Francisco",
                   "CA", "94105", "US", "'+14155550132", "manifest@example.com", "2"]
    [export] = rows(shop.app, AuditEntry, AuditEntry.action == "export")
    assert (export.actor_id, export.detail, export.subject) == (
        shop.staff.id, f"manifest-{number}.csv", email_digest("manifest@example.com"))
    zh_header = read_csv(shop.as_staff.get(f"/zh/admin/orders/{number}/manifest.csv"))[0]
    assert zh_header[0] == translated(shop.app, "zh", "Order number")


def test_an_order_not_shipped_or_erased_has_no_manifest(shop):
    paid = shop.place()
    erased = shipped_order(shop)
    erase(shop.app, erased)
    for number in (paid, erased):
        assert shop.as_staff.get(f"/en/admin/orders/{number}/manifest.csv").status_code == 404
    assert rows(shop.app, AuditEntry, AuditEntry.action == "export") == []


INJECTIONS = {"recipient": "=HYPERLINK(\"http://evil.example\",\"x\")", "line1": "+SUM(1,2)", "line2": "-2+3",
              "city": "@cmd", "region": "\tTAB", "postal_code": "=1"}


def test_manifest_cells_that_would_start_a_formula_are_quoted(shop):
    number = shipped_order(shop, **INJECTIONS)
    header, row = read_csv(shop.as_staff.get(f"/en/admin/orders/{number}/manifest.csv"))
    cells = dict(zip(header, row))
    assert cells["Name"] == "'" + INJECTIONS["recipient"]
    assert cells["Address line 1"] == "'+SUM(1,2)" and cells["Address line 2"] == "'-2+3"
    assert cells["City"] == "'@cmd" and cells["Postal code"] == "'=1"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in row)


def test_the_day_manifest_lists_the_orders_shipped_that_utc_day(shop):
    today = utcnow().date()
    first = shipped_order(shop, email="one@example.com")
    second = shipped_order(shop, email="two@example.com")
    yesterday = shipped_order(shop, email="three@example.com")
    not_shipped = shop.place(email="four@example.com")
    with shop.app.app_context():
        db.session.execute(update(OrderEvent).where(
            OrderEvent.order_id == select(Order.id).where(Order.number == yesterday).scalar_subquery(),
            OrderEvent.status == "shipped").values(created_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    response = shop.as_staff.get(f"/en/admin/orders/manifest.csv?day={today.isoformat()}")
    assert f'filename="manifest-{today.isoformat()}.csv"' in response.headers["Content-Disposition"]
    header, *lines = read_csv(response)
    assert [line[0] for line in lines] == [first, second]
    assert not_shipped not in response.text and yesterday not in response.text
    exports = rows(shop.app, AuditEntry, AuditEntry.action == "export")
    assert [e.subject for e in exports] == [email_digest("one@example.com"), email_digest("two@example.com")]
    assert shop.as_staff.get("/en/admin/orders/manifest.csv").data == response.data  # today by default

    header, *lines = read_csv(shop.as_staff.get("/en/admin/orders/manifest.csv?day=2001-01-01"))
    assert lines == []
    assert rows(shop.app, AuditEntry, AuditEntry.action == "export")[-1].detail == "manifest-2001-01-01.csv"


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "26-01-01", "2026-1-1", "yesterday", "", " ",
                                 "２０２６-01-01", "2026-01-01\x00", "' OR 1=1 --", "9" * 2000, "0000-01-01"])
def test_a_malformed_day_for_the_manifest_is_400(shop, day):
    shipped_order(shop)
    before = state(shop.app)
    assert shop.as_staff.get("/en/admin/orders/manifest.csv", query_string={"day": day}).status_code == 400
    assert state(shop.app) == before


# The packing slip ----------------------------------------------------------------------------------------


def test_the_packing_slip_in_the_admins_language(shop):
    number = shop.place(lang="zh", quantity="3")
    response = shop.as_staff.get(f"/en/admin/orders/{number}/packing-slip")
    page = page_text(response)
    assert response.status_code == 200
    slip = page.split('class="packing-slip"', 1)[1].split("</article>", 1)[0]
    for value in (shop.app.config["SHOP_NAME"], shop.app.config["SHOP_ADDRESS"], number, "Packing slip",
                  ADDRESS["recipient"], ADDRESS["line1"], ADDRESS["city"], "LENS-50", "Ship to"):
        assert value in slip, value
    assert "<td>3</td>" in slip
    assert "$" not in slip  # no prices on a slip that travels in the parcel
    [row] = rows(shop.app, AuditEntry, AuditEntry.action == "customer.view")
    assert (row.actor_id, row.detail) == (shop.staff.id, number)
    zh = page_text(shop.as_staff.get(f"/zh/admin/orders/{number}/packing-slip"))
    assert 'lang="zh-Hans"' in zh and translated(shop.app, "zh", "Quantity") in zh


def test_printing_the_packing_slip_hides_the_header_footer_and_menu():
    css = SHOP_CSS.read_text()
    printing = css[css.index("@media print"):]
    rules = printing[:printing.index("}")]
    for selector in (".site-header", ".site-footer", ".account-menu", ".no-print"):
        assert selector in rules


# Stored markup from customers ----------------------------------------------------------------------------

XSS = {"recipient": "<script>alert('name')</script>", "line1": "<img src=x onerror=alert('line1')>",
       "city": "\"><svg onload=alert('city')>", "email": "xss@example.com"}
RAW = ("<script>alert", "<img src=x", "<svg onload")


def test_customer_markup_is_inert_in_the_list_detail_slip_and_csv(shop):
    number = shipped_order(shop, **XSS)
    pages = {
        "list": shop.as_staff.get("/en/admin/orders"),
        "detail": shop.as_staff.get(f"/en/admin/orders/{number}"),
        "slip": shop.as_staff.get(f"/en/admin/orders/{number}/packing-slip"),
    }
    for name, response in pages.items():
        raw = response.get_data(as_text=True)
        assert response.status_code == 200
        for fragment in RAW:
            assert fragment not in raw, (name, fragment)
        assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in raw, name
        if name != "list":
            assert "&lt;img src=x onerror=alert(&#39;line1&#39;)&gt;" in raw, name
        assert "&#34;&gt;&lt;svg onload=alert(&#39;city&#39;)&gt;" in raw, name
    manifest = shop.as_staff.get(f"/en/admin/orders/{number}/manifest.csv")
    header, row = read_csv(manifest)
    assert manifest.mimetype == "text/csv"  # a download, never rendered as a page
    assert dict(zip(header, row))["Name"] == XSS["recipient"]


# NUL and other control characters: PostgreSQL text columns refuse NUL -------------------------------------


def test_control_characters_in_a_cancellation_reason_are_dropped_never_500(shop, outbox):
    number = shop.place()
    response = cancel(shop, number, reason="\x00The lens\x01 failed\x00\r\nour final\tinspection.\x00")
    assert response.status_code == 303
    event = events_of(shop.app, number)[-1]
    assert (event.status, event.note) == ("cancelled", "The lens failed our final inspection.")
    [mail] = outbox(template="order_cancelled")
    assert "\x00" not in mail.body_text and "The lens failed our final inspection." in mail.body_text


@pytest.mark.parametrize("reason", ["\x00", "\x00 \x01\x1f"])
def test_a_reason_of_control_characters_only_is_no_reason(shop, reason):
    number = shop.place()
    before = state(shop.app)
    response = cancel(shop, number, reason=reason)
    assert response.status_code == 422
    assert field_error(page_text(response), "reason") == "Write why the order is cancelled: the customer reads it."
    assert state(shop.app) == before


@pytest.mark.parametrize("query", ["\x00", "SF-\x00", "\x00SF-2222-2222\x00", "staff@example.com\x00"])
def test_a_search_with_nul_bytes_never_500(shop, query):
    shop.place()
    response = shop.as_staff.get("/en/admin/orders", query_string={"q": query})
    assert response.status_code == 200
    assert "\x00" not in response.get_data(as_text=True)
