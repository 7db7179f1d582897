"""Catalogue rules: finding, searching, sorting and paging products, storing their images, rendering
descriptions, and the admin's editing of products and categories."""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import nh3
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markdown_it import MarkdownIt
from markupsafe import Markup
from PIL import Image
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from storefront.catalog.models import Category, CategoryTranslation, Product, ProductImage, ProductTranslation
from storefront.catalog.search import matching_product_ids
from storefront.database import Page, utcnow
from storefront.extensions import db
from storefront.i18n import LANGUAGES

SORTS = ("new", "price", "-price", "name")
DEFAULT_SORT = "new"
MAX_QUERY_LENGTH = 100
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# What the shop shows: active and not archived (archiving also clears is_active; both are checked).
_FOR_SALE = (Product.is_active.is_(True), Product.archived_at.is_(None))


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
    """One page of active products, searched in every language (case-insensitive, % and _ literal) through
    the database's text index (catalog.search).

    Runs a fixed number of queries whatever the page holds: the count, the page (one query for both
    when searching, then the page's products), and one each for their translations and images.
    """
    conditions = [*_FOR_SALE]
    if category is not None:
        conditions.append(Product.category_id == category.id)
    if query:
        return _search_page(conditions, query=query, sort=sort, page=page, per_page=per_page, locale=locale)
    statement = (
        select(Product)
        .where(*conditions)
        .order_by(*_ordering(sort, locale))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(selectinload(Product.translations), selectinload(Product.images))
    )
    total = db.session.scalar(select(func.count(Product.id)).where(*conditions))
    items = list(db.session.scalars(statement))
    return ProductPage(items=items, page=page, per_page=per_page, total=total, sort=sort, query=query)


def _search_page(
    conditions: list, *, query: str, sort: str, page: int, per_page: int, locale: str,
) -> ProductPage:
    """A search's page in one query: the products for sale that match are found once (a materialized
    CTE of their ids and sort keys, from the text index) and give both the page's ids and the count of
    all matches; the page's products are then loaded by id.

    A separate count and page query would each match again, and fetching every matching id into Python
    costs more still. Same number of queries as the plain list.
    """
    matching = matching_product_ids(query, db.engine.dialect.name)
    hits = (
        select(Product.id, Product.created_at, Product.price).where(*conditions, Product.id.in_(matching))
        .cte("hits").prefix_with("MATERIALIZED")
    )
    total = select(func.count()).select_from(hits)
    paged = (
        select(hits.c.id, total.scalar_subquery())
        .order_by(*_ordering(sort, locale, hits.c)).limit(per_page).offset((page - 1) * per_page)
    )
    rows = db.session.execute(paged).all()
    if not rows:
        # Nothing on the first page is nothing at all; past the last page, the count is asked on its own.
        count = db.session.scalar(total) if page > 1 else 0
        return ProductPage(items=[], page=page, per_page=per_page, total=count, sort=sort, query=query)
    wanted = [product_id for product_id, _total in rows]
    loaded = db.session.scalars(
        select(Product).where(Product.id.in_(wanted))
        .options(selectinload(Product.translations), selectinload(Product.images))
    )
    by_id = {product.id: product for product in loaded}
    items = [by_id[product_id] for product_id in wanted if product_id in by_id]  # one may be gone meanwhile
    return ProductPage(items=items, page=page, per_page=per_page, total=rows[0][1], sort=sort, query=query)


def _ordering(sort: str, locale: str, columns=Product) -> list:
    """The ORDER BY of a sort, over Product or anything with its id, price and created_at (`columns`)."""
    if sort == "price":
        return [columns.price.asc(), columns.id.asc()]
    if sort == "-price":
        return [columns.price.desc(), columns.id.asc()]
    if sort == "name":
        wanted = aliased(ProductTranslation)
        name = (
            select(wanted.name)
            .where(wanted.product_id == columns.id)
            .order_by((wanted.locale != locale).asc())
            .limit(1)
            .scalar_subquery()
        )
        return [name.asc(), columns.id.asc()]
    return [columns.created_at.desc(), columns.id.desc()]


