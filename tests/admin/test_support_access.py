"""The support inbox's access matrix: every support URL, GET and POST, as anonymous, customer, staff and owner."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from tests.admin import (
    assert_forbidden_page, assert_sent_to_sign_in, client_as, guest_orders, shared, snapshot, world_for,
)
from tests.conftest import product_maker, user_maker
from tests.support import messages, open_ticket, set_status, tickets

LANGS = ("en", "zh")
ROLES = ("anonymous", "customer", "staff", "owner")


def build_world(app) -> SimpleNamespace:
    """Staff, the owner, a customer with an open and a closed conversation, and a guest's order."""
    make_user = user_maker(app)
    customer = make_user(email="customer@example.com")
    [number] = guest_orders(app, product_maker(app)(price=Decimal("30.00"), stock=5), "guest@example.com")
    order = SimpleNamespace(number=number)
    ticket = open_ticket(app, user_id=customer.id, email=customer.email)
    closed = open_ticket(app, user_id=customer.id, email=customer.email, subject="Old question")
    set_status(app, closed.reference, "closed")
    return SimpleNamespace(
        app=app, customer=customer, order=order, ticket=ticket, closed=closed,
        owner=make_user(role="owner", email="owner@example.com"),
        staff=make_user(role="staff", email="staff@example.com"),
    )


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture(scope="module")
def shared_world(module_app):
    """The world of the cases that change nothing, built once for the module."""
    return shared(build_world(module_app))


# name → (method, path template, form data); {ticket} is an open conversation, {closed} a closed one,
# {order} a guest's order number.
REQUESTS = {
    "support inbox": ("GET", "/{lang}/admin/support", None),
    "support inbox filtered": ("GET", "/{lang}/admin/support?status=open&q=customer%40example.com&page=1", None),
    "support ticket": ("GET", "/{lang}/admin/support/{ticket}", None),
    "support reply": ("POST", "/{lang}/admin/support/{ticket}/reply", {"message": "We are on it."}),
    "support close": ("POST", "/{lang}/admin/support/{ticket}/close", {}),
    "support reopen": ("POST", "/{lang}/admin/support/{closed}/reopen", {}),
    "support new form": ("GET", "/{lang}/admin/support/new?order={order}", None),
    "support new": ("POST", "/{lang}/admin/support/new?order={order}", {"subject": "About your order",
                                                                         "message": "It is delayed."}),
}

# Support is staff work: the owner and staff alike.
EXPECTED = {
    "customer": dict.fromkeys(REQUESTS, 403),
    "staff": {name: 303 if method == "POST" else 200 for name, (method, _path, _data) in REQUESTS.items()},
}
EXPECTED["owner"] = EXPECTED["staff"]


def support_state(app):
    """What a support request may change: the tickets, their messages and the outbox."""
    return ([(t.reference, t.status, t.updated_at) for t in tickets(app)], len(messages(app)),
            _outbox_count(app))


def _outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def send(client, world, name: str, lang: str):
    method, template, data = REQUESTS[name]
    path = template.format(lang=lang, ticket=world.ticket.reference, closed=world.closed.reference,
                           order=world.order.number)
    return path, client.open(path, method=method, data=data)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(REQUESTS))
def test_support_access_matrix(request, role, name, lang):
    world = world_for(request, EXPECTED.get(role, {}).get(name))
    app = world.app
    client = client_as(world, role)
    before, state_before = snapshot(app), support_state(app)
    path, response = send(client, world, name, lang)
    assert response.headers.get("Cache-Control") == "no-store"
    method = REQUESTS[name][0]

    if role == "anonymous":
        assert_sent_to_sign_in(response, path, method, lang)
        assert snapshot(app) == before and support_state(app) == state_before
        return

    expected = EXPECTED[role][name]
    assert response.status_code == expected, (role, name, lang, response.status_code)
    page = response.get_data(as_text=True)
    if expected == 403:
        assert_forbidden_page(app, response, lang)
        assert "Lens cap missing" not in page and world.customer.email not in page
        assert snapshot(app) == before and support_state(app) == state_before
        return

    actor = getattr(world, role)
    if expected == 200:
        assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
        assert support_state(app) == state_before
        accounts_before, audit_before = before
        accounts_after, audit_after = snapshot(app)
        assert accounts_after == accounts_before
        if name == "support ticket":  # a staff view of the customer's data: audited
            assert world.customer.email in page
            assert len(audit_after) == len(audit_before) + 1
            assert (audit_after[-1]["action"], audit_after[-1]["actor_id"]) == ("customer.view", actor.id)
        else:
            assert audit_after == audit_before
        return

    # The POSTs: 303, with exactly the change asked for (and no audit row: they show no personal data).
    assert snapshot(app) == before
    states = {t.reference: t for t in tickets(app)}
    if name == "support reply":
        assert response.headers["Location"] == f"/{lang}/admin/support/{world.ticket.reference}"
        assert states[world.ticket.reference].status == "answered"
        assert messages(app)[-1].staff_id == actor.id
    elif name == "support close":
        assert response.headers["Location"] == f"/{lang}/admin/support"
        assert states[world.ticket.reference].status == "closed"
    elif name == "support reopen":
        assert response.headers["Location"] == f"/{lang}/admin/support/{world.closed.reference}"
        assert states[world.closed.reference].status == "open"
    else:
        [new] = [t for t in tickets(app) if t.reference not in (world.ticket.reference, world.closed.reference)]
        assert response.headers["Location"] == f"/{lang}/admin/support/{new.reference}"
        assert new.opened_by_id == actor.id and new.email == "guest@example.com"
    if name in ("support close", "support reopen"):
        assert support_state(app)[1:] == state_before[1:]  # no message, no email


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, template", [
    ("POST", "/{lang}/admin/support"),
    ("PUT", "/{lang}/admin/support/{ticket}"),
    ("GET", "/{lang}/admin/support/{ticket}/reply"),
    ("GET", "/{lang}/admin/support/{ticket}/close"),
    ("GET", "/{lang}/admin/support/{ticket}/reopen"),
])
def test_the_other_method_is_refused_and_changes_nothing(shared_world, role, lang, method, template):
    world = shared_world
    client = client_as(world, role)
    before, state_before = snapshot(world.app), support_state(world.app)
    path = template.format(lang=lang, ticket=world.ticket.reference)
    assert client.open(path, method=method, data={"message": "x"}).status_code == 405
    assert snapshot(world.app) == before and support_state(world.app) == state_before


def test_without_a_csrf_token_a_staff_post_is_refused_and_changes_nothing(world, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/en/account/login").get_data(as_text=True)).group(1)
    assert client.post("/en/account/login", data={"email": world.staff.email, "password": world.staff.password,
                                                  "csrf_token": token}).status_code == 303
    state_before = support_state(app)
    reference = world.ticket.reference
    for path, data in ((f"/en/admin/support/{reference}/reply", {"message": "Hello"}),
                       (f"/en/admin/support/{reference}/close", {}),
                       (f"/en/admin/support/{world.closed.reference}/reopen", {}),
                       (f"/en/admin/support/new?order={world.order.number}", {"subject": "s", "message": "m"})):
        for extra in ({}, {"csrf_token": "forged"}):
            assert client.post(path, data={**data, **extra}).status_code == 400
    assert support_state(app) == state_before
    page = client.get(f"/en/admin/support/{reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/en/admin/support/{reference}/close", data={"csrf_token": token}).status_code == 303
