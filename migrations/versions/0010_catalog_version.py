"""Catalogue version: one number that every change to the catalogue's tables raises, for the page caches

Revision ID: 0010_catalog_version
Revises: 0009_search_text_pg
Create Date: 2026-11-25 06:10:00.000000

Each worker caches rendered catalogue fragments (storefront/catalog/fragments.py) under the version it
read; triggers raise it in the same transaction as the change, so a reader sees the new rows and the new
number together and never caches old content under a new number. On PostgreSQL the triggers are
deferred constraint triggers that raise it once per transaction, at commit: the row's lock is held only
while committing and is always the last one a transaction takes (no deadlock with the product rows a
checkout locks). SQLite has one writer at a time and no statement or deferred triggers: a row trigger
per change.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_catalog_version'
down_revision = '0009_search_text_pg'
branch_labels = None
depends_on = None

TABLES = ("category", "category_translation", "product", "product_translation", "product_image")
EVENTS = ("INSERT", "UPDATE", "DELETE")

POSTGRESQL_FUNCTION = """CREATE FUNCTION catalog_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1, raised_by = txid_current()
    WHERE id = 1 AND raised_by IS DISTINCT FROM txid_current();
    RETURN NULL;
END $$"""


def upgrade():
    op.create_table(
        'catalog_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('raised_by', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version')),
    )
    op.execute("INSERT INTO catalog_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            op.execute(f"CREATE CONSTRAINT TRIGGER catalog_version_{table} AFTER INSERT OR UPDATE OR DELETE "
                       f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                       "EXECUTE FUNCTION catalog_version_raise()")
        return
    for table in TABLES:
        for event in EVENTS:
            op.execute(f"CREATE TRIGGER catalog_version_{table}_{event.lower()} AFTER {event} ON {table} "  # noqa: S608 - fixed names
                       "BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER catalog_version_{table} ON {table}")
        op.execute("DROP FUNCTION catalog_version_raise()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER catalog_version_{table}_{event.lower()}")
    op.drop_table('catalog_version')
