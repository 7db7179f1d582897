"""Small shared helpers for the promise tests: a person's browser, reading what the shop stored.

The cart fixtures (`add`, `buy`, `orders`, `product`) are reused from tests/cart/conftest.py.
"""

from types import SimpleNamespace

import pytest
from flask import g
from flask_babel import gettext
from sqlalchemy import select, text

from storefront.extensions import db
from tests.cart.conftest import add, buy, orders, product  # noqa: F401  (fixtures, reused)

CHROME_LINUX = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/126.0.0.0 Safari/537.36")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


class Browser:
    """One person's browser: every request of its test client (also those the `auth` and `buy` helpers
    make on it) carries the same user agent, Accept-Language and IP address."""

    def __init__(self, client, *, user_agent: str = CHROME_LINUX, ip: str = "203.0.113.7",
                 languages: str = "en-GB,en;q=0.9,zh-CN;q=0.8", **headers):
        self.client = client
        client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": user_agent,
                                    "HTTP_ACCEPT_LANGUAGE": languages})
        self.headers = headers  # e.g. Sec-GPC / DNT

    def get(self, path: str, **headers):
        return self.client.get(path, headers={**self.headers, **headers})

    def post(self, path: str, data: dict | None = None, **headers):
        return self.client.post(path, data=data or {}, headers={**self.headers, **headers})

    def choose(self, analytics: str, *, lang: str = "en", source: str = "banner", next: str | None = None):
        """Answer the consent banner (or the settings page) with analytics=yes|no."""
        response = self.post(f"/{lang}/privacy/consent",
                             {"analytics": analytics, "source": source, "next": next or f"/{lang}/"})
        assert response.status_code == 303, response.status_code
        return response

    def accept(self, **options):
        return self.choose("yes", **options)

    def decline(self, **options):
        return self.choose("no", **options)

    def my_data(self) -> dict:
        response = self.get("/en/privacy/my-data.json")
        assert response.status_code == 200
        return response.get_json()

    def cookie(self, name: str) -> str | None:
        cookie = self.client.get_cookie(name)
        return cookie.value if cookie is not None else None


@pytest.fixture
def shopper(client) -> Browser:
    """The default `client` (the one `auth` and `signed_in` use) as a real browser."""
    return Browser(client)


@pytest.fixture
def make_shopper(app):
    """Another person's browser on the same shop: make_shopper(ip=..., user_agent=..., languages=...)."""
    def make(**options) -> Browser:
        return Browser(app.test_client(), **options)

    return make


@pytest.fixture
def rows(app):
    """rows(Model, *conditions) -> the matching rows as plain namespaces (read in a fresh session)."""
    def read(model, *conditions) -> list[SimpleNamespace]:
        with app.app_context():
            found = db.session.scalars(select(model).where(*conditions).order_by(model.__table__.primary_key.columns[0]))
            return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs})
                    for row in found]

    return read


@pytest.fixture
def table_text(app):
    """table_text(*names) -> every row of those tables, as the database holds it, in one string."""
    def dump(*names: str) -> str:
        with app.app_context():
            parts = []
            for name in names:
                parts.extend(repr(tuple(row)) for row in db.session.execute(text(f'SELECT * FROM "{name}"')))
            return "\n".join(parts)

    return dump


@pytest.fixture
def zh_gettext(app):
    """The app's own Chinese translation of a message (translations are being written concurrently)."""
    def translate(message: str, **variables) -> str:
        with app.test_request_context("/zh/"):
            g.lang = "zh"
            return gettext(message, **variables)

    return translate
