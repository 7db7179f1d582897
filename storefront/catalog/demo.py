"""The demo catalogue: creates the categories, products and images of demo_data that are missing."""

from sqlalchemy import select

from storefront.catalog import demo_data
from storefront.catalog.demo_images import draw_product_image
from storefront.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
from storefront.catalog.services import save_product_image
from storefront.extensions import db


def seed_demo(upload_dir: str) -> tuple[int, int]:
    """Add what is missing of the demo catalogue; existing rows (and owner edits) are left alone.

    Returns (categories added, products added). Flushes; caller commits.
    """
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    added_categories = 0
    for spec in demo_data.CATEGORIES:
        if spec["slug"] in categories:
            continue
        category = Category(slug=spec["slug"], position=spec["position"])
        for locale in ("en", "zh"):
            category.translations[locale] = CategoryTranslation(locale=locale, **spec[locale])
        db.session.add(category)
        categories[spec["slug"]] = category
        added_categories += 1
    db.session.flush()

    existing = set(db.session.scalars(select(Product.slug)))
    added_products = 0
    for seed, spec in enumerate(demo_data.PRODUCTS):
        if spec["slug"] in existing:
            continue
        product = Product(
            slug=spec["slug"], sku=spec["sku"], price=spec["price"], stock=spec["stock"],
            is_featured=spec["featured"], category_id=categories[spec["category"]].id,
            translations={}, images=[],
        )
        for locale in ("en", "zh"):
            product.translations[locale] = ProductTranslation(locale=locale, **spec[locale])
        db.session.add(product)
        db.session.flush()
        picture = draw_product_image(spec["art"]["kind"], spec["art"]["colour"], seed=seed)
        save_product_image(product, picture, upload_dir)
        added_products += 1
    return added_categories, added_products
