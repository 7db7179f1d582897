"""Search through a narrow lowered copy of each product's texts and SKU, product_search_document, kept by triggers (PostgreSQL: pg_trgm indexed; SQLite: for 1-2 character queries)

Revision ID: 0009_search_text_pg
Revises: 0008_search
Create Date: 2026-11-25 05:40:00.000000

On PostgreSQL it replaces the trigram indexes of 0008 on the wide columns. One row per product: its
lowered SKU and every translation's lowered name and summary, joined by the unit separator U+001F, with
a GIN trigram index. Each field is lowered by PostgreSQL's lower(), which is what ILIKE (icontains)
folds both sides with in a UTF-8 database, so a LIKE (or strpos) of the lowered query on the document
is exactly icontains on any of the fields, as long as the query holds no U+001F (search.py sees to it).
Rechecking 30,000 trigram matches reads these short rows instead of the wide translation rows, each
product is found once (no de-duplication), and 1-2 character queries, which trigrams cannot serve,
scan this table instead of product_translation and product.
Triggers rebuild a product's document when its SKU or one of its translations changes; a product's
deletion (or TRUNCATE ... CASCADE) takes its document with it through the foreign key. The trigram
indexes of 0008 on the wide columns go. The table is not in the models' metadata; migrations/env.py
leaves it out of autogenerate.
SQLite gets the same table, kept by plain triggers (foreign keys may be off there), for the 1-2
character queries its FTS5 trigram tables cannot serve: one short row per product to scan instead of
two translation rows and the wide product row (for the SKU). Queries of 3+ characters stay on FTS5.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_search_text_pg'
down_revision = '0008_search'
branch_labels = None
depends_on = None

# The lowered document of the products `WHERE` selects (p: product).
DOCUMENT = r"""SELECT p.id, concat_ws(E'\x1f', lower(p.sku), (
            SELECT string_agg(concat_ws(E'\x1f', lower(t.name), lower(t.summary)), E'\x1f' ORDER BY t.id)
            FROM product_translation AS t WHERE t.product_id = p.id
        )) FROM product AS p"""

POSTGRESQL_UPGRADE = [
    """CREATE TABLE product_search_document (
        product_id integer PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE ON UPDATE CASCADE,
        document text NOT NULL
    )""",
    f"INSERT INTO product_search_document (product_id, document) {DOCUMENT}",
    f"""CREATE FUNCTION product_search_document_refresh(wanted integer) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO product_search_document (product_id, document) {DOCUMENT} WHERE p.id = wanted
            ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document;
    END
    $$""",
    """CREATE FUNCTION product_search_document_from_translation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM product_search_document_refresh(OLD.product_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id <> OLD.product_id) THEN
            PERFORM product_search_document_refresh(NEW.product_id);
        END IF;
        RETURN NULL;
    END
    $$""",
    # A new product has no translations yet (they refer to it): its document is its SKU.
    r"""CREATE FUNCTION product_search_document_from_product() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO product_search_document (product_id, document) VALUES (NEW.id, lower(NEW.sku));
        ELSE
            PERFORM product_search_document_refresh(NEW.id);
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER product_translation_search_document
        AFTER INSERT OR DELETE OR UPDATE OF product_id, name, summary ON product_translation
        FOR EACH ROW EXECUTE FUNCTION product_search_document_from_translation()""",
    """CREATE TRIGGER product_search_document_insert AFTER INSERT ON product
        FOR EACH ROW EXECUTE FUNCTION product_search_document_from_product()""",
    # Only a changed SKU: stock and price change with every order. A changed id cascades.
    """CREATE TRIGGER product_search_document_update AFTER UPDATE OF sku ON product
        FOR EACH ROW WHEN (OLD.sku IS DISTINCT FROM NEW.sku) EXECUTE FUNCTION product_search_document_from_product()""",
    "CREATE INDEX ix_product_search_document_trgm ON product_search_document USING gin (document gin_trgm_ops)",
    "ANALYZE product_search_document",
    "DROP INDEX ix_product_translation_name_trgm",
    "DROP INDEX ix_product_translation_summary_trgm",
    "DROP INDEX ix_product_sku_trgm",
]

# SQLite: the same document for 1-2 character queries (3+ go to 0008's FTS5 tables). SQLite's lower()
# folds ASCII only, as icontains does there. Foreign keys may be off: deletions are triggers too.
SQLITE_DOCUMENT = """INSERT OR REPLACE INTO product_search_document (product_id, document)
            SELECT p.id, lower(p.sku) || coalesce((
                SELECT group_concat(char(31) || lower(t.name) || char(31) || lower(t.summary), '')
                FROM product_translation AS t WHERE t.product_id = p.id
            ), '') FROM product AS p"""

SQLITE_UPGRADE = [
    "CREATE TABLE product_search_document (product_id INTEGER PRIMARY KEY, document TEXT NOT NULL)",
    SQLITE_DOCUMENT,
    """CREATE TRIGGER product_search_document_insert AFTER INSERT ON product BEGIN
        INSERT OR REPLACE INTO product_search_document (product_id, document) VALUES (new.id, lower(new.sku));
    END""",
    f"""CREATE TRIGGER product_search_document_update AFTER UPDATE OF id, sku ON product BEGIN
        DELETE FROM product_search_document WHERE product_id = old.id;
        {SQLITE_DOCUMENT} WHERE p.id = new.id;
    END""",  # noqa: S608 - constant SQL
    """CREATE TRIGGER product_search_document_delete AFTER DELETE ON product BEGIN
        DELETE FROM product_search_document WHERE product_id = old.id;
    END""",
    f"""CREATE TRIGGER product_translation_search_document_insert AFTER INSERT ON product_translation BEGIN
        {SQLITE_DOCUMENT} WHERE p.id = new.product_id;
    END""",
    f"""CREATE TRIGGER product_translation_search_document_update
        AFTER UPDATE OF product_id, name, summary ON product_translation BEGIN
        {SQLITE_DOCUMENT} WHERE p.id IN (old.product_id, new.product_id);
    END""",
    f"""CREATE TRIGGER product_translation_search_document_delete AFTER DELETE ON product_translation BEGIN
        {SQLITE_DOCUMENT} WHERE p.id = old.product_id;
    END""",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS product_translation_search_document_delete",
    "DROP TRIGGER IF EXISTS product_translation_search_document_update",
    "DROP TRIGGER IF EXISTS product_translation_search_document_insert",
    "DROP TRIGGER IF EXISTS product_search_document_delete",
    "DROP TRIGGER IF EXISTS product_search_document_update",
    "DROP TRIGGER IF EXISTS product_search_document_insert",
    "DROP TABLE IF EXISTS product_search_document",
]

POSTGRESQL_DOWNGRADE = [
    "CREATE INDEX ix_product_sku_trgm ON product USING gin (sku gin_trgm_ops)",
    "CREATE INDEX ix_product_translation_summary_trgm ON product_translation USING gin (summary gin_trgm_ops)",
    "CREATE INDEX ix_product_translation_name_trgm ON product_translation USING gin (name gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS product_search_document_update ON product",
    "DROP TRIGGER IF EXISTS product_search_document_insert ON product",
    "DROP TRIGGER IF EXISTS product_translation_search_document ON product_translation",
    "DROP FUNCTION IF EXISTS product_search_document_from_product()",
    "DROP FUNCTION IF EXISTS product_search_document_from_translation()",
    "DROP FUNCTION IF EXISTS product_search_document_refresh(integer)",
    "DROP TABLE IF EXISTS product_search_document",
]


def upgrade():
    statements = {"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    statements = {"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
