"""Substring search over product names, summaries (every language) and SKUs, served by the database's
own text index over a narrow lowered copy of those texts: on SQLite the FTS5 trigram tables of
migration 0008 over product_search_text (one row per translation), on PostgreSQL a pg_trgm GIN index
over product_search_document (migration 0009: one row per product, its SKU, names and summaries
joined by U+001F; SQLite has it too, for the queries trigrams cannot serve).

Both give exactly what `icontains` gives (case-insensitive as the database's lower() folds, % and _
literal); only the way to the rows differs. Trigrams need 3 characters: shorter queries scan the narrow
copy rather than the wide translation rows.
"""

from sqlalchemy import String, cast, column, func, literal, or_, select, table, union_all

from storefront.catalog.models import Product, ProductTranslation

TRIGRAM = 3
# Made by migrations 0008 (SQLite) and 0009 (both) and not in the models' metadata (FTS5 adds its
# own shadow tables named after them): autogenerate must leave them alone (include_object).
SEARCH_TABLES = ("product_search_text", "product_text_search", "product_sku_search", "product_search_document")
# PostgreSQL only, made by migration 0008 (dropped again by 0009) and not in the models.
TRIGRAM_INDEXES = ("ix_product_sku_trgm", "ix_product_translation_name_trgm", "ix_product_translation_summary_trgm")
# What joins the fields of a search document: a query holding it could match across two.
SEPARATOR = "\x1f"
_search_text = table(
    "product_search_text", column("id"), column("product_id"), column("name", String), column("summary", String)
)
_search_document = table("product_search_document", column("product_id"), column("document", String))


def matching_product_ids(query: str, dialect: str):
    """A SELECT of the ids of products whose name or summary in any language, or SKU, contains the query."""
    if SEPARATOR in query:
        # Never from the search box (clean_query drops control characters): the plain search, exact anyway.
        named = select(ProductTranslation.product_id).where(or_(
            ProductTranslation.name.icontains(query, autoescape=True),
            ProductTranslation.summary.icontains(query, autoescape=True),
        ))
        return union_all(named, select(Product.id).where(Product.sku.icontains(query, autoescape=True)))
    if dialect == "sqlite":
        return _sqlite_matches(query)
    document = _search_document.c.document
    if len(query) < TRIGRAM:
        # pg_trgm cannot serve it: the narrow table is scanned (strpos, which the trigram index cannot take:
        # walking the whole index is the worst way to a 1-character match).
        return select(_search_document.c.product_id).where(func.strpos(document, func.lower(_inline(query))) > 0)
    # LIKE of the lowered query on the lowered fields, served by the trigram index: what ILIKE (icontains)
    # does in a UTF-8 database. Escaped here as autoescape would, before lower() (which leaves / % _ alone).
    pattern = func.lower(_inline(_escape_like(query)))
    return select(_search_document.c.product_id).where(document.contains(pattern, escape="/"))


def _inline(text: str):
    """The query's text written into the statement (quoted by SQLAlchemy when it runs) rather than sent as a
    parameter: psycopg prepares a statement run five times on a connection, and PostgreSQL may then plan
    it once for every query, where "镜" (most of the catalogue) and "GEN-0012345" (one product) want
    different plans. Planned for its own text, every search gets its own."""
    return literal(text, String, literal_execute=True)


def _escape_like(query: str) -> str:
    return query.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _sqlite_matches(query: str):
    lowered = func.lower(cast(literal(query), String))
    if len(query) >= TRIGRAM:
        # One FTS5 phrase of the lowered query (quotes doubled): consecutive trigrams, i.e. a substring.
        phrase = literal('"') + func.replace(lowered, '"', '""') + literal('"')
        texts = select(_search_text.c.product_id).where(_search_text.c.id.in_(_fts_rowids("product_text_search", phrase)))
        return union_all(texts, _fts_rowids("product_sku_search", phrase))
    # Trigrams cannot serve it: a scan of the per-product document (migration 0009), one short row per product.
    return select(_search_document.c.product_id).where(func.instr(_search_document.c.document, lowered) > 0)


def _fts_rowids(name: str, phrase):
    return select(column("rowid")).select_from(table(name)).where(column(name).op("MATCH")(phrase))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: the search tables and their FTS5 shadow tables are no model's, and
    the trigram indexes, made by the migration on PostgreSQL alone, are left out of the comparison."""
    if type_ == "index" and name in TRIGRAM_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None and name.startswith(SEARCH_TABLES))
