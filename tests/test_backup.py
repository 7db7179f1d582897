"""`flask backup PATH`: a consistent copy made while the shop serves, readable as a shop again with the
same data keys; refusing to overwrite; clean errors; pg_dump's command line and a real dump restored."""

import os
import shutil
import sqlite3
import subprocess
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from storefront import backup, create_app
from storefront.account.models import Address
from storefront.cart.models import Order, OrderLine
from storefront.extensions import db
from tests.admin import sign_in
from tests.cart.conftest import ADDRESS, checkout_form, checkout_token
from tests.conftest import make_config
from tests.support import open_ticket

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
GUEST_ADDRESS = {**ADDRESS, "recipient": "李华", "phone": "+86 21 5555 0100", "country": "CN", "region": "上海市",
                 "city": "上海", "district": "浦东新区", "line1": "世纪大道 100 号", "line2": "", "postal_code": "200120"}


def build_shop(app, make_user, make_product) -> SimpleNamespace:
    """Customers with profile and address, a customer's and a guest's order, a support ticket and a
    visit record: every kind of encrypted personal data, written the way the shop writes it."""
    ada = make_user(email="ada@example.com", full_name="Ada Lovelace", phone="+1 415 555 0132", gender="female",
                    birth_date=date(1815, 12, 10))
    with app.app_context():
        address = Address(user_id=ada.id, is_default=True, **ADDRESS)
        db.session.add(address)
        db.session.commit()
        address_id = str(address.id)
    lens, cap = make_product(price=Decimal("30.00"), stock=9), make_product(price=Decimal("4.50"), stock=9)
    customer = sign_in(app, ada.email)
    customer.environ_base["HTTP_USER_AGENT"] = CHROME
    assert customer.post("/en/privacy/consent", data={"analytics": "yes"}).status_code == 303
    assert customer.get("/en/").status_code == 200  # with consent: a visit record (its IP encrypted)
    placed = [place_order(customer, [(lens, 2), (cap, 1)], "en", address_id=address_id)]
    guest = app.test_client()
    placed.append(place_order(guest, [(cap, 3)], "zh", email="li.hua@example.com", **GUEST_ADDRESS))
    ticket = open_ticket(app, user_id=ada.id, email=ada.email, name="Ada Lovelace", subject="Lens cap missing",
                         message="The box had no lens cap.")
    return SimpleNamespace(user=ada, orders=placed, ticket=ticket)


def place_order(client, items, lang: str, **form) -> str:
    for product, quantity in items:
        assert client.post(f"/{lang}/cart/items", data={"product_id": product.id, "quantity": quantity}).status_code == 303
    response = client.post(f"/{lang}/checkout", data=checkout_form(checkout_token(client, lang), **form))
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].split("/orders/")[1].split("?")[0]


def read_shop(app) -> dict[str, list[dict]]:
    """Every row of every model, read through the models (so encrypted fields are decrypted)."""
    with app.app_context():
        shop = {}
        for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.local_table.name):
            keys = [column.key for column in mapper.column_attrs]
            rows = db.session.scalars(select(mapper.class_).order_by(*mapper.primary_key))
            shop[mapper.local_table.name] = [{key: getattr(row, key) for key in keys} for row in rows]
        db.session.remove()
        return shop


def assert_holds_the_shop(shop: dict, built: SimpleNamespace) -> None:
    """The copy holds what build_shop wrote, decrypted (not merely as many rows)."""
    assert [(u["email"], u["full_name"], u["birth_date"]) for u in shop["user"]] == [
        ("ada@example.com", "Ada Lovelace", date(1815, 12, 10))]
    assert [a["line1"] for a in shop["address"]] == ["1 Market Street"]
    orders = {o["number"]: o for o in shop["shop_order"]}
    assert set(orders) == set(built.orders)
    customer, guest = (orders[number] for number in built.orders)
    assert (customer["recipient"], customer["city"], customer["total"]) == ("Ada Lovelace", "San Francisco", Decimal("72.50"))
    assert (guest["email"], guest["recipient"], guest["line1"]) == ("li.hua@example.com", "李华", "世纪大道 100 号")
    assert sorted(line["quantity"] for line in shop["order_line"]) == [1, 2, 3]
    assert [(t["name"], t["subject"]) for t in shop["support_ticket"]] == [("Ada Lovelace", "Lens cap missing")]
    assert [m["body"] for m in shop["support_message"]] == ["The box had no lens cap."]
    assert len(shop["visit_record"]) == 1 and shop["visit_record"][0]["ip"]


