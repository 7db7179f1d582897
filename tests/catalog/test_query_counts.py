"""Every customer page runs the same number of SQL queries whatever it shows: one item or many."""

from decimal import Decimal

import pytest

from tests.cart.conftest import checkout_form, checkout_token


def texts(name):
    return {"name": name, "summary": f"{name} summary", "description": ""}


def queries_for(client, count_queries, url) -> int:
    client.get(url)  # the first request of a session may set things up once (consent, cart lookup)
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counted()


@pytest.mark.parametrize("url", [
    "/en/categories/scopes", "/zh/categories/scopes?sort=name", "/en/products?q=镜头", "/zh/products?q=望远镜",
    "/en/products?q=refractor", "/en/products?q=r", "/en/categories/scopes?q=scope",
])
def test_category_and_search_pages_run_the_same_queries_for_one_product_or_24(client, make_category, make_product,
                                                                              count_queries, url):
    category = make_category(slug="scopes")
    make_product(category=category, en=texts("Refractor scope 1"), zh=texts("望远镜头 1"))
    one = queries_for(client, count_queries, url)
    for n in range(2, 25):
        make_product(category=category, en=texts(f"Refractor scope {n}"), zh=texts(f"望远镜头 {n}"))
    many = queries_for(client, count_queries, url)
    assert one == many <= 7


def fill_cart(client, products):
    for product in products:
        response = client.post("/en/cart/items", data={"product_id": str(product.id), "quantity": "1"})
        assert response.status_code == 303


def test_the_cart_runs_the_same_queries_for_one_line_or_five(app, make_product, count_queries):
    products = [make_product(price=Decimal("12.00"), stock=9) for _ in range(5)]
    counts = []
    for lines in (1, 5):
        client = app.test_client()
        fill_cart(client, products[:lines])
        counts.append(queries_for(client, count_queries, "/en/cart"))
        assert client.get("/en/cart").text.count('name="quantity"') >= lines
    assert counts[0] == counts[1]


def place_order(client, products) -> str:
    fill_cart(client, products)
    response = client.post("/en/checkout", data=checkout_form(checkout_token(client)))
    assert response.status_code == 303
    return response.headers["Location"]


def test_the_order_page_runs_the_same_queries_for_one_line_or_five(app, make_product, count_queries):
    products = [make_product(price=Decimal("12.00"), stock=9) for _ in range(5)]
    counts = []
    for lines in (1, 5):
        client = app.test_client()
        counts.append(queries_for(client, count_queries, place_order(client, products[:lines])))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("url", ["/en/account/orders", "/en/account/"])
def test_account_pages_run_the_same_queries_for_one_order_or_three(client, signed_in, make_product, count_queries,
                                                                   url):
    products = [make_product(price=Decimal("12.00"), stock=9) for _ in range(5)]
    place_order(client, products[:1])
    one = queries_for(client, count_queries, url)
    place_order(client, products[:3])
    place_order(client, products)
    assert client.get("/en/account/orders").text.count("SF-") >= 3
    many = queries_for(client, count_queries, url)
    assert one == many
