"""Catalogue editing: products in both languages (list, search, filters, create, edit, archive, delete),
safe descriptions, categories (create, edit, order, delete when empty)."""

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, ngettext
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront.catalog import services
from storefront.catalog.models import Category, Product
from storefront.database import utcnow
from storefront.extensions import db
from tests.admin import client_as, field_error, input_value, shared, sign_in, translated
from tests.conftest import category_maker, product_maker, user_maker

NAME_NEEDED = "Give a name in at least one language."
SLUG_FORMAT = "Use letters a–z, digits and single dashes, such as star-scout-80."
SKU_FORMAT = "Use letters A–Z, digits and single dashes, such as TS-80-ED."
AMOUNT = "Enter an amount such as 12.50 (digits, at most two decimals)."
NEGATIVE = "A price cannot be negative."
WHOLE = "Enter a whole number such as 12 (zero or more)."
CHOOSE = "Choose a category from the list."
TOO_LONG = "Field cannot be longer than %(max)d characters."
RACED = "Someone saved another product with this slug or SKU at the same moment. Please check and save again."
TABLES = ("product", "product_translation", "product_image", "category", "category_translation")


def catalogue(app) -> dict:
    """Every catalogue row, to prove a refused request wrote nothing."""
    with app.app_context():
        return {name: [tuple(row) for row in db.session.execute(
            select(db.metadata.tables[name]).order_by(db.metadata.tables[name].c.id))] for name in TABLES}


def product_form(**overrides) -> dict:
    return {"name_en": "Star Scout 80", "summary_en": "A small refractor", "description_en": "Sharp **stars**.",
            "name_zh": "星探 80", "summary_zh": "小型折射镜", "description_zh": "星点**锐利**。",
            "slug": "", "sku": "ts-80", "price": "499.50", "stock": "7", "category": "", "is_active": "y", **overrides}


def category_form(**overrides) -> dict:
    return {"name_en": "Star Charts", "description_en": "Maps of the sky", "name_zh": "星图",
            "description_zh": "星空地图", "slug": "", "is_active": "y", **overrides}


def product_in_db(app, product_id: int) -> SimpleNamespace | None:
    with app.app_context():
        product = db.session.get(Product, product_id, options=[selectinload(Product.translations)])
        if product is None:
            return None
        texts = {code: (row.name, row.summary, row.description) for code, row in product.translations.items()}
        return SimpleNamespace(**{c.name: getattr(product, c.name) for c in Product.__table__.columns}, texts=texts)


def listed(page: str, lang: str = "en") -> list[int]:
    """The product ids the admin list shows, in order."""
    return [int(i) for i in re.findall(rf'<a href="/{lang}/admin/products/(\d+)">', page)]


