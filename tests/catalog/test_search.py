"""Search through the databases' text indexes (migrations 0008 and 0009) finds exactly what a plain icontains finds."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, or_, select, text

from storefront.catalog import search
from storefront.catalog.models import Product, ProductTranslation
from storefront.catalog.services import find_products
from storefront.extensions import db


def texts(name, summary="", description=""):
    return {"name": name, "summary": summary, "description": description}


TRICKY = [
    dict(sku="TS-80-ED", en=texts("Star Scout 80", "A small refractor"), zh=texts("星探 80 折射望远镜", "小巧的折射镜")),
    dict(sku="ML-100", en=texts("Macro Lens 100mm", "Close-up"), zh=texts("100mm 微距镜头", "近摄")),
    dict(sku="FLT-100P", en=texts("Filter 100% UV", "Blocks 99_9 percent"), zh=texts("UV 滤镜 100%", "")),
    dict(sku="FLT-100X", en=texts("Filter 100x UV", "fits 52mm"), zh=None),
    dict(sku="CAP_52", en=texts("Lens_cap 52", 'Says "hello" \\ back'), zh=texts("镜头盖", "")),
    dict(sku="CAP-58", en=texts("Lens cap 58", "Café CRÈME édition"), zh=texts("镜头", "两个字")),
    dict(sku="FW-1", en=texts("ＦＵＬＬ Width Ｌens", "全角 ＡＢＣ"), zh=texts("全角镜头", "望")),
    dict(sku="MIX-9", en=texts("MiXeD CaSe TriPod", ""), zh=texts("三脚架", "稳定的三脚架")),
    dict(sku="望远-1", en=texts("Oddly named SKU", ""), zh=None),
    dict(sku="SUM-1", en=texts("Plain", "tripod inside the summary only"), zh=texts("普通", "望远")),
    dict(sku="OFF-1", en=texts("Hidden telescope", ""), zh=texts("隐藏望远镜", ""), is_active=False),
    # On PostgreSQL the query is written into the statement as a literal: quotes and placeholders stay text.
    dict(sku="QT-1", en=texts("Collector's Edition", "Fits :x and %(x)s, $1 {x}"), zh=None),
]
QUERIES = [
    "s", "S", "镜", "望", "%", "_", "\\", '"', "é", "É", "Ａ", "ａ", "8",
    "镜头", "望远", "UV", "uv", "0%", "s_", "ts", "全角", "ＦＵ",
    "scout", "STAR SCOUT 80", "100%", "99_9", "s_c", "lens_CAP", '"hello"', "\\ b", "café", "CAFÉ", "crème",
    "ＦＵＬＬ", "ｆｕｌｌ", "ts-80", "TS-80-ED", "望远-", "望远镜", "三脚架", "tripod", "pod inside", "summary only",
    "80 折射", "not there", "Plain tripod", "e ", "telescope", "隐藏望远镜", '"""', "a*b", "NEAR", "x OR y",
    "'", "r's", "collector's", ":x", "%(x)s", "$1", "{x}", "'; --",
]


def reference_ids(query: str) -> set[int]:
    """The search as it was before the indexes: a plain icontains over names, summaries and SKUs."""
    named = select(ProductTranslation.product_id).where(or_(
        ProductTranslation.name.icontains(query, autoescape=True),
        ProductTranslation.summary.icontains(query, autoescape=True),
    ))
    found = select(Product.id).where(
        Product.is_active.is_(True), Product.archived_at.is_(None),
        or_(Product.id.in_(named), Product.sku.icontains(query, autoescape=True)),
    )
    return set(db.session.scalars(found))


@pytest.fixture
def tricky(app, make_product):
    for values in TRICKY:
        make_product(**values)
    return app


def test_search_finds_exactly_what_icontains_finds(tricky):
    with tricky.app_context():
        mismatches = {}
        for query in QUERIES:
            page = find_products(query=query, per_page=100)
            found = {product.id for product in page.items}
            expected = reference_ids(query)
            if found != expected or page.total != len(expected):
                mismatches[query] = (sorted(found), sorted(expected), page.total)
        assert mismatches == {}
        # The catalogue does exercise the search: short, long, Chinese, SKU and summary matches all hit.
        assert all(reference_ids(query) for query in ("镜", "镜头", "望远镜", "ts-80", "summary only", "100%", "s_c"))


