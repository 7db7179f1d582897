import re
from decimal import Decimal

import pytest


def product_names(page: str) -> list[str]:
    return re.findall(r'<h3 class="product-name">(.*?)</h3>', page)


def test_home_shows_categories_and_featured_products(client, make_category, make_product):
    category = make_category(en={"name": "Telescopes", "description": "Look up"}, zh={"name": "望远镜", "description": "仰望星空"})
    make_product(category=category, is_featured=True, en={"name": "Star Scout 80", "summary": "", "description": ""},
                 zh={"name": "星探 80 折射望远镜", "summary": "", "description": ""})
    make_product(is_featured=False, en={"name": "Plain Loupe", "summary": "", "description": ""})
    english = client.get("/en/").get_data(as_text=True)
    assert "Telescopes" in english and "Star Scout 80" in english and "Plain Loupe" not in english
    chinese = client.get("/zh/").get_data(as_text=True)
    assert "望远镜" in chinese and "星探 80 折射望远镜" in chinese


def test_list_pages_by_24_with_rel_prev_next(client, make_product):
    for _ in range(30):
        make_product()
    first = client.get("/en/products").get_data(as_text=True)
    assert len(product_names(first)) == 24
    assert '<link rel="next" href="/en/products?page=2">' in first and 'rel="prev"' not in first
    second = client.get("/en/products?page=2").get_data(as_text=True)
    assert len(product_names(second)) == 6
    assert '<link rel="prev" href="/en/products?page=1">' in second and 'rel="next"' not in second


def test_page_past_the_last_is_empty_with_a_link_back(client, make_product):
    make_product()
    response = client.get("/en/products?page=99")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert product_names(page) == []
    assert 'href="/en/products">Back to the first page' in page


@pytest.mark.parametrize("page", ["-1", "abc", "0", "1.5", "99999999999999999999", "２"])
def test_malformed_page_falls_back_to_the_first(client, make_product, page):
    make_product(en={"name": "Only Product", "summary": "", "description": ""})
    response = client.get("/en/products", query_string={"page": page})
    assert response.status_code == 200
    assert product_names(response.get_data(as_text=True)) == ["Only Product"]


def test_search_finds_both_languages_case_insensitively(client, make_product):
    make_product(en={"name": "Macro Lens 100mm", "summary": "", "description": ""},
                 zh={"name": "100mm 微距镜头", "summary": "", "description": ""})
    make_product(en={"name": "Star Diagonal", "summary": "", "description": ""},
                 zh={"name": "天顶镜", "summary": "", "description": ""})
    make_product(en={"name": "Tripod", "summary": "", "description": ""}, zh={"name": "三脚架", "summary": "", "description": ""})
    assert product_names(client.get("/en/products?q=macro LENS").get_data(as_text=True)) == ["Macro Lens 100mm"]
    # A Chinese query on the English page finds the product and shows its English name.
    assert sorted(product_names(client.get("/en/products?q=镜").get_data(as_text=True))) == ["Macro Lens 100mm", "Star Diagonal"]
    assert product_names(client.get("/zh/products?q=diagonal").get_data(as_text=True)) == ["天顶镜"]


def test_search_takes_percent_and_underscore_literally(client, make_product):
    make_product(en={"name": "Filter 100% UV", "summary": "", "description": ""})
    make_product(en={"name": "Filter 100x UV", "summary": "", "description": ""})
    make_product(en={"name": "Lens_cap 52", "summary": "", "description": ""})
    make_product(en={"name": "Lens cap 58", "summary": "", "description": ""})
    assert product_names(client.get("/en/products?q=100%25").get_data(as_text=True)) == ["Filter 100% UV"]
    assert product_names(client.get("/en/products?q=s_c").get_data(as_text=True)) == ["Lens_cap 52"]
    assert product_names(client.get("/en/products?q=%25").get_data(as_text=True)) == ["Filter 100% UV"]


def test_search_matches_sku(client, make_product):
    make_product(sku="TS-80-ED", en={"name": "Refractor", "summary": "", "description": ""})
    assert product_names(client.get("/en/products?q=ts-80").get_data(as_text=True)) == ["Refractor"]


@pytest.mark.parametrize(
    "query",
    ['"quoted" \'single\'', "<script>alert(1)</script>", "nul\x00byte", "x" * 10_000, "{{7*7}}", "%_\\", "' OR 1=1 --"],
)
def test_hostile_search_input_answers_cleanly(client, make_product, query):
    make_product()
    response = client.get("/zh/products", query_string={"q": query})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "49" not in re.findall(r"<title>(.*?)</title>", page)[0]


