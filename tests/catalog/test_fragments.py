"""The catalogue's rendered fragments are cached per worker under the catalogue's version: any change to a
category, product, text or picture shows on the very next page, and nothing personal is ever cached."""

from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update

from storefront.catalog.fragments import FragmentCache
from storefront.catalog.models import CatalogVersion, Category, CategoryTranslation, Product, ProductImage, \
    ProductTranslation
from storefront.extensions import db


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(CatalogVersion.version))


def change(app, statement) -> None:
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


@pytest.fixture
def shop(app, make_category, make_product):
    category = make_category(slug="scopes", en={"name": "Scopes", "description": "Look further"})
    product = make_product(slug="scope", category=category, is_featured=True, price=Decimal("120.00"),
                           en={"name": "Star Scope", "summary": "Bright", "description": ""})
    return category, product


PAGES = ["/en/", "/en/products", "/en/categories/scopes", "/en/products?q=star", "/en/products?category=scopes"]


@pytest.mark.parametrize("url", PAGES)
def test_every_kind_of_change_shows_on_the_next_page(app, client, shop, url):
    category, product = shop
    assert "Star Scope" in client.get(url).text
    client.get(url)  # now cached
    steps = [
        (update(ProductTranslation).where(ProductTranslation.product_id == product.id, ProductTranslation.locale == "en")
         .values(name="Star Scope Mark II", summary="Star bright"), "Star Scope Mark II"),
        (update(Product).where(Product.id == product.id).values(price=Decimal("99.50")), "$99.50"),
        (update(Product).where(Product.id == product.id).values(stock=0), "Sold out"),
    ]
    for statement, shown in steps:
        before = version(app)
        change(app, statement)
        assert version(app) > before
        assert shown in client.get(url).text, (url, shown)
    change(app, update(CategoryTranslation).where(CategoryTranslation.category_id == category.id,
                                                  CategoryTranslation.locale == "en").values(name="Telescopes"))
    if "scopes" in url:
        assert "Telescopes" in client.get(url).text
    change(app, update(Product).where(Product.id == product.id).values(is_active=False))
    assert "Star Scope" not in client.get(url).text


def test_a_new_picture_and_a_new_product_show_at_once(app, client, shop, make_product):
    _category, product = shop
    client.get("/en/products")
    with app.app_context():
        db.session.add(ProductImage(product_id=product.id, filename="abc123.webp", width=800, height=600))
        db.session.commit()
    assert "abc123-400.webp" in client.get("/en/products").text
    make_product(en={"name": "Pocket Loupe", "summary": "", "description": ""})
    assert "Pocket Loupe" in client.get("/en/products").text
    change(app, delete(ProductImage))
    assert "abc123-400.webp" not in client.get("/en/products").text


def test_each_language_has_its_own_fragment(client, shop):
    assert "Star Scope" in client.get("/en/products").text
    chinese = client.get("/zh/products").text
    assert "Star Scope" not in chinese and "商品" in chinese


def test_the_personal_parts_of_the_page_are_never_cached(client, shop):
    anonymous = client.get("/en/products").text
    assert "Sign in" in anonymous
    _category, product = shop
    client.post("/en/cart/items", data={"product_id": product.id, "quantity": 2})
    page = client.get("/en/products").text
    assert 'data-cart-count>2<' in page  # the cart in the header is this browser's, around the cached list


def test_the_cache_can_be_turned_off(app, client, shop, count_queries):
    app.config["CATALOG_CACHE_SIZE"] = 0
    app.extensions.pop("catalog_fragments", None)
    with count_queries() as first:
        client.get("/en/products")
    with count_queries() as second:
        assert "Star Scope" in client.get("/en/products").text
    assert first() == second() > 2  # rendered again every time


def test_the_cache_keeps_the_most_recently_used_entries_up_to_its_size():
    cache = FragmentCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3) and len(cache) == 2
    off = FragmentCache(0)
    off.put("a", 1)
    assert off.get("a") is None


def test_the_version_rises_with_every_catalogue_table(app, make_category, make_product):
    category = make_category()
    product = make_product(category=category)
    for table, where in [(Category, Category.id == category.id), (Product, Product.id == product.id),
                         (ProductTranslation, ProductTranslation.product_id == product.id),
                         (CategoryTranslation, CategoryTranslation.category_id == category.id)]:
        before = version(app)
        change(app, update(table).where(where).values(id=getattr(table, "id")))
        assert version(app) > before, table


def test_on_postgresql_the_version_rises_once_per_transaction_at_commit(app, make_product):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's deferred trigger; SQLite raises it per row")
    products = [make_product() for _ in range(3)]
    before = version(app)
    with app.app_context():
        for product in products:
            db.session.execute(update(Product).where(Product.id == product.id).values(stock=Product.stock + 1))
        assert db.session.scalar(text("SELECT version FROM catalog_version")) == before  # not until commit
        db.session.commit()
    assert version(app) == before + 1
