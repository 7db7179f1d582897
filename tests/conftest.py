"""Fixtures: an app on a fresh copy of the migrated schema, its clients, and factories for catalogue rows."""

import contextlib
import functools
import os
import shutil
import socket
from decimal import Decimal
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, make_url, select, text
from werkzeug.routing.rules import Rule

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
SEEDED: dict[str, list[int]] = {"policy_version": [], "policy_text": [], "catalog_version": []}
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
    "PAGE_COUNT_FLUSH_SECONDS": 0,  # counters written with every page; the batching has its own tests
}


def make_config(tmp_path, **overrides) -> dict:
    return {**BASE_CONFIG, "UPLOAD_DIR": str(tmp_path / "uploads"), "MAIL_DIR": str(tmp_path / "mail"), **overrides}


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the whole run: every test builds its own app, and each app compiling the
    same templates anew was a large part of the suite's time. A template whose source changed is compiled
    again (Jinja checks the checksum), so what is rendered is what a fresh app renders."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        checksum, code = self.code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = (bucket.checksum, bucket.code)


# One cache per set of compile-time settings, so an app built with other settings never gets another's code.
_COMPILED: dict[tuple, CompiledTemplates] = {}


def share_compiled_templates(app):
    env = app.jinja_env
    settings = (type(env), tuple(sorted(env.extensions)), env.block_start_string, env.block_end_string,
                env.variable_start_string, env.variable_end_string, env.comment_start_string,
                env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
                getattr(env.autoescape, "__func__", env.autoescape), env.finalize,
                env.policies.get("compiler.ascii_str"), env.policies.get("ext.i18n.trimmed"))
    env.bytecode_cache = _COMPILED.setdefault(settings, CompiledTemplates())
    return app


def share_url_builders() -> None:
    """Each rule's URL builder made once for the whole run, not once per app.

    Werkzeug writes and compiles a small Python function per rule and app (two, in fact): for ~100 rules
    that was most of create_app's time, and every test creates an app. The function is werkzeug's own,
    generated from the rule's parts alone and handed the rule as its first argument, so identical rules
    can share it. Rules whose defaults fill a part of the path are left to werkzeug each time (the
    default is baked in through the app's converter)."""
    compile_builder = Rule._compile_builder
    built = {}

    def shared_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = shared_builder


share_url_builders()


def new_app(config: dict):
    """create_app, sharing the compiled templates with the run's other apps."""
    return share_compiled_templates(create_app(config))


def migrate_postgresql(url: str) -> None:
    """An empty public schema upgraded by the migrations; notes the rows they seed (SEEDED)."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        for name in SEEDED:
            SEEDED[name] = list(db.session.scalars(select(db.metadata.tables[name].c.id)))
        db.session.remove()
        db.engine.dispose()


def empty_postgresql(url: str) -> None:
    """Back to the migrated rows: every table emptied but those a data migration fills."""
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables if table.name not in SEEDED)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # Tables a data migration fills keep exactly the migrated rows (children first).
        for name, ids in reversed(list(SEEDED.items())):
            connection.execute(db.metadata.tables[name].delete().where(db.metadata.tables[name].c.id.not_in(ids)))
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """The schema built once by the migrations, as production gets it (never create_all)."""
    if PG_URL:
        migrate_postgresql(PG_URL)
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
    empty_postgresql(PG_URL)


@pytest.fixture(scope="session")
def module_template_database(template_database):
    """Where the module-wide databases live: the SQLite template, or on PostgreSQL a second database beside
    the tests' (named <database>_modules), so that the emptying after each test never reaches them."""
    if not PG_URL:
        yield template_database
        return
    url = make_url(PG_URL)
    name = f"{url.database}_modules"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    modules_url = url.set(database=name).render_as_string(hide_password=False)
    migrate_postgresql(modules_url)
    yield modules_url
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="module")
def module_database_url(module_template_database, tmp_path_factory):
    """A database for a whole module, apart from each test's own: a copy of the SQLite template, or the
    second PostgreSQL database, emptied after the module."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("module") / "shop.db"
        shutil.copy(module_template_database, path)
        yield f"sqlite:///{path}"
        return
    yield module_template_database
    empty_postgresql(module_template_database)


@pytest.fixture
def app(database_url, tmp_path):
    app = new_app(make_config(tmp_path, DATABASE_URL=database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def module_app(module_database_url, tmp_path_factory):
    """One app on one database for a whole module, for a world built once instead of once per test: the
    access matrices' refused requests and read-only pages, lists that many cases only read. A test that
    changes such a world must use its own (`app`) instead."""
    app = new_app(make_config(tmp_path_factory.mktemp("module-files"), DATABASE_URL=module_database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path, database_url):
    """Builds extra apps with other settings; their connections are closed afterwards."""
    apps = []

    def make(**overrides):
        app = new_app(make_config(tmp_path, **{"DATABASE_URL": database_url, **overrides}))
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


def category_maker(app):
    """make(**overrides) adds a category to `app`'s database (the make_category fixture, for any app)."""
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
def make_category(app):
    return category_maker(app)


def product_maker(app):
    """make(**overrides) adds a product to `app`'s database (the make_product fixture, for any app)."""
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


@pytest.fixture
def make_product(app):
    return product_maker(app)


PASSWORD = "correct horse battery staple"


@functools.cache
def password_hash_of(password: str) -> str:
    """One argon2 hash per password for the whole run (a new one per account cost ~30 ms each): the accounts
    the tests make still hold a real argon2 hash, which signing in verifies."""
    return hash_password(password)


def user_maker(app):
    """make(**overrides) creates an account in `app`'s database (confirmed unless told otherwise) and returns
    its id, email and password."""
    counter = iter(range(1, 10_000))

    def make(**overrides) -> SimpleNamespace:
        n = next(counter)
        password = overrides.pop("password", PASSWORD)
        confirmed = overrides.pop("confirmed", True)
        values = {"email": f"customer{n}@example.com", "preferred_locale": "en", **overrides}
        with app.app_context():
            user = User(password_hash=password_hash_of(password), **values)
            if confirmed:
                user.email_confirmed_at = utcnow()
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, password=password)

    return make


@pytest.fixture
def make_user(app):
    """Creates an account (confirmed unless told otherwise); returns its id and email."""
    return user_maker(app)


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
