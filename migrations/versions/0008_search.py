"""Search and list indexes: substring search over product names, summaries and SKUs (SQLite FTS5 trigram, PostgreSQL pg_trgm), and covering indexes for the product list and its count

Revision ID: 0008_search
Revises: 0007_admin
Create Date: 2026-11-25 03:55:00.000000

SQLite: product_search_text, a narrow copy of each translation's name and summary (lowered by SQLite's
lower()) with its product id, indexed by the FTS5 table product_text_search (trigram, external content);
product_sku_search indexes the lowered SKUs. Triggers keep them in step; rowids are the indexed rows' ids.
Matching is case-sensitive on lowered text, so a phrase match is exactly icontains (lower(x) LIKE lower(q)):
SQLite folds ASCII only, where FTS5's own folding would fold more. Queries of 1-2 characters, which
trigrams cannot serve, scan the narrow copy instead of the wide product_translation rows.
PostgreSQL: GIN trigram indexes on the columns, which serve the ILIKE that icontains is on PostgreSQL.
The FTS tables are not in the models' metadata; migrations/env.py leaves them out of autogenerate.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008_search'
down_revision = '0007_admin'
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    """CREATE TABLE product_search_text (
        id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, name TEXT NOT NULL, summary TEXT NOT NULL
    )""",
    """CREATE VIRTUAL TABLE product_text_search USING fts5(
        name, summary, content='product_search_text', content_rowid='id', tokenize='trigram case_sensitive 1'
    )""",
    "CREATE VIRTUAL TABLE product_sku_search USING fts5(sku, tokenize='trigram case_sensitive 1')",
    """INSERT INTO product_search_text (id, product_id, name, summary)
        SELECT id, product_id, lower(name), lower(summary) FROM product_translation""",
    "INSERT INTO product_text_search (product_text_search) VALUES ('rebuild')",
    "INSERT INTO product_sku_search (rowid, sku) SELECT id, lower(sku) FROM product",
    """CREATE TRIGGER product_translation_search_insert AFTER INSERT ON product_translation BEGIN
        INSERT INTO product_search_text (id, product_id, name, summary)
            VALUES (new.id, new.product_id, lower(new.name), lower(new.summary));
        INSERT INTO product_text_search (rowid, name, summary) VALUES (new.id, lower(new.name), lower(new.summary));
    END""",
    """CREATE TRIGGER product_translation_search_update AFTER UPDATE ON product_translation BEGIN
        INSERT INTO product_text_search (product_text_search, rowid, name, summary)
            VALUES ('delete', old.id, lower(old.name), lower(old.summary));
        DELETE FROM product_search_text WHERE id = old.id;
        INSERT INTO product_search_text (id, product_id, name, summary)
            VALUES (new.id, new.product_id, lower(new.name), lower(new.summary));
        INSERT INTO product_text_search (rowid, name, summary) VALUES (new.id, lower(new.name), lower(new.summary));
    END""",
    """CREATE TRIGGER product_translation_search_delete AFTER DELETE ON product_translation BEGIN
        INSERT INTO product_text_search (product_text_search, rowid, name, summary)
            VALUES ('delete', old.id, lower(old.name), lower(old.summary));
        DELETE FROM product_search_text WHERE id = old.id;
    END""",
    """CREATE TRIGGER product_sku_search_insert AFTER INSERT ON product BEGIN
        INSERT INTO product_sku_search (rowid, sku) VALUES (new.id, lower(new.sku));
    END""",
    """CREATE TRIGGER product_sku_search_update AFTER UPDATE OF id, sku ON product BEGIN
        DELETE FROM product_sku_search WHERE rowid = old.id;
        INSERT INTO product_sku_search (rowid, sku) VALUES (new.id, lower(new.sku));
    END""",
    """CREATE TRIGGER product_sku_search_delete AFTER DELETE ON product BEGIN
        DELETE FROM product_sku_search WHERE rowid = old.id;
    END""",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS product_sku_search_delete",
    "DROP TRIGGER IF EXISTS product_sku_search_update",
    "DROP TRIGGER IF EXISTS product_sku_search_insert",
    "DROP TRIGGER IF EXISTS product_translation_search_delete",
    "DROP TRIGGER IF EXISTS product_translation_search_update",
    "DROP TRIGGER IF EXISTS product_translation_search_insert",
    "DROP TABLE IF EXISTS product_sku_search",
    "DROP TABLE IF EXISTS product_text_search",
    "DROP TABLE IF EXISTS product_search_text",
]

POSTGRESQL_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_product_translation_name_trgm ON product_translation USING gin (name gin_trgm_ops)",
    "CREATE INDEX ix_product_translation_summary_trgm ON product_translation USING gin (summary gin_trgm_ops)",
    "CREATE INDEX ix_product_sku_trgm ON product USING gin (sku gin_trgm_ops)",
]

POSTGRESQL_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_product_sku_trgm",
    "DROP INDEX IF EXISTS ix_product_translation_summary_trgm",
    "DROP INDEX IF EXISTS ix_product_translation_name_trgm",
]


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_for_sale_newest', ['is_active', 'archived_at', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_product_category_for_sale_newest', ['category_id', 'is_active', 'archived_at', 'created_at', 'id'], unique=False)
    statements = {"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    statements = {"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_category_for_sale_newest')
        batch_op.drop_index('ix_product_for_sale_newest')
