"""Substring search over product names, summaries (every language) and SKUs, served by the database's
own text index: on SQLite the FTS5 trigram tables of migration 0008, on PostgreSQL pg_trgm GIN indexes.

Both give exactly what `icontains` gives (case-insensitive as the database's lower() folds, % and _
literal); only the way to the rows differs. Trigrams need 3 characters: shorter queries scan, on SQLite
a narrow lowered copy of the texts rather than the wide translation rows.
"""

from sqlalchemy import String, cast, column, func, literal, or_, select, table, union_all

from storefront.catalog.models import Product, ProductTranslation

TRIGRAM = 3
# SQLite only, made by migration 0008 and not in the models' metadata (FTS5 adds its own shadow tables
# named after them): autogenerate must leave them alone (include_object).
SEARCH_TABLES = ("product_search_text", "product_text_search", "product_sku_search")
# PostgreSQL only, made by migration 0008 and not in the models (SQLite could not hold them).
TRIGRAM_INDEXES = ("ix_product_sku_trgm", "ix_product_translation_name_trgm", "ix_product_translation_summary_trgm")
_search_text = table("product_search_text", column("id"), column("product_id"), column("name"), column("summary"))


def matching_product_ids(query: str, dialect: str):
    """A SELECT of the ids of products whose name or summary in any language, or SKU, contains the query."""
    if dialect == "sqlite":
        return _sqlite_matches(query)
    if len(query) < TRIGRAM:
        # pg_trgm cannot serve it and the table is scanned: strpos on lower() is that scan's cheapest form.
        lowered = func.lower(cast(literal(query), String))
        named = select(ProductTranslation.product_id).where(or_(
            func.strpos(func.lower(ProductTranslation.name), lowered) > 0,
            func.strpos(func.lower(ProductTranslation.summary), lowered) > 0,
        ))
        return union_all(named, select(Product.id).where(func.strpos(func.lower(Product.sku), lowered) > 0))
    named = select(ProductTranslation.product_id).where(
        or_(
            ProductTranslation.name.icontains(query, autoescape=True),
            ProductTranslation.summary.icontains(query, autoescape=True),
        )
    )
    return union_all(named, select(Product.id).where(Product.sku.icontains(query, autoescape=True)))


def _sqlite_matches(query: str):
    lowered = func.lower(cast(literal(query), String))
    if len(query) >= TRIGRAM:
        # One FTS5 phrase of the lowered query (quotes doubled): consecutive trigrams, i.e. a substring.
        phrase = literal('"') + func.replace(lowered, '"', '""') + literal('"')
        texts = select(_search_text.c.product_id).where(_search_text.c.id.in_(_fts_rowids("product_text_search", phrase)))
        return union_all(texts, _fts_rowids("product_sku_search", phrase))
    texts = select(_search_text.c.product_id).where(
        or_(func.instr(_search_text.c.name, lowered) > 0, func.instr(_search_text.c.summary, lowered) > 0)
    )
    return union_all(texts, select(Product.id).where(func.instr(func.lower(Product.sku), lowered) > 0))


def _fts_rowids(name: str, phrase):
    return select(column("rowid")).select_from(table(name)).where(column(name).op("MATCH")(phrase))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: the search tables and their FTS5 shadow tables are no model's, and
    the trigram indexes, made by the migration on PostgreSQL alone, are left out of the comparison."""
    if type_ == "index" and name in TRIGRAM_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None and name.startswith(SEARCH_TABLES))
