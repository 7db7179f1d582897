"""Catalogue rules: finding, searching, sorting and paging products, and storing their images."""

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from storefront.catalog.models import Category, Product, ProductImage, ProductTranslation
from storefront.database import Page
from storefront.extensions import db

SORTS = ("new", "price", "-price", "name")
DEFAULT_SORT = "new"
MAX_QUERY_LENGTH = 100
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class NotFound(LookupError):
    """The product or category does not exist or is not for sale."""


@dataclass
class ProductPage(Page):
    sort: str = DEFAULT_SORT
    query: str = ""


def clean_query(raw: str | None) -> str:
    """The search text as we use it: control characters (NUL too) removed, trimmed, at most 100 characters."""
    return _CONTROL_CHARACTERS.sub("", raw or "").strip()[:MAX_QUERY_LENGTH]


def parse_sort(raw: str | None) -> str:
    return raw if raw in SORTS else DEFAULT_SORT


def find_products(
    *, query: str = "", category: Category | None = None, sort: str = DEFAULT_SORT, page: int = 1,
    per_page: int = 24, locale: str = "en",
) -> ProductPage:
    """One page of active products, searched in every language (case-insensitive, % and _ literal).

    Runs a fixed number of queries whatever the page holds: the count, the page, and one
    each for the translations and images of its products.
    """
    conditions = [Product.is_active.is_(True)]
    if category is not None:
        conditions.append(Product.category_id == category.id)
    if query:
        matching = select(ProductTranslation.product_id).where(
            or_(
                ProductTranslation.name.icontains(query, autoescape=True),
                ProductTranslation.summary.icontains(query, autoescape=True),
            )
        )
        conditions.append(or_(Product.id.in_(matching), Product.sku.icontains(query, autoescape=True)))
    total = db.session.scalar(select(func.count(Product.id)).where(*conditions))
    statement = (
        select(Product)
        .where(*conditions)
        .order_by(*_ordering(sort, locale))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(selectinload(Product.translations), selectinload(Product.images))
    )
    items = list(db.session.scalars(statement))
    return ProductPage(items=items, page=page, per_page=per_page, total=total, sort=sort, query=query)


def _ordering(sort: str, locale: str) -> list:
    if sort == "price":
        return [Product.price.asc(), Product.id.asc()]
    if sort == "-price":
        return [Product.price.desc(), Product.id.asc()]
    if sort == "name":
        wanted = aliased(ProductTranslation)
        name = (
            select(wanted.name)
            .where(wanted.product_id == Product.id)
            .order_by((wanted.locale != locale).asc())
            .limit(1)
            .scalar_subquery()
        )
        return [name.asc(), Product.id.asc()]
    return [Product.created_at.desc(), Product.id.desc()]


def get_product(slug: str) -> Product:
    """The active product with this slug, with texts, images and category loaded; raises NotFound."""
    product = db.session.scalar(
        select(Product)
        .where(Product.slug == slug, Product.is_active.is_(True))
        .options(
            selectinload(Product.translations), selectinload(Product.images), selectinload(Product.category)
        )
    )
    if product is None:
        raise NotFound(slug)
    return product


def get_category(slug: str) -> Category:
    category = db.session.scalar(select(Category).where(Category.slug == slug, Category.is_active.is_(True)))
    if category is None:
        raise NotFound(slug)
    return category


def list_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.is_active.is_(True)).order_by(Category.position, Category.id)
        )
    )


def featured_products(limit: int = 8) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.is_active.is_(True), Product.is_featured.is_(True))
            .order_by(Product.created_at.desc(), Product.id.desc())
            .limit(limit)
            .options(selectinload(Product.translations), selectinload(Product.images))
        )
    )


def save_product_image(product: Product, image: Image.Image, upload_dir: str) -> ProductImage:
    """Store the picture as WebP (full size and a 400 px thumbnail) under a generated name.

    Metadata is dropped by re-encoding. Adds the ProductImage row and flushes; caller commits.
    """
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    picture = image.convert("RGB")
    position = db.session.scalar(select(func.count(ProductImage.id)).where(ProductImage.product_id == product.id))
    stored = ProductImage(
        product_id=product.id,
        filename=f"{secrets.token_hex(16)}.webp",
        width=picture.width,
        height=picture.height,
        position=position,
    )
    picture.save(directory / stored.filename, "WEBP", quality=82, method=4)
    thumb = picture.resize((ProductImage.THUMB_WIDTH, stored.thumb_height), Image.Resampling.LANCZOS)
    thumb.save(directory / stored.thumb_filename, "WEBP", quality=80, method=4)
    db.session.add(stored)
    db.session.flush()
    return stored
