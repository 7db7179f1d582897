"""Helpers shared by the admin tests: signed-in clients, snapshots of what a request may change."""

import html
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from flask_babel import force_locale, gettext
from sqlalchemy import select

from storefront.account.models import User
from storefront.extensions import db
from storefront.privacy.audit import AuditEntry
from tests.conftest import PASSWORD

LOCALES = {"en": "en", "zh": "zh_Hans_CN"}


def sign_in(app, email: str, password: str = PASSWORD, lang: str = "en", **extra):
    """A new client of `app`, signed in as `email`."""
    client = app.test_client()
    response = client.post(f"/{lang}/account/login", data={"email": email, "password": password, **extra})
    assert response.status_code == 303, response.status_code
    return client


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