def created_id(response) -> int:
    return int(re.search(r"/admin/products/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def shop(app, make_user):
    make_user(role="staff", email="staff@example.com")
    return SimpleNamespace(app=app, client=sign_in(app, "staff@example.com"))


# Creating and editing -------------------------------------------------------------------------------------


def test_a_new_product_with_both_texts_appears_in_both_shop_languages(shop, client, make_category):
    category = make_category(slug="telescopes")
    response = shop.client.post("/en/admin/products/new", data=product_form(category=str(category.id)))
    assert response.status_code == 303
    product = product_in_db(shop.app, created_id(response))
    assert (product.slug, product.sku, product.price, product.stock) == ("star-scout-80", "TS-80", Decimal("499.50"), 7)
    assert (product.is_active, product.is_featured, product.category_id) == (True, False, category.id)
    assert product.texts == {"en": ("Star Scout 80", "A small refractor", "Sharp **stars**."),
                             "zh": ("星探 80", "小型折射镜", "星点**锐利**。")}
    edit_page = shop.client.get(response.headers["Location"]).get_data(as_text=True)
    assert translated(shop.app, "en", "The product is saved. You can add pictures now.") in edit_page

    english = client.get("/en/products/star-scout-80").get_data(as_text=True)
    assert "<h1>Star Scout 80</h1>" in english and "A small refractor" in english
    assert "Sharp <strong>stars</strong>." in english and "星探" not in english
    chinese = client.get("/zh/products/star-scout-80").get_data(as_text=True)
    assert "<h1>星探 80</h1>" in chinese and "小型折射镜" in chinese and "星点<strong>锐利</strong>。" in chinese
    assert "Star Scout" not in chinese
    assert "Star Scout 80" in client.get("/en/categories/telescopes").get_data(as_text=True)


def test_an_empty_slug_is_made_from_the_english_name_and_kept_unique(shop):
    first = shop.client.post("/en/admin/products/new", data=product_form(sku="A-1"))
    second = shop.client.post("/en/admin/products/new", data=product_form(sku="A-2"))
    accents = shop.client.post("/en/admin/products/new", data=product_form(sku="A-3", name_en="Café Ölberg 3000!"))
    chinese_only = shop.client.post("/en/admin/products/new", data=product_form(sku="zh-only", name_en=""))
    slugs = [product_in_db(shop.app, created_id(r)).slug for r in (first, second, accents, chinese_only)]
    assert slugs == ["star-scout-80", "star-scout-80-2", "cafe-olberg-3000", "zh-only"]


def test_a_typed_slug_is_stored_lowercase_and_the_sku_upper_case(shop):
    response = shop.client.post("/en/admin/products/new", data=product_form(slug="My-Lens-2", sku="ab-12x"))
    product = product_in_db(shop.app, created_id(response))
    assert (product.slug, product.sku) == ("my-lens-2", "AB-12X")


def test_control_characters_are_removed_from_the_texts(shop):
    data = product_form(name_en="Lens\x00 Cap\x07", summary_en=" Fits\t52 mm ", description_en="One\r\nTwo\x00\n\nThree")
    product = product_in_db(shop.app, created_id(shop.client.post("/en/admin/products/new", data=data)))
    assert product.texts["en"] == ("Lens Cap", "Fits52 mm", "One\nTwo\n\nThree")


def test_one_language_is_enough_and_the_missing_one_is_flagged_in_the_list(shop, client, make_product):
    data = product_form(name_zh="", summary_zh="", description_zh="")
    response = shop.client.post("/en/admin/products/new", data=data)
    assert response.status_code == 303
    english_only = product_in_db(shop.app, created_id(response))
    assert set(english_only.texts) == {"en"}
    no_zh_description = make_product(zh={"name": "望远镜", "summary": "简介", "description": ""})
    complete = make_product()

    page = shop.client.get("/en/admin/products").get_data(as_text=True)
    rows = dict(zip(listed(page), re.split(r'<a href="/en/admin/products/\d+">', page)[1:]))
    flagged = translated(shop.app, "en", "%(language)s text missing", language="Chinese")
    for product_id in (english_only.id, no_zh_description.id):
        row = rows[product_id].split("</tr>")[0]
        assert 'data-missing="zh"' in row and flagged in row and 'data-missing="en"' not in row
    assert "data-missing" not in rows[complete.id].split("</tr>")[0]
    # The shop shows the English text in Chinese, marked as English.
    chinese = client.get("/zh/products/star-scout-80").get_data(as_text=True)
    assert '<span lang="en">Star Scout 80</span>' in chinese


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_a_name_in_any_language_both_name_fields_say_so(shop, lang):
    before = catalogue(shop.app)
    response = shop.client.post(f"/{lang}/admin/products/new", data=product_form(name_en="  ", name_zh="\x00"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("name_en", "name_zh"):
        assert field_error(page, field) == translated(shop.app, lang, NAME_NEEDED)
    assert input_value(page, "sku") == "ts-80" and input_value(page, "summary_en") == "A small refractor"
    assert catalogue(shop.app) == before


BAD_INPUT = [
    ("sku", "", "Enter the SKU."), ("sku", "ab c", SKU_FORMAT), ("sku", "ÄB-1", SKU_FORMAT), ("sku", "a--b", SKU_FORMAT),
    ("sku", "-ab", SKU_FORMAT), ("sku", "ab/../c", SKU_FORMAT), ("sku", "<b>", SKU_FORMAT), ("sku", "x" * 41, TOO_LONG),
    ("slug", "Not valid!", SLUG_FORMAT), ("slug", "ａｂｃ", SLUG_FORMAT), ("slug", "a_b", SLUG_FORMAT),
    ("slug", "a/b", SLUG_FORMAT), ("slug", "-a", SLUG_FORMAT), ("slug", "é", SLUG_FORMAT), ("slug", "a" * 121, TOO_LONG),
    ("price", "", "Enter the price."), ("price", "abc", AMOUNT), ("price", "1.234", AMOUNT), ("price", "1e3", AMOUNT),
    ("price", "NaN", AMOUNT), ("price", "Infinity", AMOUNT), ("price", "12,50", AMOUNT), ("price", "１２", AMOUNT),
    ("price", "99999999999", AMOUNT), ("price", "1.", AMOUNT), ("price", ".5", AMOUNT), ("price", "- 1", AMOUNT),
    ("price", "-1", NEGATIVE), ("price", "-0.50", NEGATIVE),
    ("stock", "", "Enter how many are in stock."), ("stock", "-1", WHOLE), ("stock", "1.5", WHOLE), ("stock", "abc", WHOLE),
    ("stock", "9999999999", WHOLE), ("stock", "²", WHOLE), ("stock", "٣", WHOLE), ("stock", "1e3", WHOLE),
    ("category", "999999", CHOOSE), ("category", "abc", CHOOSE), ("category", "1 OR 1=1", CHOOSE),
    ("name_en", "x" * 201, TOO_LONG), ("summary_zh", "x" * 301, TOO_LONG), ("description_en", "x" * 20001, TOO_LONG),
]
MAXIMA = {"sku": 40, "slug": 120, "name_en": 200, "summary_zh": 300, "description_en": 20000}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(module_shop, field, value, message, lang):
    shop = module_shop  # with a category to choose from
    before = catalogue(shop.app)
    response = shop.client.post(f"/{lang}/admin/products/new", data=product_form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = field_error(page, field)
    if message == TOO_LONG:  # WTForms' own message, from its own catalogue
        assert str(MAXIMA[field]) in error
        assert (error == TOO_LONG % {"max": MAXIMA[field]}) is (lang == "en")
    else:
        assert error == translated(shop.app, lang, message)
    assert 'aria-invalid="true"' in page and f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page
    if field in ("sku", "slug", "price", "stock") and value.strip():
        assert input_value(page, field) == value
    assert catalogue(shop.app) == before


@pytest.mark.parametrize("field, value, message", [b for b in BAD_INPUT if b[0] in ("price", "stock", "sku")][::3])
def test_bad_input_on_the_edit_page_changes_nothing(shop, make_product, field, value, message):
    product = make_product()
    before = catalogue(shop.app)
    response = shop.client.post(f"/en/admin/products/{product.id}", data=product_form(**{field: value}))
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), field)
    assert catalogue(shop.app) == before


def test_a_slug_or_sku_another_product_has_is_refused_beside_the_field(shop, make_product):
    make_product(slug="taken", sku="TAKEN-1")
    mine = make_product(slug="mine", sku="MINE-1")
    before = catalogue(shop.app)
    response = shop.client.post("/en/admin/products/new", data=product_form(slug="taken", sku="taken-1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "slug") == translated(shop.app, "en", "Another product already has this slug.")
    assert field_error(page, "sku") == translated(shop.app, "en", "Another product already has this SKU.")
    edited = shop.client.post(f"/zh/admin/products/{mine.id}", data=product_form(slug="taken", sku="MINE-1"))
    assert edited.status_code == 422
    assert field_error(edited.get_data(as_text=True), "slug") == translated(
        shop.app, "zh", "Another product already has this slug.")
    assert catalogue(shop.app) == before
    # A product keeps its own slug and SKU without a clash.
    kept = shop.client.post(f"/en/admin/products/{mine.id}", data=product_form(slug="mine", sku="mine-1"))
    assert kept.status_code == 303


@pytest.mark.parametrize("field, typed", [("slug", {"slug": "taken"}), ("sku", {"sku": "TAKEN-1"})])
def test_a_clash_written_by_another_request_meanwhile_is_shown_beside_the_field(shop, make_product, monkeypatch,
                                                                                  field, typed):
    make_product(slug="taken", sku="TAKEN-1")
    real = services.find_product_clashes
    calls = []

    def blind_first(data, own_id):
        # The first check (before the write) sees nothing: the other request had not committed yet.
        calls.append(own_id)
        return {} if len(calls) == 1 else real(data, own_id)

    monkeypatch.setattr(services, "find_product_clashes", blind_first)
    before = catalogue(shop.app)
    response = shop.client.post("/en/admin/products/new", data=product_form(**typed))
    assert response.status_code == 422 and len(calls) == 2
    expected = "Another product already has this slug." if field == "slug" else "Another product already has this SKU."
    assert field_error(response.get_data(as_text=True), field) == translated(shop.app, "en", expected)
    assert catalogue(shop.app) == before


def test_a_clash_that_is_gone_again_asks_to_save_again(shop, make_product, monkeypatch):
    make_product(slug="taken")
    monkeypatch.setattr(services, "find_product_clashes", lambda data, own_id: {})
    response = shop.client.post("/en/admin/products/new", data=product_form(slug="taken"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "slug") == translated(shop.app, "en", RACED)


def test_editing_changes_the_product_and_an_emptied_language_loses_its_row(shop, make_product, make_category):
    product = make_product(slug="old", sku="OLD-1", en={"name": "Old", "summary": "S", "description": "D"},
                           zh={"name": "旧", "summary": "简", "description": "述"})
    category = make_category()
    page = shop.client.get(f"/en/admin/products/{product.id}").get_data(as_text=True)
    assert input_value(page, "name_en") == "Old" and input_value(page, "name_zh") == "旧"
    assert input_value(page, "sku") == "OLD-1" and input_value(page, "price") == "10.00"
    data = product_form(slug="new", sku="NEW-1", name_en="New", name_zh="", summary_zh="", description_zh="",
                        price="12", stock="0", category=str(category.id), is_featured="y")
    del data["is_active"]
    response = shop.client.post(f"/en/admin/products/{product.id}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/en/admin/products/{product.id}")
    saved = product_in_db(shop.app, product.id)
    assert (saved.slug, saved.sku, saved.price, saved.stock, saved.category_id) == ("new", "NEW-1", Decimal("12.00"), 0,
                                                                                   category.id)
    assert (saved.is_active, saved.is_featured) == (False, True)
    assert saved.texts == {"en": ("New", "A small refractor", "Sharp **stars**.")}
    assert translated(shop.app, "en", "The product is saved.") in shop.client.get(
        response.headers["Location"]).get_data(as_text=True)


# The list -----------------------------------------------------------------------------------------------------


def build_stock(make_product, make_category) -> SimpleNamespace:
    lenses, scopes = make_category(slug="lenses"), make_category(slug="scopes")
    return SimpleNamespace(
        macro=make_product(slug="macro-lens", sku="ML-100", stock=5, category=lenses,
                           en={"name": "Macro Lens", "summary": "", "description": ""},
                           zh={"name": "微距镜头", "summary": "", "description": ""}),
        tripod=make_product(slug="tripod-stand", sku="TR-1", stock=6, category=scopes,
                            en={"name": "Tripod", "summary": "", "description": ""},
                            zh={"name": "三脚架", "summary": "", "description": ""}),
        hidden=make_product(slug="hidden", sku="HID-1", stock=0, is_active=False),
        archived=make_product(slug="retired", sku="RET-1", stock=50, is_active=False, archived_at=utcnow(),
                              category=lenses),
        lenses=lenses, scopes=scopes,
    )


@pytest.fixture(scope="module")
def shared_shop(module_app):
    """A staff member, the stocked products and one more category, built once for the module: for the tests
    that only read the list, or whose every request is refused (each checks that the catalogue is unchanged)."""
    staff = user_maker(module_app)(role="staff", email="staff@example.com")
    make_category = category_maker(module_app)
    shop = shared(SimpleNamespace(app=module_app, staff=staff,
                                  stocked=build_stock(product_maker(module_app), make_category)))
    make_category()
    return shop


@pytest.fixture
def module_shop(shared_shop):
    """The module's shop, with a staff client of the test's own."""
    return SimpleNamespace(app=shared_shop.app, stocked=shared_shop.stocked, client=client_as(shared_shop, "staff"))


@pytest.mark.parametrize("query, expected", [
    ("macro", ["macro"]), ("MACRO", ["macro"]), ("微距", ["macro"]), ("三脚", ["tripod"]), ("tr-1", ["tripod"]),
    ("tripod-st", ["tripod"]), ("ml-100", ["macro"]), ("%", []), ("_", []), ("retired", ["archived"]),
])
def test_search_finds_names_in_either_language_skus_and_slugs(module_shop, query, expected):
    shop, stocked = module_shop, module_shop.stocked
    page = shop.client.get("/en/admin/products", query_string={"q": query}).get_data(as_text=True)
    assert listed(page) == [getattr(stocked, name).id for name in expected]


@pytest.mark.parametrize("query, expected", [
    ({}, ["archived", "hidden", "tripod", "macro"]),
    ({"category": "lenses"}, ["archived", "macro"]),
    ({"status": "active"}, ["tripod", "macro"]),
    ({"status": "inactive"}, ["hidden"]),
    ({"status": "archived"}, ["archived"]),
    ({"low_stock": "y"}, ["hidden", "macro"]),
    ({"low_stock": "y", "status": "active", "category": "lenses"}, ["macro"]),
])
def test_filters_by_category_status_and_low_stock(module_shop, query, expected):
    shop, stocked = module_shop, module_shop.stocked
    if "category" in query:
        query = {**query, "category": str(getattr(stocked, query["category"]).id)}
    response = shop.client.get("/zh/admin/products", query_string=query)
    assert response.status_code == 200
    assert listed(response.get_data(as_text=True), "zh") == [getattr(stocked, name).id for name in expected]


@pytest.mark.parametrize("name", ["q", "category", "status", "low_stock", "page"])
@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999", "1e3", "²", "２", "", " ", "\x00", "1\x00",
                                   "' OR 1=1 --", "%", "x" * 2000])
def test_a_malformed_filter_is_left_out_never_500(module_shop, name, value):
    shop = module_shop  # with the stocked products
    response = shop.client.get("/en/admin/products", query_string={name: value})
    assert response.status_code == 200
    shown = listed(response.get_data(as_text=True))
    if name in ("category", "status", "page"):
        assert len(shown) == 4
    if name == "low_stock":
        assert len(shown) in (2, 4)


def test_pages_of_25_newest_first_and_a_page_past_the_last(shop, make_product):
    ids = [make_product().id for _ in range(26)]
    first = shop.client.get("/en/admin/products").get_data(as_text=True)
    assert listed(first) == ids[::-1][:25]
    assert 'href="/en/admin/products?page=2"' in first
    second = shop.client.get("/en/admin/products?page=2").get_data(as_text=True)
    assert listed(second) == [ids[0]]
    for malformed in ("abc", "0", "-2"):
        assert listed(shop.client.get(f"/en/admin/products?page={malformed}").get_data(as_text=True)) == ids[::-1][:25]
    past = shop.client.get("/en/admin/products?page=99&status=active")
    assert past.status_code == 200
    page = past.get_data(as_text=True)
    assert listed(page) == [] and translated(shop.app, "en", "No products match these filters.") in page
    assert 'href="/en/admin/products?status=active" class="button" rel="prev"' in page


def test_the_list_runs_the_same_queries_for_one_product_or_a_full_page(shop, app, make_product, make_category,
                                                                        count_queries):
    def add_product():
        product = make_product(category=make_category())
        with app.app_context():
            services.save_product_image(db.session.get(Product, product.id), Image.new("RGB", (40, 30), "red"),
                                        app.config["UPLOAD_DIR"])
            db.session.commit()

    add_product()
    shop.client.get("/en/admin/products")  # the first page of a session also looks for a cart
    with count_queries() as one:
        assert shop.client.get("/en/admin/products").status_code == 200
    for _ in range(24):
        add_product()
    with count_queries() as many:
        page = shop.client.get("/en/admin/products?low_stock=y").get_data(as_text=True)
    assert len(listed(page)) == 25 and page.count('src="/media/') == 25
    assert one() == many() <= 10


# Descriptions and stored XSS ------------------------------------------------------------------------------------

HOSTILE_DESCRIPTION = "\n\n".join([
    '<script>alert("d")</script>', "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
    '<a href="javascript:alert(2)">raw</a>', "![pic](https://evil.example/x.png)", "[rel](/en/cart)",
    "[data](data:text/html;base64,PHNjcmlwdD4=)", "[vb](VBScript:msgbox)", '<iframe src="https://evil.example"></iframe>',
    '<p style="color:red" onclick="alert(3)">styled</p>', "[ok](https://example.com/ok) **bold** *it* `code`",
    "# Heading", "- item", "> quoted", "[mail](mailto:shop@example.com)",
])


def description_block(page: str, css_class: str) -> str:
    return re.search(rf'<div class="{css_class}"[^>]*>(.*?)</div>', page, re.S).group(1)


def assert_inert(fragment: str) -> None:
    assert "<script" not in fragment and "<img" not in fragment and "<iframe" not in fragment
    assert not re.search(r"<[^>]*\bon\w+\s*=", fragment), "an event handler attribute survived"
    assert not re.search(r"<[^>]*\bstyle\s*=", fragment)
    links = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', fragment)
    assert set(links) <= {"https://example.com/ok", "mailto:shop@example.com"}, links


def test_descriptions_keep_the_safe_formatting_and_nothing_hostile(shop, client, make_product):
    product = make_product(slug="hostile", en={"name": "Hostile", "summary": "", "description": HOSTILE_DESCRIPTION},
                           zh=None)
    public = description_block(client.get("/en/products/hostile").get_data(as_text=True), "description prose")
    preview = description_block(shop.client.get(f"/en/admin/products/{product.id}").get_data(as_text=True),
                                "description-preview prose")
    for fragment in (public, preview):
        assert_inert(fragment)
        assert '<a href="https://example.com/ok" rel="noopener noreferrer nofollow">ok</a>' in fragment
        assert '<a href="mailto:shop@example.com" rel="noopener noreferrer nofollow">mail</a>' in fragment
        assert "<strong>bold</strong>" in fragment and "<em>it</em>" in fragment and "<code>code</code>" in fragment
        assert "<h3>Heading</h3>" in fragment and "<li>item</li>" in fragment and "<blockquote>" in fragment
        assert "&lt;script&gt;" in fragment  # typed HTML is shown as text
    # A fallback description keeps its lang attribute around the rendered HTML.
    chinese = client.get("/zh/products/hostile").get_data(as_text=True)
    assert re.search(r'<div class="description prose" lang="en">', chinese)


def test_description_html_is_sanitised_by_itself():
    html = services.description_html('x <b onmouseover="a()">b</b>\n\n[j](jAvAsCrIpT:alert(1))\n\n###### deep')
    assert_inert(str(html))
    assert "<h4>deep</h4>" in html and "<b" not in html
    assert services.description_html(None) == ""


def test_stored_xss_in_product_and_category_texts_is_inert_in_admin_and_shop(shop, client, make_product,
                                                                              make_category):
    name, summary = "<script>alert('n')</script>", '"><svg onload=alert(2)>'
    category = make_category(slug="cat", en={"name": "<img src=x onerror=alert(4)>", "description": ""})
    product = make_product(slug="xss", is_featured=True, category=category,
                           en={"name": name, "summary": summary, "description": ""})
    pages = [shop.client.get(url).get_data(as_text=True) for url in (
        "/en/admin/products", f"/en/admin/products/{product.id}", "/en/admin/categories",
        f"/en/admin/categories/{category.id}")]
    pages += [client.get(url).get_data(as_text=True) for url in ("/en/products/xss", "/en/", "/en/products")]
    for page in pages:
        assert name not in page and "<svg onload" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;" in pages[0]
    assert input_value(pages[1], "summary_en") == summary  # shown back exactly, escaped in the attribute


# Archiving and deleting --------------------------------------------------------------------------------------


def test_an_ordered_product_cannot_be_deleted_only_archived_and_restored(shop, client, make_product, buy):
    product = make_product(slug="ordered", is_featured=True, en={"name": "Ordered Lens", "summary": "", "description": ""})
    bought = buy(product)
    assert bought.status_code == 303
    order_page = bought.headers["Location"]
    edit = f"/en/admin/products/{product.id}"
    page = shop.client.get(edit).get_data(as_text=True)
    assert f'action="{edit}/delete"' not in page
    assert translated(shop.app, "en", "This product has been ordered, so it cannot be deleted, only archived.") in page

    before = catalogue(shop.app)
    refused = shop.client.post(f"{edit}/delete")
    assert refused.status_code == 409
    assert translated(shop.app, "en", "This product has been ordered, so it cannot be deleted. Archive it instead.") in (
        refused.get_data(as_text=True))
    assert catalogue(shop.app) == before

    assert shop.client.post(f"{edit}/archive").status_code == 303
    archived = product_in_db(shop.app, product.id)
    assert archived.archived_at is not None and archived.is_active is False
    assert client.get("/en/products/ordered").status_code == 404
    assert "Ordered Lens" not in client.get("/en/products").get_data(as_text=True)
    assert "Ordered Lens" not in client.get("/en/").get_data(as_text=True)
    assert "Ordered Lens" in client.get(order_page).get_data(as_text=True)  # the order still shows it
    assert listed(shop.client.get("/en/admin/products?status=archived").get_data(as_text=True)) == [product.id]
    assert listed(shop.client.get("/en/admin/products?status=active").get_data(as_text=True)) == []

    # Saving the form with "active" ticked does not bring an archived product back.
    assert shop.client.post(edit, data=product_form(slug="ordered", is_active="y")).status_code == 303
    assert product_in_db(shop.app, product.id).is_active is False

    assert shop.client.post(f"{edit}/restore").status_code == 303
    restored = product_in_db(shop.app, product.id)
    assert restored.archived_at is None and restored.is_active is False
    assert client.get("/en/products/ordered").status_code == 404
    assert shop.client.post(edit, data=product_form(slug="ordered", is_active="y")).status_code == 303
    assert client.get("/en/products/ordered").status_code == 200


def test_a_product_never_ordered_is_deleted_with_its_picture_files(shop, app, make_product):
    product = make_product()
    with app.app_context():
        stored = services.save_product_image(db.session.get(Product, product.id), Image.new("RGB", (80, 60), "red"),
                                             app.config["UPLOAD_DIR"])
        db.session.commit()
        name = stored.filename
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert len(list(upload_dir.iterdir())) == 2
    page = shop.client.get(f"/en/admin/products/{product.id}").get_data(as_text=True)
    assert f'action="/en/admin/products/{product.id}/delete"' in page

    response = shop.client.post(f"/en/admin/products/{product.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/admin/products")
    assert product_in_db(app, product.id) is None
    assert catalogue(app)["product_translation"] == [] and catalogue(app)["product_image"] == []
    assert translated(app, "en", "The product is deleted.") in shop.client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert list(upload_dir.iterdir()) == []
    assert shop.client.get(f"/media/{name}").status_code == 404


def test_archived_or_inactive_products_never_reach_the_shop(app, client, make_product, make_category):
    category = make_category(slug="all")
    # Archived but still flagged active (as if written by hand): archived_at alone keeps it out.
    make_product(slug="archived", is_featured=True, archived_at=utcnow(), category=category)
    make_product(slug="inactive", is_featured=True, is_active=False, category=category)
    shown = make_product(slug="shown", is_featured=True, category=category)
    with app.test_request_context("/en/"):
        for slug in ("archived", "inactive"):
            with pytest.raises(services.NotFound):
                services.get_product(slug)
        assert [p.id for p in services.find_products().items] == [shown.id]
        assert [p.id for p in services.find_products(query="Product").items] == [shown.id]
        assert [p.id for p in services.featured_products()] == [shown.id]
        with app.app_context():
            assert [p.id for p in services.find_products(
                category=db.session.get(Category, category.id)).items] == [shown.id]
    for url in ("/en/products/archived", "/en/products/inactive"):
        assert client.get(url).status_code == 404
    for url in ("/en/", "/en/products", "/en/categories/all", "/en/products?q=product"):
        page = client.get(url).get_data(as_text=True)
        assert "/en/products/shown" in page and "/en/products/archived" not in page and "/en/products/inactive" not in page


@pytest.mark.parametrize("method, path", [
    ("GET", "/en/admin/products/999999"), ("POST", "/en/admin/products/999999"),
    ("POST", "/en/admin/products/999999/archive"), ("POST", "/en/admin/products/999999/restore"),
    ("POST", "/en/admin/products/999999/delete"), ("GET", "/en/admin/categories/999999"),
    ("POST", "/en/admin/categories/999999"), ("POST", "/en/admin/categories/999999/delete"),
    ("POST", "/en/admin/categories/999999/move"), ("GET", "/en/admin/products/abc"), ("GET", "/en/admin/products/-1"),
    ("GET", "/en/admin/categories/1e3"), ("POST", "/en/admin/products/999999/images"),
])
def test_unknown_products_and_categories_are_404(shop, method, path):
    data = {"direction": "up", **product_form()} if method == "POST" else None
    assert shop.client.open(path, method=method, data=data).status_code == 404


@pytest.mark.parametrize("method, path", [("GET", "/en/admin/products/1/delete"), ("GET", "/en/admin/products/1/archive"),
                                          ("POST", "/en/admin/products"), ("POST", "/en/admin/categories"),
                                          ("GET", "/en/admin/categories/1/move"), ("PUT", "/en/admin/products/1")])
def test_the_wrong_method_is_405(shop, make_product, method, path):
    make_product()
    assert shop.client.open(path, method=method).status_code == 405


# Categories ------------------------------------------------------------------------------------------------


def categories_in_db(app) -> list[SimpleNamespace]:
    with app.app_context():
        return [SimpleNamespace(id=c.id, slug=c.slug, position=c.position, is_active=c.is_active,
                                texts={code: (r.name, r.description) for code, r in c.translations.items()})
                for c in db.session.scalars(select(Category).order_by(Category.position, Category.id))]


def test_a_new_category_in_both_languages_appears_in_the_shop_last(shop, client, make_category):
    make_category(slug="first")
    response = shop.client.post("/en/admin/categories/new", data=category_form())
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/admin/categories")
    first, new = categories_in_db(shop.app)
    assert new.slug == "star-charts" and new.position > first.position and new.is_active
    assert new.texts == {"en": ("Star Charts", "Maps of the sky"), "zh": ("星图", "星空地图")}
    assert translated(shop.app, "en", "The category is saved.") in shop.client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert "Star Charts" in client.get("/en/").get_data(as_text=True)
    assert "星图" in client.get("/zh/").get_data(as_text=True)
    assert client.get("/en/categories/star-charts").status_code == 200


CATEGORY_BAD_INPUT = [("slug", "Not valid", SLUG_FORMAT), ("slug", "a" * 81, TOO_LONG), ("slug", "ä", SLUG_FORMAT),
                      ("name_en", "x" * 121, TOO_LONG), ("description_zh", "x" * 2001, TOO_LONG)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field, value, message", CATEGORY_BAD_INPUT)
def test_bad_category_input_is_refused_beside_its_field(shop, field, value, message, lang):
    before = catalogue(shop.app)
    response = shop.client.post(f"/{lang}/admin/categories/new", data=category_form(**{field: value}))
    assert response.status_code == 422
    error = field_error(response.get_data(as_text=True), field)
    if message == TOO_LONG:
        maximum = {"slug": 80, "name_en": 120, "description_zh": 2000}[field]
        assert str(maximum) in error and (error == TOO_LONG % {"max": maximum}) is (lang == "en")
    else:
        assert error == translated(shop.app, lang, message)
    assert catalogue(shop.app) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_category_needs_a_name_and_its_own_slug(shop, make_category, lang):
    make_category(slug="taken")
    before = catalogue(shop.app)
    nameless = shop.client.post(f"/{lang}/admin/categories/new", data=category_form(name_en="", name_zh=" "))
    assert nameless.status_code == 422
    assert field_error(nameless.get_data(as_text=True), "name_zh") == translated(shop.app, lang, NAME_NEEDED)
    clash = shop.client.post(f"/{lang}/admin/categories/new", data=category_form(slug="taken"))
    assert clash.status_code == 422
    assert field_error(clash.get_data(as_text=True), "slug") == translated(
        shop.app, lang, "Another category already has this slug.")
    assert catalogue(shop.app) == before


def test_a_category_slug_clash_written_meanwhile_is_shown_beside_the_field(shop, make_category, monkeypatch):
    make_category(slug="taken")
    real = services.find_category_clashes
    calls = []
    monkeypatch.setattr(services, "find_category_clashes",
                        lambda data, own_id: calls.append(1) or ({} if len(calls) == 1 else real(data, own_id)))
    before = catalogue(shop.app)
    response = shop.client.post("/en/admin/categories/new", data=category_form(slug="taken"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "slug") == translated(
        shop.app, "en", "Another category already has this slug.")
    assert catalogue(shop.app) == before


def test_editing_a_category_and_making_it_inactive_hides_it(shop, client, make_category):
    category = make_category(slug="old")
    page = shop.client.get(f"/en/admin/categories/{category.id}").get_data(as_text=True)
    assert input_value(page, "slug") == "old" and input_value(page, "name_en") == "Category 1"
    data = category_form(slug="renamed", name_zh="", description_zh="")
    del data["is_active"]
    assert shop.client.post(f"/en/admin/categories/{category.id}", data=data).status_code == 303
    [saved] = categories_in_db(shop.app)
    assert (saved.slug, saved.is_active, saved.texts) == ("renamed", False, {"en": ("Star Charts", "Maps of the sky")})
    assert client.get("/en/categories/renamed").status_code == 404
    assert "Star Charts" not in client.get("/en/").get_data(as_text=True)


def test_categories_are_reordered_up_and_down(shop, client, make_category):
    a, b, c = (make_category(slug=s, en={"name": s.upper(), "description": ""}) for s in ("aaa", "bbb", "ccc"))
    assert shop.client.post(f"/en/admin/categories/{c.id}/move", data={"direction": "up"}).status_code == 303
    assert [x.id for x in categories_in_db(shop.app)] == [a.id, c.id, b.id]
    assert shop.client.post(f"/en/admin/categories/{a.id}/move", data={"direction": "up"}).status_code == 303
    assert shop.client.post(f"/en/admin/categories/{a.id}/move", data={"direction": "down"}).status_code == 303
    assert [x.id for x in categories_in_db(shop.app)] == [c.id, a.id, b.id]
    home = client.get("/en/").get_data(as_text=True)
    assert home.index("/en/categories/ccc") < home.index("/en/categories/aaa") < home.index("/en/categories/bbb")
    admin = shop.client.get("/en/admin/categories").get_data(as_text=True)
    assert admin.index("/en/admin/categories/" + str(c.id) + '"') < admin.index("/en/admin/categories/" + str(b.id) + '"')
    for bad in ("", "sideways", "UP"):
        assert shop.client.post(f"/en/admin/categories/{a.id}/move", data={"direction": bad}).status_code == 400
    assert [x.id for x in categories_in_db(shop.app)] == [c.id, a.id, b.id]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_an_empty_category_can_be_deleted(shop, make_category, make_product, lang):
    empty, used = make_category(slug="empty"), make_category(slug="used")
    make_product(category=used, is_active=False, archived_at=utcnow())  # an archived product counts too
    page = shop.client.get(f"/{lang}/admin/categories").get_data(as_text=True)
    assert f"/admin/categories/{empty.id}/delete" in page and f"/admin/categories/{used.id}/delete" not in page

    before = catalogue(shop.app)
    refused = shop.client.post(f"/{lang}/admin/categories/{used.id}/delete")
    assert refused.status_code == 409
    with shop.app.test_request_context(f"/{lang}/"):
        with force_locale("zh_Hans_CN" if lang == "zh" else "en"):
            message = ngettext("This category still holds %(num)d product. Move it to another category first.",
                               "This category still holds %(num)d products. Move them to another category first.", 1)
    assert message in refused.get_data(as_text=True)
    assert catalogue(shop.app) == before

    deleted = shop.client.post(f"/{lang}/admin/categories/{empty.id}/delete")
    assert deleted.status_code == 303
    assert [c.slug for c in categories_in_db(shop.app)] == ["used"]
    assert translated(shop.app, lang, "The category is deleted.") in shop.client.get(
        deleted.headers["Location"]).get_data(as_text=True)


HUGE = "99999999999999999999"  # beyond any INTEGER column: SQLite would overflow, PostgreSQL refuse


@pytest.mark.parametrize("method, path", [
    ("GET", f"/en/admin/products/{HUGE}"), ("POST", f"/en/admin/products/{HUGE}"),
    ("POST", f"/en/admin/products/{HUGE}/delete"), ("POST", f"/en/admin/products/{HUGE}/archive"),
    ("POST", f"/en/admin/products/{HUGE}/restore"), ("POST", f"/en/admin/products/{HUGE}/images"),
    ("POST", f"/en/admin/products/{HUGE}/images/1/move"), ("POST", f"/en/admin/products/{HUGE}/images/1/delete"),
    ("POST", f"/en/admin/products/1/images/{HUGE}/move"), ("POST", f"/en/admin/products/1/images/{HUGE}/delete"),
    ("GET", f"/en/admin/categories/{HUGE}"), ("POST", f"/en/admin/categories/{HUGE}"),
    ("POST", f"/en/admin/categories/{HUGE}/move"), ("POST", f"/en/admin/categories/{HUGE}/delete"),
    ("GET", "/en/admin/products/2147483648"), ("GET", "/en/admin/categories/2147483648"),
    ("GET", "/en/admin/products/0"), ("GET", "/en/admin/categories/0"),
])
def test_ids_beyond_any_row_are_404_never_500(shop, app, make_product, make_category, method, path):
    product = make_product()
    make_category()
    assert product.id == 1
    with app.app_context():
        services.save_product_image(db.session.get(Product, product.id), Image.new("RGB", (80, 60), "red"),
                                    app.config["UPLOAD_DIR"])
        db.session.commit()
    before = catalogue(app)
    if path.endswith("/images"):
        data = {"image": (Path(__file__).open("rb"), "picture.png")}
    elif method == "POST" and "/categories/" in path:
        data = {"direction": "up", **category_form()}
    else:
        data = {"direction": "up", **product_form()} if method == "POST" else None
    assert shop.client.open(path, method=method, data=data).status_code == 404
    assert catalogue(app) == before
