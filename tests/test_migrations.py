import hashlib
import importlib.util
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storefront.catalog.search import include_object
from storefront.extensions import db


def test_models_match_the_migrated_schema(app_ctx):
    with db.engine.connect() as connection:
        # The search indexes (FTS5 tables, trigram indexes) live in the migrations only.
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model change has no migration: run `flask --app wsgi db migrate`"


def test_schema_has_the_backstop_constraints(app_ctx):
    checks = {c["name"] for c in inspect(db.engine).get_check_constraints("product")}
    assert {"ck_product_stock_not_negative", "ck_product_price_not_negative"} <= checks


# Migration 0005: version 1 of the privacy policy is pinned by hash ------------------------------------

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def load_privacy_migration():
    spec = importlib.util.spec_from_file_location("migration_0005_privacy", MIGRATIONS / "versions" / "0005_privacy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_first_policy_files_match_their_pinned_hashes(locale):
    migration = load_privacy_migration()
    body = (MIGRATIONS / "policy" / f"v1.{locale}.md").read_bytes()
    assert hashlib.sha256(body).hexdigest() == migration.POLICY_SHA256[locale]
    assert migration.first_policy_text(locale) == body.decode("utf-8")


def test_version_one_in_the_database_is_the_pinned_text(app_ctx):
    from storefront.privacy.policy import get_version

    version = get_version(1)
    for locale in ("en", "zh"):
        stored = version.text(locale).body.encode("utf-8")
        assert hashlib.sha256(stored).hexdigest() == load_privacy_migration().POLICY_SHA256[locale]


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("edit", ["appended", "placeholder_swapped", "line_endings"])
def test_an_edited_first_policy_file_stops_the_migration(tmp_path, monkeypatch, locale, edit):
    migration = load_privacy_migration()
    for name in ("v1.en.md", "v1.zh.md"):
        shutil.copy(MIGRATIONS / "policy" / name, tmp_path / name)
    path = tmp_path / f"v1.{locale}.md"
    body = path.read_bytes()
    if edit == "appended":
        body += b"\nOne more sentence.\n"
    elif edit == "placeholder_swapped":
        index = body.index(b"{shop_name}")
        body = body[:index] + b"{shop_email}" + body[index + len(b"{shop_name}"):]
    else:
        body = body.replace(b"\n", b"\r\n")
    path.write_bytes(body)
    monkeypatch.setattr(migration, "POLICY_DIR", tmp_path)
    with pytest.raises(RuntimeError, match=f"v1.{locale}.md"):
        migration.first_policy_text(locale)
    other = "zh" if locale == "en" else "en"
    assert migration.first_policy_text(other)  # the untouched copy still passes


# Migration 0005: disclosure records state their legal basis themselves -----------------------------------


def test_disclosure_basis_and_confidentiality_have_no_server_default(app_ctx):
    columns = {column["name"]: column for column in inspect(db.engine).get_columns("disclosure")}
    for name in ("legal_basis", "confidential"):
        assert columns[name]["default"] is None, (name, columns[name]["default"])
        assert columns[name]["nullable"] is False, name


INSERT_COLUMNS = {"recipient": "'logistics'", "recipient_name": "'Kite Couriers'", "purpose": "'delivery'",
                  "fields": "'name'", "subject": "'x'", "created_at": "CURRENT_TIMESTAMP",
                  "legal_basis": "'contract'", "confidential": "FALSE"}


@pytest.mark.parametrize("missing", ["legal_basis", "confidential"])
def test_a_raw_insert_without_the_basis_or_confidentiality_fails(app_ctx, missing):
    values = {name: value for name, value in INSERT_COLUMNS.items() if name != missing}
    statement = text(f"INSERT INTO disclosure ({', '.join(values)}) VALUES ({', '.join(values.values())})")
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(statement)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM disclosure")).scalar() == 0


def test_a_raw_insert_with_every_column_works(app_ctx):
    """The two tests above fail for the missing column, not for something else in the statement."""
    statement = text(f"INSERT INTO disclosure ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join(INSERT_COLUMNS.values())})")
    with db.engine.begin() as connection:
        connection.execute(statement)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT legal_basis FROM disclosure")).scalars().all() == ["contract"]