def test_the_index_follows_edits_and_deletions(app, make_product):
    first = make_product(sku="OLD-SKU", en=texts("Comet Finder", "wide view"), zh=texts("彗星寻星镜", ""))
    make_product(sku="KEEP-1", en=texts("Comet Keeper", ""), zh=None)

    def ids(query):
        return {product.id for product in find_products(query=query, per_page=100).items}

    with app.app_context():
        assert ids("comet finder") == {first.id} and ids("old-sku") == {first.id} and ids("寻星") == {first.id}
        assert ids("d-") == {first.id} and ids("w-") == set()  # 1-2 characters: the per-product document
        product = db.session.get(Product, first.id)
        product.sku = "NEW-SKU"
        db.session.execute(
            ProductTranslation.__table__.update().where(ProductTranslation.product_id == first.id,
                                                        ProductTranslation.locale == "en").values(name="Nebula Filter")
        )
        db.session.execute(ProductTranslation.__table__.delete().where(ProductTranslation.product_id == first.id,
                                                                        ProductTranslation.locale == "zh"))
        db.session.commit()
        assert ids("comet finder") == set() and ids("old-sku") == set() and ids("寻星") == set()
        assert ids("nebula") == {first.id} and ids("new-sku") == {first.id} and ids("wide view") == {first.id}
        assert ids("d-") == set() and ids("w-") == {first.id} and ids("寻星") == set() and ids("ne") == {first.id}
        db.session.execute(Product.__table__.delete().where(Product.id == first.id))
        db.session.commit()
        assert ids("nebula") == set() and ids("new-sku") == set() and ids("comet") != set()
        assert ids("w-") == set() and ids("ke") != set()


def test_search_pages_and_counts_all_matches(app, make_product):
    made = [make_product(en=texts(f"Eyepiece {n}"), zh=None) for n in range(30)]
    make_product(en=texts("Unrelated"), zh=None)
    with app.app_context():
        first, second, past = (find_products(query="eyepiece", page=n) for n in (1, 2, 9))
        assert first.total == second.total == past.total == 30
        assert len(first.items) == 24 and len(second.items) == 6 and past.items == []
        # Newest first, as the list: the ids were made in order.
        assert [p.id for p in first.items + second.items] == [p.id for p in reversed(made)]
        by_name = find_products(query="eyepiece", sort="name", per_page=100)
        assert [p.translations["en"].name for p in by_name.items] == sorted(f"Eyepiece {n}" for n in range(30))


def test_the_migrated_schema_matches_the_models_but_for_the_search_tables(app_ctx):
    """What `flask db check` sees through migrations/env.py, whose include_object leaves out only these."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": search.include_object}
        )
        assert compare_metadata(context, db.metadata) == []
    tables = set(inspect(db.engine).get_table_names())
    if db.engine.dialect.name == "sqlite":
        assert {"product_search_text", "product_text_search", "product_sku_search"} <= tables
    assert "product_search_document" in tables
    left_out = {name for name in tables if not search.include_object(None, name, "table", True, None)}
    assert all(name.startswith(search.SEARCH_TABLES) for name in left_out)
    assert search.include_object(None, "product", "table", True, None)


@pytest.mark.parametrize("base", ["0007_admin", "0008_search"])
def test_the_migration_indexes_the_products_already_there(app, make_product, base):
    make_product(sku="BACK-1", en=texts("Backfilled Binoculars"), zh=texts("回填双筒望远镜"))
    with app.app_context():
        downgrade(revision=base)
        upgrade()
        db.session.remove()
        for query in ("binoculars", "双筒望", "back-1", "填", "ck-", "k-"):
            assert [product.sku for product in find_products(query=query).items] == ["BACK-1"], query
        if db.engine.dialect.name == "postgresql":
            indexes = {index["name"] for index in inspect(db.engine).get_indexes("product_search_document")}
            assert indexes == {"ix_product_search_document_trgm"}
        else:
            assert db.session.execute(text("SELECT count(*) FROM product_search_text")).scalar() == 2
        assert db.session.execute(text("SELECT count(*) FROM product_search_document")).scalar() == 1


def test_a_query_holding_the_documents_separator_matches_no_two_fields_at_once(app, make_product):
    """One product's fields are joined by U+001F in its search document: such a query takes the plain search."""
    made = make_product(sku="SEP-1", en=texts("Left", "right"), zh=None)
    with app.app_context():
        for query, expected in (("left\x1fright", set()), ("sep-1\x1fleft", set()), ("\x1f", set()), ("eft", {made.id})):
            found = set(db.session.scalars(search.matching_product_ids(query, db.engine.dialect.name)))
            assert found == expected == reference_ids(query), query