@pytest.fixture
def sqlite_file(database_url) -> Path:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's online backup: the PostgreSQL run tests pg_dump (test_pg_dump_*) instead")
    return Path(make_url(database_url).database)


@pytest.fixture
def pg_url(database_url) -> str:
    if database_url.startswith("sqlite"):
        pytest.skip("pg_dump: this runs when STOREFRONT_TEST_DATABASE_URL is set (the SQLite run tests the online backup)")
    require_pg_dump()
    return database_url


def require_pg_dump() -> None:
    """Missing, pg_dump fails the test in CI (which installs it) and skips it, saying so, elsewhere."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        message = "pg_dump/pg_restore NOT INSTALLED: apt-get install postgresql-client to test PostgreSQL backups"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def pg_dump_if_postgresql(database_url):
    if not database_url.startswith("sqlite"):
        require_pg_dump()


@pytest.fixture
def built(app, make_user, make_product):
    return build_shop(app, make_user, make_product)


def sqlite_connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, timeout=15)
    connection.execute("PRAGMA busy_timeout = 15000")
    return connection


def assert_is_backup(path: Path, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("SELECT count(*) FROM shop_order").fetchone()[0] > 0
    else:
        listing = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True, check=True)
        assert "TABLE public shop_order" in listing.stdout


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".partial")]


def test_a_backup_while_the_shop_serves_is_consistent_and_opens_as_the_same_shop(
        app, runner, built, sqlite_file, make_app, tmp_path):
    original = read_shop(app)
    assert_holds_the_shop(original, built)
    # The shop's own writes are still in the write-ahead log: a copy of the main file alone misses them.
    assert sqlite_file.with_name(sqlite_file.name + "-wal").stat().st_size > 0
    reader, writer = sqlite_connect(sqlite_file), sqlite_connect(sqlite_file)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM shop_order").fetchone() == (2,)  # an open read transaction
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE shop_order SET status = 'cancelled'")  # not committed: must not be in the copy
        writer.execute("DELETE FROM order_line")
        target = tmp_path / "backups" / "shop-copy.db"
        target.parent.mkdir()
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert f"Backed up the database to {target} (" in result.output
        assert reader.execute("SELECT count(*) FROM order_line").fetchone() == (3,)  # the reader was not disturbed
    finally:
        writer.rollback()
        reader.rollback()
        writer.close()
        reader.close()
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert target.read_bytes()[18:20] == b"\x01\x01"  # a rollback journal: one file, no -wal beside it needed
    assert_is_backup(target, "sqlite")
    assert leftovers(target.parent) == []
    restored = make_app(DATABASE_URL=f"sqlite:///{target}")
    copy = read_shop(restored)
    assert copy == original
    assert {o["status"] for o in copy["shop_order"]} == {"paid"}


def test_the_copy_is_unreadable_without_the_data_keys(app, runner, built, sqlite_file, make_app, tmp_path):
    """Why the keys are backed up apart from the copies (docs/deploy.md): the copy alone reveals no name."""
    target = tmp_path / "copy.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    raw = target.read_bytes()
    assert b"ada@example.com" in raw  # the login stays plain
    for secret in ("Lovelace", "Market Street", "李华", "Lens cap missing"):
        assert secret.encode() not in raw
    stranger = make_app(DATABASE_URL=f"sqlite:///{target}", DATA_KEYS=Fernet.generate_key().decode())
    with pytest.raises(InvalidToken):
        read_shop(stranger)


def test_a_backup_never_overwrites_unless_forced(app, runner, built, database_url, tmp_path, pg_dump_if_postgresql):
    target = tmp_path / "nightly.backup"
    target.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output and "Traceback" not in result.output
    assert target.read_bytes() == b"yesterday's backup"
    result = runner.invoke(args=["backup", "--force", str(target)])
    assert result.exit_code == 0, result.output
    assert_is_backup(target, database_url)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["missing directory", "a directory", "the live database"])
def test_a_wrong_target_is_a_clean_error_and_writes_nothing(app, runner, database_url, tmp_path, where):
    if where == "the live database" and not database_url.startswith("sqlite"):
        pytest.skip("only SQLite has a database file to protect")
    target = {"missing directory": tmp_path / "no-such-dir" / "shop.db", "a directory": tmp_path,
              "the live database": Path(make_url(database_url).database or "")}[where]
    before = sorted(tmp_path.rglob("*"))
    live = target.read_bytes() if where == "the live database" else None
    result = runner.invoke(args=["backup", "--force", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: No backup made: ") and "Traceback" not in result.output
    assert {"missing directory": "does not exist", "a directory": "is a directory",
            "the live database": "is the live database"}[where] in result.output
    assert sorted(tmp_path.rglob("*")) == before
    if live is not None:
        assert target.read_bytes() == live


def test_the_help_says_what_the_copy_leaves_out(runner):
    result = runner.invoke(args=["backup", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for needed in ("consistent copy", "STOREFRONT_DATA_KEYS", "STOREFRONT_SECRET_KEY", "STOREFRONT_UPLOAD_DIR",
                   "backed up separately", "pg_dump", "--force"):
        assert needed in text, needed


POSTGRES_URL = "postgresql+psycopg://shop:s3cret%2F%40pw@db.internal:5433/shop?sslmode=require"


def test_pg_dump_gets_a_libpq_url_and_the_password_only_in_its_environment(make_app, monkeypatch, tmp_path):
    calls = []

    def fake_run(command, env, **options):
        calls.append((command, env))
        output = next(arg.removeprefix("--file=") for arg in command if arg.startswith("--file="))
        Path(output).write_bytes(b"PGDMP fake dump")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    target = tmp_path / "shop.dump"
    result = make_app(DATABASE_URL=POSTGRES_URL).test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Backed up the database to {target} (15 bytes)" in result.output
    [(command, env)] = calls
    assert command[:3] == ["/usr/bin/pg_dump", "--format=custom", "--no-password"]
    assert "--dbname=postgresql://shop@db.internal:5433/shop?sslmode=require" in command
    written_to = Path(next(arg for arg in command if arg.startswith("--file=")).removeprefix("--file="))
    assert written_to.parent == tmp_path and written_to != target  # a temporary file, renamed when complete
    assert not any("s3cret" in arg for arg in command)
    assert env["PGPASSWORD"] == "s3cret/@pw"
    assert target.read_bytes() == b"PGDMP fake dump" and leftovers(tmp_path) == []


def test_pg_dump_missing_or_failing_is_a_clean_error(make_app, monkeypatch, tmp_path):
    runner = make_app(DATABASE_URL=POSTGRES_URL).test_cli_runner()
    target = tmp_path / "shop.dump"
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere on it
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "pg_dump is not installed" in result.output and "postgresql-client" in result.output
    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", lambda command, env, **options: subprocess.CompletedProcess(
        command, 1, "", 'pg_dump: error: connection to server at "db.internal" failed: FATAL: password authentication failed\n'))
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "pg_dump failed (exit 1): pg_dump: error: connection to server" in result.output
    assert not target.exists() and leftovers(tmp_path) == []


@pytest.fixture
def scratch_database(pg_url):
    """An empty database on the same server to restore into, dropped afterwards."""
    url = make_url(pg_url)
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_pg_dump_restores_with_pg_restore_into_an_empty_database(app, runner, built, pg_url, scratch_database, tmp_path):
    original = read_shop(app)
    assert_holds_the_shop(original, built)
    target = tmp_path / "shop.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    command, environment = backup.pg_dump_command(scratch_database, target)
    libpq_url = next(arg for arg in command if arg.startswith("--dbname=")).removeprefix("--dbname=")
    # The restore docs/deploy.md gives.
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                    f"--dbname={libpq_url}", str(target)], env=environment, check=True, capture_output=True)
    restored = create_app(make_config(tmp_path, DATABASE_URL=scratch_database.render_as_string(hide_password=False)))
    try:
        assert read_shop(restored) == original
        with restored.app_context():
            assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 3
            assert db.session.scalar(select(Order.status).limit(1)) == "paid"
            db.session.remove()
    finally:
        with restored.app_context():
            db.engine.dispose()