def get_product(slug: str) -> Product:
    """The active product with this slug, with texts, images and category loaded; raises NotFound."""
    product = db.session.scalar(
        select(Product)
        .where(Product.slug == slug, *_FOR_SALE)
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
            .where(*_FOR_SALE, Product.is_featured.is_(True))
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


# Descriptions ------------------------------------------------------------------------------------------

DESCRIPTION_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
LINK_SCHEMES = ("http", "https", "mailto")


def _shift_headings(state) -> None:
    # A description sits under the product's h1: its # and ## become h3, deeper headings h4.
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2") else "h4"


# CommonMark with raw HTML off (typed tags are shown as text) and links to web and mail addresses only.
_description_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
_LINK_PREFIXES = tuple(f"{scheme}:" for scheme in LINK_SCHEMES)
_description_markdown.validateLink = lambda url: url.strip().lower().startswith(_LINK_PREFIXES)
_description_markdown.core.ruler.push("shift_headings", _shift_headings)


def description_html(text: str | None) -> Markup:
    """A product description written in Markdown, as HTML reduced by nh3 to DESCRIPTION_TAGS.

    Raw HTML is not interpreted, links keep only http, https and mailto addresses, and nothing else
    (images, scripts, styles, event handlers, relative links) survives. This nh3 output is the only
    product text the templates may treat as markup.
    """
    html = nh3.clean(
        _description_markdown.render(text or ""), tags=DESCRIPTION_TAGS, attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES), url_relative="deny", link_rel="noopener noreferrer nofollow",
    )
    return Markup(html)  # nosec B704 # noqa: S704 - nh3 left only the allow-listed tags and attributes


# Editing in the admin -------------------------------------------------------------------------------------

