"""Fixtures: an app on a fresh copy of the migrated schema, its clients, and factories for catalogue rows."""

import contextlib
import os
import shutil
import socket
from decimal import Decimal
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, select, text

from storefront import create_app
from storefront.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
from storefront.account.models import User
from storefront.database import utcnow
from storefront.extensions import db
from storefront.security import hash_password
from tests.mailserver import Inbox

PG_URL = os.environ.get("STOREFRONT_TEST_DATABASE_URL")
# Tables the migrations fill with data (0005: privacy policy version 1), parents first: between tests
# on PostgreSQL they go back to the migrated rows instead of being emptied.
SEEDED: dict[str, list[int]] = {"policy_version": [], "policy_text": []}
TEST_DATA_KEY = "Vj3LbT0Ic9DmXN2Yk8qY3Iu5tWr1oRkqS8m7eB0cQ8A="

BASE_CONFIG = {
    "TESTING": True,
    "DEV": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "DATA_KEYS": TEST_DATA_KEY,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "BASE_URL": "http://shop.test",
    "DEFAULT_LOCALE": "en",
    "CURRENCY": "USD",
}


def make_config(tmp_path, **overrides) -> dict:
    return {**BASE_CONFIG, "UPLOAD_DIR": str(tmp_path / "uploads"), "MAIL_DIR": str(tmp_path / "mail"), **overrides}


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """The schema built once by the migrations, as production gets it (never create_all)."""
    if PG_URL:
        app = create_app({**BASE_CONFIG, "DATABASE_URL": PG_URL})
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            upgrade()
            for name in SEEDED:
                SEEDED[name] = list(db.session.scalars(select(db.metadata.tables[name].c.id)))
            db.session.remove()
            db.engine.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def database_url(template_database, tmp_path):
    """A database with the migrated schema for one test: a copy of the SQLite template, or PostgreSQL emptied after."""
    if not PG_URL:
        path = tmp_path / "shop.db"
        shutil.copy(template_database, path)
        yield f"sqlite:///{path}"
        return
    yield PG_URL
    engine = create_engine(PG_URL)
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables if table.name not in SEEDED)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # Tables a data migration fills keep exactly the migrated rows (children first).
        for name, ids in reversed(list(SEEDED.items())):
            connection.execute(db.metadata.tables[name].delete().where(db.metadata.tables[name].c.id.not_in(ids)))
    engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(tmp_path, DATABASE_URL=database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path, database_url):
    """Builds extra apps with other settings; their connections are closed afterwards."""
    apps = []

    def make(**overrides):
        app = create_app(make_config(tmp_path, **{"DATABASE_URL": database_url, **overrides}))
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def make_category(app):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> SimpleNamespace:
        n = next(counter)
        en = overrides.pop("en", {"name": f"Category {n}", "description": f"About category {n}"})
        zh = overrides.pop("zh", {"name": f"类别{n}", "description": f"类别{n}的介绍"})
        with app.app_context():
            category = Category(slug=overrides.pop("slug", f"category-{n}"), position=n, **overrides)
            for locale, texts in (("en", en), ("zh", zh)):
                if texts:
                    category.translations[locale] = CategoryTranslation(locale=locale, **texts)
            db.session.add(category)
            db.session.commit()
            return SimpleNamespace(id=category.id, slug=category.slug)

    return make


@pytest.fixture
def make_product(app):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> SimpleNamespace:
        n = next(counter)
        en = overrides.pop("en", {"name": f"Product {n}", "summary": f"Summary {n}", "description": f"Text {n}"})
        zh = overrides.pop("zh", {"name": f"商品{n}", "summary": f"简介{n}", "description": f"说明{n}"})
        category = overrides.pop("category", None)
        values = {"slug": f"product-{n}", "sku": f"SKU-{n:04d}", "price": Decimal("10.00"), "stock": 5, **overrides}
        with app.app_context():
            product = Product(category_id=category.id if category else None, translations={}, images=[], **values)
            for locale, texts in (("en", en), ("zh", zh)):
                if texts:
                    product.translations[locale] = ProductTranslation(locale=locale, **texts)
            db.session.add(product)
            db.session.commit()
            return SimpleNamespace(id=product.id, slug=product.slug, sku=product.sku, price=product.price)

    return make


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """Creates an account (confirmed unless told otherwise); returns its id and email."""
    counter = iter(range(1, 10_000))

    def make(**overrides) -> SimpleNamespace:
        n = next(counter)
        password = overrides.pop("password", PASSWORD)
        confirmed = overrides.pop("confirmed", True)
        values = {"email": f"customer{n}@example.com", "preferred_locale": "en", **overrides}
        with app.app_context():
            user = User(password_hash=hash_password(password), **values)
            if confirmed:
                user.email_confirmed_at = utcnow()
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, password=password)

    return make


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, lang: str = "en", **extra):
        return self.client.post(f"/{lang}/account/login", data={"email": email, "password": password, **extra})

    def logout(self, lang: str = "en"):
        return self.client.post(f"/{lang}/account/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def signed_in(make_user, auth):
    """A confirmed customer, signed in on `client`."""
    user = make_user()
    assert auth.login(user.email).status_code == 303
    return user


@pytest.fixture
def outbox(app):
    """The queued and sent email rows, oldest first, as plain namespaces."""
    from storefront.notifications.models import OutboxMessage

    def read(**filters) -> list[SimpleNamespace]:
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id))
            return [SimpleNamespace(**{c.name: getattr(row, c.name) for c in OutboxMessage.__table__.columns})
                    for row in rows]

    return read


@pytest.fixture
def smtp_port() -> int:
    # aiosmtpd cannot report a port it was given as 0, so find a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(smtp_port):
    """start(handler=None, **smtp_options) runs an SMTP server on 127.0.0.1:smtp_port and returns its handler."""
    controllers = []

    def start(handler=None, **smtp_options):
        handler = handler or Inbox()
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_port, **smtp_options)
        controller.start()
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements run inside the `with` block: `with count_queries() as counted: ...; counted()`."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
