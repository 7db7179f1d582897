"""Helpers shared by the admin tests: signed-in clients, snapshots of what a request may change."""

import html
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from flask_babel import force_locale, gettext
from sqlalchemy import select

from storefront.account.models import User
from storefront.cart.models import Order
from storefront.extensions import db
from storefront.privacy.audit import AuditEntry
from tests.cart.conftest import checkout_form, checkout_token
from tests.conftest import PASSWORD

LOCALES = {"en": "en", "zh": "zh_Hans_CN"}


def sign_in(app, email: str, password: str = PASSWORD, lang: str = "en", **extra):
    """A new client of `app`, signed in as `email`."""
    client = app.test_client()
    response = client.post(f"/{lang}/account/login", data={"email": email, "password": password, **extra})
    assert response.status_code == 303, response.status_code
    return client


def client_as(world, role: str):
    """A new client of the world's app, anonymous or signed in as the world's account of that role.

    A world shared by a module's cases (one with `sign_ins`, see `shared`) signs each role in once and gives
    every case a new client holding that sign-in's cookies: each case still starts as just signed in, without
    another argon2 verification per case."""
    if role == "anonymous":
        return world.app.test_client()
    sign_ins = getattr(world, "sign_ins", None)
    if sign_ins is None:
        return sign_in(world.app, getattr(world, role).email)
    if role not in sign_ins:  # the test client has no public way to copy its cookie jar
        sign_ins[role] = dict(sign_in(world.app, getattr(world, role).email)._cookies)
    client = world.app.test_client()
    client._cookies.update(sign_ins[role])
    return client


def shared(world):
    """Marks a world as shared by a module's cases: its sign-ins are kept for the next case (client_as)."""
    world.sign_ins = {}
    return world


def world_for(request, expected: int | None):
    """The world a matrix case runs in. A case whose request succeeds in changing the world (a 303 after a
    POST) gets a world of its own (the module's `world` fixture), so no case sees another's change; every
    other case (refused, or a page that only reads: each case still compares the state before and after
    its own request) runs in the module's `shared_world`, built once."""
    return request.getfixturevalue("world" if expected == 303 else "shared_world")


def checkout(client, product, **overrides) -> None:
    """One of `product` put in the cart and bought at the checkout, as the `buy` fixture does, on any client
    (for worlds built outside a test's own app)."""
    assert client.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"}).status_code == 303
    assert client.post("/en/checkout", data=checkout_form(checkout_token(client), **overrides)).status_code == 303


def guest_orders(app, product, *emails: str) -> list[str]:
    """Orders of one `product` by guests with these emails; returns every order number, oldest first."""
    guest = app.test_client()
    for email in emails:
        checkout(guest, product, email=email)
    with app.app_context():
        return list(db.session.scalars(select(Order.number).order_by(Order.id)))


def accounts(app) -> dict[int, tuple[str, str, str]]:
    """Every account: id → (email, role, session nonce)."""
    with app.app_context():
        return {u.id: (u.email, u.role, u.session_nonce) for u in db.session.scalars(select(User))}


def role_of(app, user_id: int) -> str | None:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.role if user else None


def audit_rows(app) -> list[SimpleNamespace]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [SimpleNamespace(**{c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns}) for row in rows]


def snapshot(app):
    """What an admin request may change: the accounts (roles, sessions) and the audit log."""
    return accounts(app), [vars(row) for row in audit_rows(app)]


def translated(app, lang: str, msgid: str, **variables) -> str:
    """The message as the app shows it in that language."""
    with app.test_request_context(f"/{lang}/"), force_locale(LOCALES[lang]):
        return gettext(msgid, **variables)


def field_error(page: str, field: str) -> str | None:
    """The text of the error shown next to a field, or None."""
    match = re.search(rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def input_value(page: str, field: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{re.escape(field)}"[^>]*>', page)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def csrf_token_of(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1) or match.group(2)


def sign_in_target(location: str, lang: str) -> dict[str, list[str]] | None:
    """The query of a redirect to the sign-in page in that language, or None if it goes elsewhere."""
    parts = urlsplit(location)
    if parts.netloc not in ("", "localhost") or parts.path != f"/{lang}/account/login":
        return None
    return parse_qs(parts.query)


def assert_sent_to_sign_in(response, path: str, method: str, lang: str) -> None:
    """An anonymous request to the admin: redirected to sign-in, back to the page (a GET) or to no admin
    action at all (a refused POST cannot be come back to)."""
    assert response.status_code in (302, 303)
    target = sign_in_target(response.headers["Location"], lang)
    assert target is not None, response.headers["Location"]
    if method == "GET":
        assert target.get("next") == [path]
    else:
        assert all(not value.startswith(f"/{lang}/admin/") for value in target.get("next", []))


def assert_forbidden_page(app, response, lang: str) -> None:
    """The translated 403 page, in the request's language."""
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert translated(app, lang, "You do not have permission to see this page.") in page
    assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