LOW_STOCK = 5
PRODUCT_STATUSES = ("active", "inactive", "archived")
_STATUS_CONDITIONS = {
    "active": (Product.is_active.is_(True), Product.archived_at.is_(None)),
    "inactive": (Product.is_active.is_(False), Product.archived_at.is_(None)),
    "archived": (Product.archived_at.is_not(None),),
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
RACED = _l("Someone saved another product with this slug or SKU at the same moment. Please check and save again.")


class EditError(ValueError):
    """An edit the rules refuse; `errors` maps form field names to translated messages."""

    def __init__(self, errors: dict) -> None:
        super().__init__(errors)
        self.errors = errors


class InUse(ValueError):
    """The row cannot be deleted while others depend on it; the message is translated."""


@dataclass
class ProductData:
    """A product as the admin's form gives it; `texts` maps a language code to (name, summary, description)."""

    slug: str
    sku: str
    price: Decimal
    stock: int
    category_id: int | None
    is_active: bool
    is_featured: bool
    texts: dict[str, tuple[str, str, str]]


@dataclass
class CategoryData:
    """A category as the admin's form gives it; `texts` maps a language code to (name, description)."""

    slug: str
    is_active: bool
    texts: dict[str, tuple[str, str]]


def list_products_for_staff(
    *, query: str = "", category_id: int | None = None, status: str | None = None, low_stock: bool = False,
    page: int = 1, per_page: int = 25,
) -> Page:
    """One page of all products (inactive and archived too), newest first, texts, images and category loaded.

    `query` matches a name in any language, the SKU or the slug; `status` is one of PRODUCT_STATUSES;
    `low_stock` keeps those with LOW_STOCK or fewer left. A fixed number of queries whatever the page holds.
    """
    conditions = []
    if query:
        named = select(ProductTranslation.product_id).where(ProductTranslation.name.icontains(query, autoescape=True))
        conditions.append(or_(Product.id.in_(named), Product.sku.icontains(query, autoescape=True),
                              Product.slug.icontains(query, autoescape=True)))
    if category_id is not None:
        conditions.append(Product.category_id == category_id)
    conditions.extend(_STATUS_CONDITIONS.get(status, ()))
    if low_stock:
        conditions.append(Product.stock <= LOW_STOCK)
    total = db.session.scalar(select(func.count(Product.id)).where(*conditions))
    statement = (
        select(Product).where(*conditions).order_by(Product.created_at.desc(), Product.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
        .options(selectinload(Product.translations), selectinload(Product.images), selectinload(Product.category))
    )
    return Page(items=list(db.session.scalars(statement)), page=page, per_page=per_page, total=total)


def missing_languages(product: Product) -> list[str]:
    """The language codes in which the product's name, summary or description is empty (translations loaded)."""
    missing = []
    for code in LANGUAGES:
        row = product.translations.get(code)
        if row is None or not (row.name and row.summary and row.description):
            missing.append(code)
    return missing


def get_any_product(product_id: int) -> Product:
    """The product in any state (archived too), texts, images and category loaded afresh; raises NotFound."""
    product = db.session.scalar(
        select(Product).where(Product.id == product_id)
        .options(selectinload(Product.translations), selectinload(Product.images), selectinload(Product.category))
        .execution_options(populate_existing=True)
    )
    if product is None:
        raise NotFound(product_id)
    return product


def suggest_slug(text: str, max_length: int) -> str:
    """Lowercase ASCII letters, digits and single dashes made from the text (accents dropped); may be empty."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub("-", plain).strip("-")[:max_length].strip("-")


def _free_slug(model, base: str, own_id: int | None, max_length: int) -> str:
    """The base, or base-2, base-3… the first one no other row of the model has."""
    others = select(model.slug).where(model.slug.startswith(base[: max_length - 8], autoescape=True))
    if own_id is not None:
        others = others.where(model.id != own_id)
    taken, candidate, number = set(db.session.scalars(others)), base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def find_product_clashes(data: ProductData, own_id: int | None) -> dict:
    """{field: message} for the slug and SKU another product already has."""
    others = select(Product.slug, Product.sku).where(or_(Product.slug == data.slug, Product.sku == data.sku))
    if own_id is not None:
        others = others.where(Product.id != own_id)
    errors = {}
    for slug, sku in db.session.execute(others):
        if data.slug and slug == data.slug:
            errors["slug"] = _l("Another product already has this slug.")
        if sku == data.sku:
            errors["sku"] = _l("Another product already has this SKU.")
    return errors


def save_product(product: Product | None, data: ProductData) -> Product:
    """Create (product None) or update a product from the admin's data. Flushes; caller commits.

    An empty slug is made from the English name (else the SKU), with -2, -3… added until it is
    free. A language whose texts are all empty has no translation row. An archived product stays
    inactive until it is restored. Raises EditError, changing nothing, for a slug or SKU another
    product has or a category that no longer exists; a clash written by another request between
    that check and the flush raises IntegrityError (the caller rolls back and asks find_product_clashes).
    """
    own_id = product.id if product is not None else None
    errors = find_product_clashes(data, own_id)
    if data.category_id is not None and db.session.get(Category, data.category_id) is None:
        errors["category"] = _l("This category no longer exists. Please choose another.")
    if errors:
        raise EditError(errors)
    base = suggest_slug(data.texts.get("en", ("",))[0], 120) or suggest_slug(data.sku, 120) or "product"
    slug = data.slug or _free_slug(Product, base, own_id, 120)
    if product is None:
        product = Product(translations={}, images=[])
        db.session.add(product)
    product.slug = slug
    product.sku, product.price, product.stock = data.sku, data.price, data.stock
    product.category_id, product.is_featured = data.category_id, data.is_featured
    product.is_active = data.is_active and product.archived_at is None
    for code, (name, summary, description) in data.texts.items():
        _set_translation(product, ProductTranslation, code, name=name, summary=summary, description=description)
    db.session.flush()
    return product


def _set_translation(owner, row_class, code: str, **texts: str) -> None:
    """Set the owner's texts in one language; all empty removes that language's row."""
    row = owner.translations.get(code)
    if not any(texts.values()):
        if row is not None:
            del owner.translations[code]
        return
    if row is None:
        owner.translations[code] = row = row_class(locale=code)
    for field, text in texts.items():
        setattr(row, field, text)


def archive_product(product: Product) -> None:
    """Retire the product from the shop for good (orders keep naming it). Flushes; caller commits."""
    if product.archived_at is None:
        product.archived_at = utcnow()
    product.is_active = False
    db.session.flush()


def restore_product(product: Product) -> None:
    """Bring an archived product back, still inactive until staff make it active. Flushes; caller commits."""
    product.archived_at = None
    db.session.flush()


def delete_product(product: Product) -> list[str]:
    """Delete the product with its texts and image rows (translations and images loaded); returns the
    image file names, for the caller to remove once committed. Flushes. The caller checks first that
    no order names the product (orders live in a higher tier)."""
    names = [name for image in product.images for name in (image.filename, image.thumb_filename)]
    db.session.delete(product)
    db.session.flush()
    return names


def move_in_order(rows: list, row, direction: str) -> None:
    """Swap the row with its neighbour ("up" or "down") among the ordered rows and number them 0, 1, 2…
    Flushes; caller commits."""
    index = rows.index(row)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, item in enumerate(rows):
        item.position = position
    db.session.flush()


def list_all_categories() -> list[Category]:
    """Every category (inactive too) in the shop's order, texts loaded."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def category_product_counts() -> dict[int, int]:
    """How many products (archived too) each category holds, by category id."""
    counted = select(Product.category_id, func.count(Product.id)).where(Product.category_id.is_not(None))
    return dict(db.session.execute(counted.group_by(Product.category_id)).all())


def get_any_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(category_id)
    return category


def find_category_clashes(data: CategoryData, own_id: int | None) -> dict:
    """{"slug": message} when another category already has the slug."""
    others = select(Category.id).where(Category.slug == data.slug)
    if own_id is not None:
        others = others.where(Category.id != own_id)
    if data.slug and db.session.scalar(others.limit(1)) is not None:
        return {"slug": _l("Another category already has this slug.")}
    return {}


def save_category(category: Category | None, data: CategoryData) -> Category:
    """Create (category None, placed last) or update a category. Flushes; caller commits.

    An empty slug is made from the English name. Raises EditError, changing nothing, for a slug
    another category has; one written meanwhile by another request raises IntegrityError.
    """
    own_id = category.id if category is not None else None
    if errors := find_category_clashes(data, own_id):
        raise EditError(errors)
    base = suggest_slug(data.texts.get("en", ("",))[0], 80) or "category"
    slug = data.slug or _free_slug(Category, base, own_id, 80)
    if category is None:
        last = db.session.scalar(select(func.max(Category.position)))
        category = Category(position=(last or 0) + 1)
        db.session.add(category)
    category.slug = slug
    category.is_active = data.is_active
    for code, (name, description) in data.texts.items():
        _set_translation(category, CategoryTranslation, code, name=name, description=description)
    db.session.flush()
    return category


def move_category(category: Category, direction: str) -> None:
    """Move the category one place up or down in the shop's order. Flushes; caller commits."""
    move_in_order(list_all_categories(), category, direction)


def delete_category(category: Category) -> None:
    """Delete an empty category. Raises InUse while any product (archived too) is in it. Flushes."""
    count = category_product_counts().get(category.id, 0)
    if count:
        raise InUse(ngettext(
            "This category still holds %(num)d product. Move it to another category first.",
            "This category still holds %(num)d products. Move them to another category first.", count))
    db.session.delete(category)
    db.session.flush()
