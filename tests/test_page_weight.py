"""Page weight (issue #8): what a phone downloads for a product page, and how the shop's images are marked up.

Run on the demo catalogue, the shop's real texts and pictures, seeded once for the module. The budget is the
uncompressed HTML of the heaviest demo product page plus every stylesheet and script it links.
"""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront import assets
from storefront.catalog.demo import seed_demo
from storefront.catalog.models import Category, Product
from storefront.extensions import db

BUDGET = 60 * 1024
STATIC = Path(__file__).resolve().parent.parent / "storefront" / "static"


class Assets(HTMLParser):
    """Collects the <img> tags and the stylesheet and script URLs of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self.linked: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes)
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.linked.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.linked.append(attributes["src"])


def parse(page: str) -> Assets:
    parser = Assets()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def demo(module_app):
    """The demo catalogue, with static URLs versioned as the shop serves them."""
    assets.init_app(module_app)
    with module_app.app_context():
        seed_demo(module_app.config["UPLOAD_DIR"])
        db.session.commit()
        products = db.session.scalars(select(Product).where(Product.is_active)
                                    .options(selectinload(Product.images), selectinload(Product.translations))).all()
        # The page with the most text and pictures is the heaviest.
        heaviest = max(products, key=lambda p: (len(p.images), sum(len(t.description or "") for t in p.translations.values())))
        category = db.session.scalars(select(Category).order_by(Category.position)).first()
        return {"product": heaviest.slug, "category": category.slug}


@pytest.fixture
def client(module_app, demo):
    return module_app.test_client()


def fetched_size(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    size = len(response.get_data())
    response.close()
    return size


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_product_page_html_css_and_js_stay_under_60_kb(client, demo, lang):
    response = client.get(f"/{lang}/products/{demo['product']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    linked = parse(page).linked
    assert any(".css" in url for url in linked) and any(".js" in url for url in linked)
    sizes = {url: fetched_size(client, url) for url in linked}
    total = len(response.get_data()) + sum(sizes.values())
    assert total < BUDGET, f"{total} bytes: HTML {len(response.get_data())}, {sizes}"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["home", "category", "list", "product"])
def test_every_image_is_webp_or_svg_with_its_size(client, demo, lang, page):
    url = {"home": f"/{lang}/", "category": f"/{lang}/categories/{demo['category']}",
           "list": f"/{lang}/products", "product": f"/{lang}/products/{demo['product']}"}[page]
    images = parse(client.get(url).get_data(as_text=True)).images
    assert len(images) > 1, "the demo pages show product pictures"
    for image in images:
        assert re.search(r"\.(webp|svg)(\?|$)", image["src"]), image
        assert image.get("width", "").isdigit() and image.get("height", "").isdigit(), image
        assert "alt" in image, image


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["category", "list"])
def test_listing_loads_its_first_row_at_once_and_the_rest_lazily(client, demo, lang, page):
    url = f"/{lang}/categories/{demo['category']}" if page == "category" else f"/{lang}/products"
    products = [i for i in parse(client.get(url).get_data(as_text=True)).images if "/media/" in i["src"]]
    assert len(products) > 4
    assert products[0].get("fetchpriority") == "high" and "loading" not in products[0]
    assert all("loading" not in image for image in products[1:4])
    assert all(image.get("loading") == "lazy" for image in products[4:])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_featured_pictures_below_the_fold_are_lazy(client, demo, lang):
    products = [i for i in parse(client.get(f"/{lang}/").get_data(as_text=True)).images if "/media/" in i["src"]]
    assert products and all(image.get("loading") == "lazy" for image in products)


def test_product_page_first_picture_is_urgent_and_the_others_lazy(client, demo):
    pictures = [i for i in parse(client.get(f"/en/products/{demo['product']}").get_data(as_text=True)).images
                if "/media/" in i["src"]]
    assert pictures[0].get("fetchpriority") == "high" and "loading" not in pictures[0]
    assert all(image.get("loading") == "lazy" for image in pictures[1:])


def test_static_urls_carry_a_hash_of_the_file(client, demo, module_app):
    linked = parse(client.get("/en/").get_data(as_text=True)).linked
    css = next(url for url in linked if "shop.css" in url)
    version = re.search(r"[?&]v=([0-9a-f]{12})$", css)
    assert version, css
    assert version.group(1) == assets.static_version(module_app, "css/shop.css")
    # A changed file gets a new URL: the hash is the content's.
    assert hashlib.sha256((STATIC / "css/shop.css").read_bytes()).hexdigest().startswith(version.group(1))
    assert fetched_size(client, css) == (STATIC / "css/shop.css").stat().st_size


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cart_is_kept_out_of_search_engines_and_the_catalogue_is_not(client, demo, lang):
    assert '<meta name="robots" content="noindex">' in client.get(f"/{lang}/cart").get_data(as_text=True)
    for url in (f"/{lang}/", f"/{lang}/categories/{demo['category']}", f"/{lang}/products/{demo['product']}"):
        assert 'name="robots"' not in client.get(url).get_data(as_text=True), url
