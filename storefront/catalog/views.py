"""Catalogue pages: home, product list, category and product detail."""

from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, request

from storefront.catalog import services
from storefront.catalog.fragments import cached, catalog_version, footer, render_fragment
from storefront.database import parse_page
from storefront.i18n import LANG_PREFIX, request_language

bp = Blueprint("catalog", __name__, template_folder="templates", url_prefix=LANG_PREFIX)
bp.add_app_template_filter(services.description_html, "description_html")
bp.add_app_template_global(footer, "footer")


def _render_listing(endpoint: str, category=None, base_args: dict | None = None):
    base_args = base_args or {}
    locale = request_language()
    query = services.clean_query(request.args.get("q"))
    sort = services.parse_sort(request.args.get("sort"))
    page = parse_page(request.args.get("page"))
    per_page = current_app.config["PRODUCTS_PER_PAGE"]
    # The arguments that rebuild this listing's URL for another page.
    args = dict(base_args)
    if query:
        args["q"] = query
    if sort != services.DEFAULT_SORT:
        args["sort"] = sort

    def render_content():
        listing = services.find_products(query=query, category=category, sort=sort, page=page,
                                         per_page=per_page, locale=locale)
        content = render_fragment("catalog/_listing_content.html", listing=listing, category=category,
                                  endpoint=endpoint, base_args=base_args, args=args)
        # The page's own parts need the counts, not the products (which belong to this request's session).
        return replace(listing, items=[]), content

    key = ("listing", locale, endpoint, tuple(sorted(base_args.items())), query, sort, page, per_page)
    listing, content = cached(key, render_content)
    return render_template(
        "catalog/product_list.html", listing=listing, content=content, category=category, endpoint=endpoint,
        base_args=base_args, args=args,
    )


@bp.get("/")
def index():
    def render_content():
        return render_fragment("catalog/_home_content.html", categories=services.list_categories(),
                               featured=services.featured_products())

    return render_template("catalog/index.html", content=cached(("home", request_language()), render_content))


@bp.get("/products")
def product_list():
    slug = request.args.get("category")
    if not slug:
        return _render_listing("catalog.product_list")
    return _render_listing("catalog.product_list", _category_or_404(slug), {"category": slug})


@bp.get("/categories/<slug>")
def category_detail(slug):
    return _render_listing("catalog.category_detail", _category_or_404(slug), {"slug": slug})


@bp.get("/products/<slug>")
def product_detail(slug):
    try:
        product = services.get_product(slug)
    except services.NotFound:
        abort(404)
    return render_template("catalog/product_detail.html", product=product)


def _category_or_404(slug):
    catalog_version()  # read before the category, as before everything the cached content shows (fragments)
    try:
        return services.get_category(slug)
    except services.NotFound:
        abort(404)
