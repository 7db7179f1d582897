from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storefront.extensions import db


def test_models_match_the_migrated_schema(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model change has no migration: run `flask --app wsgi db migrate`"


def test_schema_has_the_backstop_constraints(app_ctx):
    checks = {c["name"] for c in inspect(db.engine).get_check_constraints("product")}
    assert {"ck_product_stock_not_negative", "ck_product_price_not_negative"} <= checks
