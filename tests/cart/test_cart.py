"""The cart: adding, changing and removing lines, every refusal, the header count, merging on sign-in, expiry."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from storefront.cart.models import Cart, CartItem
from storefront.cart.services import MAX_PER_LINE
from storefront.catalog.models import Product
from storefront.database import utcnow
from storefront.extensions import db


CJK = re.compile(r"[\u4e00-\u9fff]")


def cart_lines(app) -> list[tuple[int, int]]:
    with app.app_context():
        return [(item.product_id, item.quantity) for item in db.session.scalars(select(CartItem).order_by(CartItem.id))]


def cart_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Cart.id)))


def test_adding_puts_the_product_in_the_cart_at_the_database_price(client, add, product, app):
    response = add(product, 2, price="0.01")
    assert response.status_code == 303 and response.headers["Location"] == "/en/cart"
    cookie = client.get_cookie("cart")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    page = client.get("/en/cart")
    assert "Product 1" in page.text
    assert "$60.00" in page.text and "$0.01" not in page.text  # 2 × 30.00, the form's price ignored
    assert cart_lines(app) == [(product.id, 2)]
    assert 'data-cart-count>2<' in page.text


def test_adding_again_adds_to_the_line(add, product, app):
    add(product, 1)
    add(product, 2)
    assert cart_lines(app) == [(product.id, 3)]


def test_the_cart_token_is_stored_only_as_a_digest(client, add, product, app):
    add(product)
    token = client.get_cookie("cart").value
    with app.app_context():
        stored = db.session.scalar(select(Cart.token_hash))
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize("quantity", ["-1", "0", "1.5", "1e9", "９", "", "two", " ", "1,5", "0x2", "+1"])
def test_a_bad_quantity_is_refused_next_to_the_field_and_nothing_is_written(client, add, product, app, quantity):
    response = add(product, quantity)
    assert response.status_code == 422
    assert 'id="quantity-error"' in response.text and 'aria-invalid="true"' in response.text
    assert "whole number" in response.text or "at least 1" in response.text
    assert cart_lines(app) == [] and cart_rows(app) == 0
    assert client.get_cookie("cart") is None


def test_a_huge_quantity_is_refused(add, make_product, app):
    product = make_product(stock=50)
    response = add(product, "999999")
    assert response.status_code == 422 and f"at most {MAX_PER_LINE}" in response.text
    assert cart_lines(app) == []


@pytest.mark.parametrize("product_id", ["abc", "99999", "-1", "9" * 30, "", "１"])
def test_an_unknown_product_is_not_found(client, product_id, app):
    response = client.post("/en/cart/items", data={"product_id": product_id, "quantity": "1"})
    assert response.status_code == 404
    assert cart_rows(app) == 0


def test_more_than_the_stock_is_refused_with_what_is_left(add, make_product, app):
    product = make_product(stock=3)
    assert add(product, 2).status_code == 303
    response = add(product, 2)
    assert response.status_code == 422 and "Only 3 left in stock" in response.text
    assert cart_lines(app) == [(product.id, 2)]


def test_the_per_line_cap_holds_when_stock_is_plenty(add, make_product, app):
    product = make_product(stock=100)
    assert add(product, MAX_PER_LINE).status_code == 303
    response = add(product, 1)
    assert response.status_code == 422 and f"at most {MAX_PER_LINE} of one product" in response.text
    assert cart_lines(app) == [(product.id, MAX_PER_LINE)]


def test_a_sold_out_product_is_refused(add, make_product, app):
    product = make_product(stock=0)
    response = add(product, 1)
    assert response.status_code == 422 and "sold out" in response.text
    assert cart_lines(app) == []


def test_an_inactive_product_is_refused_with_a_message(add, make_product, app):
    product = make_product(is_active=False)
    response = add(product, 1)
    assert response.status_code == 422 and "no longer sold" in response.text
    assert cart_lines(app) == []


def test_refusals_are_translated(add, make_product):
    product = make_product(stock=2)
    response = add(product, 5, lang="zh")
    assert response.status_code == 422
    error = re.search(r'id="quantity-error"[^>]*>(.*?)</', response.text, re.DOTALL)
    assert error, "the refusal is shown beside the quantity"
    assert "2" in error.group(1) and CJK.search(error.group(1)) and "Only 2 left" not in error.group(1)


def test_javascript_add_answers_json_with_count_and_message(client, product):
    response = client.post("/en/cart/items", data={"product_id": product.id, "quantity": "2"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["ok"] is True and response.json["count"] == 2
    assert "Product 1" in response.json["message"] and response.json["count_label"] == "2 items"
    refused = client.post("/en/cart/items", data={"product_id": product.id, "quantity": "99"},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 422 and refused.json["ok"] is False and "Only 5 left" in refused.json["message"]


def test_a_line_can_be_changed_and_removed(client, add, product, app):
    add(product, 1)
    with app.app_context():
        item_id = db.session.scalar(select(CartItem.id))
    assert client.post(f"/en/cart/items/{item_id}", data={"quantity": "4"}).status_code == 303
    assert cart_lines(app) == [(product.id, 4)]
    response = client.post(f"/en/cart/items/{item_id}", data={"quantity": "0"})
    assert response.status_code == 303
    assert cart_lines(app) == []
    assert "removed" in client.get("/en/cart").text


@pytest.mark.parametrize("quantity", ["-1", "1.5", "1e9", "９", "", "6"])
def test_a_bad_line_quantity_is_refused_on_the_cart_page(client, add, product, app, quantity):
    add(product, 2)
    with app.app_context():
        item_id = db.session.scalar(select(CartItem.id))
    response = client.post(f"/en/cart/items/{item_id}", data={"quantity": quantity})
    assert response.status_code == 422
    assert f'id="line-{item_id}-error"' in response.text
    assert cart_lines(app) == [(product.id, 2)]


def test_a_line_of_another_cart_is_not_found(app, add, product):
    add(product, 1)  # the first visitor's cart
    with app.app_context():
        item_id = db.session.scalar(select(CartItem.id))
    stranger = app.test_client()
    stranger.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})
    for quantity in ("0", "3"):
        assert stranger.post(f"/en/cart/items/{item_id}", data={"quantity": quantity}).status_code == 404
    assert app.test_client().post(f"/en/cart/items/{item_id}", data={"quantity": "0"}).status_code == 404
    assert sorted(cart_lines(app)) == [(product.id, 1), (product.id, 1)]


@pytest.mark.parametrize("item_id", ["abc", "-1", "9" * 30, "99999"])
def test_a_malformed_line_id_is_not_found(client, add, product, item_id):
    add(product)
    assert client.post(f"/en/cart/items/{item_id}", data={"quantity": "1"}).status_code == 404


def test_the_header_count_costs_no_query_once_known(app, client, add, product, count_queries):
    add(product, 3)
    client.get("/en/cart")
    fresh = app.test_client()
    fresh.get("/en/products")
    with count_queries() as counted:
        page = client.get("/en/products")
    with_cart = counted()
    with count_queries() as counted:
        fresh.get("/en/products")
    assert 'data-cart-count>3<' in page.text
    assert with_cart == counted()


def test_a_cart_line_that_can_no_longer_be_bought_blocks_checkout(client, add, product, app):
    add(product, 3)
    with app.app_context():
        db.session.execute(update(Product).values(stock=1))
        db.session.commit()
    page = client.get("/en/cart")
    assert "Only 1 left" in page.text and 'href="/en/checkout"' not in page.text
    response = client.get("/en/checkout")
    assert response.status_code == 303 and response.headers["Location"] == "/en/cart"


def test_the_cart_pages_are_never_cached(client, product, add):
    add(product)
    assert client.get("/en/cart").headers["Cache-Control"] == "no-store"


def test_signing_in_merges_the_visitor_cart_and_lists_what_came_over(client, add, make_product, make_user, auth, app):
    first, second = make_product(stock=5), make_product(stock=20)
    user = make_user()
    # The account already holds 8 of `second`; the visitor adds 5 more: only 2 fit under the cap.
    with app.app_context():
        cart = Cart(user_id=user.id)
        db.session.add(cart)
        db.session.flush()
        db.session.add(CartItem(cart_id=cart.id, product_id=second.id, quantity=8))
        db.session.commit()
    add(first, 2)
    add(second, 5)
    assert auth.login(user.email).status_code == 303
    assert client.get_cookie("cart") is None  # the visitor's cookie is dropped
    page = client.get("/en/cart")
    assert "Added from before you signed in" in page.text
    assert "Product 1 × 2" in page.text and "Product 2 × 2" in page.text
    assert "you had 5: the rest is over the stock or the limit per order" in page.text
    assert "did not fit in your cart" in page.text
    with app.app_context():
        carts = db.session.scalars(select(Cart)).all()
        assert [c.user_id for c in carts] == [user.id]
    assert sorted(cart_lines(app)) == sorted([(second.id, 10), (first.id, 2)])
    assert "Added from before" not in client.get("/en/cart").text  # listed once
    assert 'data-cart-count>12<' in client.get("/en/products").text


def test_an_expired_visitor_cart_is_purged_and_a_fresh_one_kept(client, add, product, app, runner, make_user):
    add(product)
    other = app.test_client()
    other.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})
    user = make_user()
    with app.app_context():
        db.session.add(Cart(user_id=user.id, updated_at=utcnow() - timedelta(days=400)))
        first = db.session.scalar(select(Cart).where(Cart.user_id.is_(None)).order_by(Cart.id))
        first.updated_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "1 abandoned carts" in result.output
    assert cart_rows(app) == 2  # the fresh visitor cart and the customer's cart
    assert client.get("/en/cart").text.count("Your cart is empty") >= 1


def test_adding_without_a_csrf_token_is_refused(make_app, product):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/en/cart/items", data={"product_id": product.id, "quantity": "1"})
    assert response.status_code == 400
    assert cart_rows(app) == 0


def test_the_price_shown_is_the_current_one(client, add, product, app):
    add(product, 1)
    with app.app_context():
        db.session.execute(update(Product).values(price=Decimal("12.50")))
        db.session.commit()
    assert "$12.50" in client.get("/en/cart").text


def test_a_visitor_line_that_is_no_longer_sold_is_listed_as_not_added(client, add, make_product, make_user, auth, app):
    product = make_product(stock=5)
    user = make_user()
    add(product, 1)
    with app.app_context():
        db.session.execute(update(Product).values(is_active=False))
        db.session.commit()
    assert auth.login(user.email).status_code == 303
    page = client.get("/en/cart")
    assert "Product 1 × 0" in page.text and "not added: sold out or no longer sold" in page.text
    assert cart_lines(app) == []