def test_sort_follows_the_allow_list(client, make_product):
    make_product(price=Decimal("30.00"), en={"name": "Bravo", "summary": "", "description": ""}, zh={"name": "乙", "summary": "", "description": ""})
    make_product(price=Decimal("10.00"), en={"name": "Charlie", "summary": "", "description": ""}, zh={"name": "甲", "summary": "", "description": ""})
    make_product(price=Decimal("20.00"), en={"name": "Alpha", "summary": "", "description": ""}, zh={"name": "丙", "summary": "", "description": ""})

    def names(url):
        return product_names(client.get(url).get_data(as_text=True))

    assert names("/en/products?sort=price") == ["Charlie", "Alpha", "Bravo"]
    assert names("/en/products?sort=-price") == ["Bravo", "Alpha", "Charlie"]
    assert names("/en/products?sort=name") == ["Alpha", "Bravo", "Charlie"]
    assert names("/en/products?sort=new") == ["Alpha", "Charlie", "Bravo"]
    assert names("/en/products?sort=price;DROP TABLE product") == ["Alpha", "Charlie", "Bravo"]
    assert names("/en/products") == ["Alpha", "Charlie", "Bravo"]


def test_sort_and_query_survive_paging_links(client, make_product):
    for _ in range(25):
        make_product(en={"name": "Lens", "summary": "", "description": ""})
    page = client.get("/en/products?q=lens&sort=price").get_data(as_text=True)
    assert 'rel="next" href="/en/products?page=2&amp;q=lens&amp;sort=price"' in page


def test_category_page_and_category_filter(client, make_category, make_product):
    lenses = make_category(slug="lenses", en={"name": "Lenses", "description": "Glass"})
    make_product(category=lenses, en={"name": "Wide Lens", "summary": "", "description": ""})
    make_product(en={"name": "Tripod", "summary": "", "description": ""})
    assert product_names(client.get("/en/categories/lenses").get_data(as_text=True)) == ["Wide Lens"]
    assert product_names(client.get("/en/products?category=lenses").get_data(as_text=True)) == ["Wide Lens"]
    assert client.get("/en/categories/no-such-category").status_code == 404
    assert client.get("/en/products?category=no-such-category").status_code == 404


def test_product_detail_shows_price_stock_images_and_add_to_cart_form(client, make_product):
    make_product(slug="macro-100", price=Decimal("499.00"), stock=12,
                 en={"name": "Macro 100", "summary": "Close focus", "description": "First.\n\nSecond."})
    page = client.get("/en/products/macro-100").get_data(as_text=True)
    assert "Macro 100" in page and "$499.00" in page and "In stock" in page
    assert "<p>First.</p>" in page and "<p>Second.</p>" in page
    assert 'action="/en/cart/items"' in page and 'name="csrf_token"' in page and 'name="quantity"' in page


def test_low_and_sold_out_stock_are_shown(client, make_product):
    make_product(slug="last-one", stock=1)
    make_product(slug="gone", stock=0)
    assert "Only 1 left in stock" in client.get("/en/products/last-one").get_data(as_text=True)
    sold_out = client.get("/en/products/gone").get_data(as_text=True)
    assert "Sold out" in sold_out and 'action="/en/cart/items"' not in sold_out


def test_inactive_and_unknown_products_are_404(client, make_product):
    make_product(slug="hidden", is_active=False, en={"name": "Hidden Thing", "summary": "", "description": ""})
    assert client.get("/en/products/hidden").status_code == 404
    assert client.get("/en/products/does-not-exist").status_code == 404
    assert "Hidden Thing" not in client.get("/en/products").get_data(as_text=True)


def test_stored_text_is_escaped(client, make_product):
    make_product(slug="xss", en={"name": "<svg onload=alert(1)>", "summary": "{{7*7}}", "description": "<b>x</b>"})
    page = client.get("/en/products/xss").get_data(as_text=True)
    assert "<svg onload" not in page and "&lt;svg onload=alert(1)&gt;" in page
    assert "{{7*7}}" in page and "<b>x</b>" not in page


@pytest.mark.parametrize("url", ["/en/products", "/en/products?q=product", "/en/products?sort=name", "/en/"])
def test_listing_runs_the_same_queries_for_one_product_or_24(client, make_product, count_queries, url):
    make_product(is_featured=True)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for _ in range(23):
        make_product(is_featured=True)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert one() == many() <= 6  # the catalogue's version, then the list (its first rendering)
    with count_queries() as again:
        assert client.get(url).status_code == 200
    # The same list again: the version, and the daily page counter (tests write it with every page); the
    # content comes from this worker's cache.
    assert again() == 2


def test_product_detail_runs_a_fixed_number_of_queries(client, make_product, count_queries):
    make_product(slug="p")
    with count_queries() as counted:
        client.get("/en/products/p")
    assert counted() <= 4


def test_paging_links_are_translated(client, make_product):
    for _ in range(25):
        make_product()
    page = client.get("/zh/products").get_data(as_text=True)
    assert "下一页" in page and "第 1 页，共 2 页" in page
