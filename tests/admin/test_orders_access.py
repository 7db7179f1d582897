"""The access matrix of the order pages: every URL, GET and POST, as anonymous, customer, staff and owner."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from storefront.cart import fulfilment
from storefront.cart.models import Order, OrderEvent
from storefront.catalog.models import Product
from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.payments.models import Payment
from storefront.privacy.audit import AuditEntry
from storefront.privacy.disclosures import Disclosure
from tests.admin import (
    assert_forbidden_page, assert_sent_to_sign_in, client_as, csrf_token_of, guest_orders, shared, world_for,
)
from tests.conftest import product_maker, user_maker

LANGS = ("en", "zh")
ROLES = ("anonymous", "customer", "staff", "owner")
CARRIER = "Swift Parcel Logistics"  # the default STOREFRONT_LOGISTICS_COMPANY


def build_world(app) -> SimpleNamespace:
    """Owner, staff and a customer; a paid order and a shipped one (both guests', bought at the checkout)."""
    make_user = user_maker(app)
    w = SimpleNamespace(app=app, owner=make_user(role="owner", email="owner@example.com"),
                        staff=make_user(role="staff", email="staff@example.com"),
                        customer=make_user(email="customer@example.com"))
    w.paid, w.shipped = guest_orders(app, product_maker(app)(stock=10), "paid@example.com", "shipped@example.com")
    with app.test_request_context("/en/"):
        order = db.session.scalar(select(Order).where(Order.number == w.shipped))
        fulfilment.ship(order, carrier=CARRIER, tracking_number="TRACK1234", staff_id=w.staff.id)
        db.session.commit()
    return w


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture(scope="module")
def shared_world(module_app):
    """The world of the cases that change nothing, built once for the module."""
    return shared(build_world(module_app))


# name → (method, path template, form data); {paid} and {shipped} are order numbers, {today} a UTC day.
REQUESTS = {
    "orders": ("GET", "/{lang}/admin/orders", None),
    "orders filtered": ("GET", "/{lang}/admin/orders?status=paid&day_from=2026-01-01&q=SF&page=1", None),
    "order": ("GET", "/{lang}/admin/orders/{paid}", None),
    "ship": ("POST", "/{lang}/admin/orders/{paid}/ship", {"carrier": CARRIER, "tracking_number": "1Z 999 AA1"}),
    "deliver": ("POST", "/{lang}/admin/orders/{shipped}/deliver", {}),
    "cancel": ("POST", "/{lang}/admin/orders/{paid}/cancel", {"reason": "Out of stock.", "confirm_cancel": "y"}),
    "refund": ("POST", "/{lang}/admin/orders/{shipped}/refund", {"confirm_refund": "y"}),
    "order manifest": ("GET", "/{lang}/admin/orders/{shipped}/manifest.csv", None),
    "day manifest": ("GET", "/{lang}/admin/orders/manifest.csv?day={today}", None),
    "packing slip": ("GET", "/{lang}/admin/orders/{paid}/packing-slip", None),
}
OWNER_ONLY = ("refund",)
POSTS = {name for name, (method, _path, _data) in REQUESTS.items() if method == "POST"}
CSV = ("order manifest", "day manifest")
AUDITED = {"order": "customer.view", "packing slip": "customer.view", "order manifest": "export",
           "day manifest": "export"}
# The status each POST leaves its order in.
RESULT = {"ship": ("paid", "shipped"), "deliver": ("shipped", "delivered"), "cancel": ("paid", "cancelled"),
          "refund": ("shipped", "refunded")}

EXPECTED = {
    "customer": dict.fromkeys(REQUESTS, 403),
    "staff": {**dict.fromkeys(REQUESTS, 200), **dict.fromkeys(POSTS, 303), **dict.fromkeys(OWNER_ONLY, 403)},
    "owner": {**dict.fromkeys(REQUESTS, 200), **dict.fromkeys(POSTS, 303)},
}


def state(app) -> dict:
    """Everything an order request may change."""
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
                select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.id))],
        }


def status_of(app, number: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Order.status).where(Order.number == number))


def send(client, world, name: str, lang: str):
    method, template, data = REQUESTS[name]
    path = template.format(lang=lang, paid=world.paid, shipped=world.shipped, today=utcnow().date().isoformat())
    return path, client.open(path, method=method, data=data)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(REQUESTS))
def test_access_matrix(request, role, name, lang):
    world = world_for(request, EXPECTED.get(role, {}).get(name))
    app = world.app
    client = client_as(world, role)
    before = state(app)
    path, response = send(client, world, name, lang)
    assert response.headers.get("Cache-Control") == "no-store"
    method = REQUESTS[name][0]

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

    after = state(app)
    user = getattr(world, role)
    if expected == 200:
        if name in CSV:
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        else:
            assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in response.get_data(as_text=True)
        added = after["audit"][len(before["audit"]):]
        assert added == ([(AUDITED[name], user.id)] if name in AUDITED else [])
        assert {**after, "audit": before["audit"]} == before
        return

    # A step: 303 back to the order, whose status moved as asked and nothing else did.
    number = world.paid if RESULT[name][0] == "paid" else world.shipped
    assert response.headers["Location"] == f"/{lang}/admin/orders/{number}"
    assert status_of(app, number) == RESULT[name][1]
    other = world.shipped if number == world.paid else world.paid
    assert status_of(app, other) == ("shipped" if other == world.shipped else "paid")
    assert after["outbox"] == before["outbox"] + 1


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template", [
    ("POST", "/{lang}/admin/orders"),
    ("POST", "/{lang}/admin/orders/{paid}"),
    ("POST", "/{lang}/admin/orders/{shipped}/manifest.csv"),
    ("POST", "/{lang}/admin/orders/manifest.csv"),
    ("POST", "/{lang}/admin/orders/{paid}/packing-slip"),
    ("GET", "/{lang}/admin/orders/{paid}/ship"),
    ("GET", "/{lang}/admin/orders/{shipped}/deliver"),
    ("GET", "/{lang}/admin/orders/{paid}/cancel"),
    ("GET", "/{lang}/admin/orders/{shipped}/refund"),
])
def test_the_other_method_is_refused_and_changes_nothing(shared_world, role, lang, method, template):
    world = shared_world
    client = client_as(world, role)
    before = state(world.app)
    path = template.format(lang=lang, paid=world.paid, shipped=world.shipped)
    response = client.open(path, method=method, data={"reason": "x", "confirm_cancel": "y"})
    assert response.status_code == 405
    assert state(world.app) == before


def test_without_a_csrf_token_no_step_is_taken(world, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_of(client.get("/en/account/login").get_data(as_text=True))
    signed = client.post("/en/account/login",
                         data={"email": world.owner.email, "password": world.owner.password, "csrf_token": token})
    assert signed.status_code == 303
    before = state(app)
    for name in POSTS:
        _method, template, data = REQUESTS[name]
        path = template.format(lang="en", paid=world.paid, shipped=world.shipped)
        for forged in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={**data, **forged})
            assert response.status_code == 400, (name, forged)
    assert state(app) == before

    # With the page's own token the same step goes through: the 400s above were the token's doing.
    page = client.get(f"/en/admin/orders/{world.paid}").get_data(as_text=True)
    shipped = client.post(f"/en/admin/orders/{world.paid}/ship",
                          data={**REQUESTS["ship"][2], "csrf_token": csrf_token_of(page)})
    assert shipped.status_code == 303 and status_of(app, world.paid) == "shipped"
