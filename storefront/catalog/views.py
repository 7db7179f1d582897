"""Catalogue pages: home, product list, category and product detail."""

from flask import Blueprint, abort, current_app, render_template, request

from storefront.catalog import services
from storefront.database import parse_page
from storefront.i18n import LANG_PREFIX, request_language

bp = Blueprint("catalog", __name__, template_folder="templates", url_prefix=LANG_PREFIX)
bp.add_app_template_filter(services.description_html, "description_html")


def _render_listing(endpoint: str, category=None, base_args: dict | None = None):
    base_args = base_args or {}
    listing = services.find_products(
        query=services.clean_query(request.args.get("q")),
        category=category,
        sort=services.parse_sort(request.args.get("sort")),
        page=parse_page(request.args.get("page")),
        per_page=current_app.config["PRODUCTS_PER_PAGE"],
        locale=request_language(),
    )
    # The arguments that rebuild this listing's URL for another page.
    args = dict(base_args)
    if listing.query:
        args["q"] = listing.query
    if listing.sort != services.DEFAULT_SORT:
        args["sort"] = listing.sort
    return render_template(
        "catalog/product_list.html", listing=listing, category=category, endpoint=endpoint,
        base_args=base_args, args=args,
    )


@bp.get("/")
def index():
    return render_template(
        "catalog/index.html", categories=services.list_categories(), featured=services.featured_products()
    )


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
    try:
        return services.get_category(slug)
    except services.NotFound:
        abort(404)
