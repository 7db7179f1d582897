"""Real threads racing for stock and for one checkout token, on the SQLite file and on PostgreSQL.

Each buyer is a separate client with its own cart; they wait at a barrier and post at once.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from storefront.cart.models import Cart, CartItem, Order
from storefront.cart.services import token_hash
from storefront.database import write_transaction
from storefront.extensions import db
from storefront.payments.models import Payment
from tests.cart.conftest import checkout_form


def carts_for(app, product_id: int, buyers: int) -> list[str]:
    """A visitor cart holding one unit of the product for each buyer; returns their cookie tokens."""
    tokens = [f"buyer-token-{n:04d}-{'x' * 20}" for n in range(buyers)]
    with app.app_context(), write_transaction():
        for token in tokens:
            cart = Cart(token_hash=token_hash(token))
            db.session.add(cart)
            db.session.flush()
            db.session.add(CartItem(cart_id=cart.id, product_id=product_id, quantity=1))
        db.session.commit()
    return tokens


def race(app, jobs: list[tuple[str, str]], workers: int) -> list[tuple[int, str]]:
    """Post every (cart token, checkout token) at once; returns (status, location or body) per post."""
    barrier = threading.Barrier(min(workers, len(jobs)))

    def post(job):
        cart_token, checkout_token = job
        client = app.test_client()
        client.set_cookie("cart", cart_token)
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        response = client.post("/en/checkout", data=checkout_form(checkout_token))
        return response.status_code, response.headers.get("Location") or response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(post, jobs))


def totals(app, product_id: int) -> tuple[int, int, int]:
    from storefront.catalog.models import Product
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Order.id))),
            db.session.scalar(select(func.count(Payment.id))),
            db.session.scalar(select(Product.stock).where(Product.id == product_id)),
        )


def test_fifty_buyers_for_the_last_unit(app, make_product):
    product = make_product(stock=1)
    tokens = carts_for(app, product.id, 50)
    results = race(app, [(token, f"checkout-{token}") for token in tokens], workers=50)
    statuses = sorted(status for status, _ in results)
    assert 500 not in statuses
    assert statuses.count(303) == 1 and statuses.count(422) == 49, statuses
    refusals = [body for status, body in results if status == 422]
    assert all("sold out" in body or "Only 0 left" in body or "cannot be bought" in body or "left" in body
               for body in refusals)
    assert totals(app, product.id) == (1, 1, 0)


def test_a_hundred_and_fifty_buyers_for_a_hundred_units(app, make_product):
    product = make_product(stock=100)
    tokens = carts_for(app, product.id, 150)
    results = race(app, [(token, f"checkout-{token}") for token in tokens], workers=50)
    statuses = [status for status, _ in results]
    assert statuses.count(303) == 100 and statuses.count(422) == 50, sorted(set(statuses))
    assert totals(app, product.id) == (100, 100, 0)


def test_one_checkout_token_posted_ten_times_at_once_gives_one_order(app, make_product):
    product = make_product(stock=20)
    [cart_token] = carts_for(app, product.id, 1)
    checkout_token = "the-same-checkout-token-posted-ten-times"
    results = race(app, [(cart_token, checkout_token)] * 10, workers=10)
    assert [status for status, _ in results] == [303] * 10, results
    locations = {location for _, location in results}
    assert len(locations) == 1 and "/en/orders/SF-" in locations.pop()
    assert totals(app, product.id) == (1, 1, 19)


def test_one_cart_checked_out_from_two_pages_at_once_gives_one_order(app, make_product):
    """Two tabs (two checkout tokens) posting the same cart: the second finds the cart already bought."""
    product = make_product(stock=20)
    [cart_token] = carts_for(app, product.id, 1)
    results = race(app, [(cart_token, f"first-tab-token-{'a' * 20}"), (cart_token, f"other-tab-token-{'b' * 20}"),
                         (cart_token, f"third-tab-token-{'c' * 20}")], workers=3)
    placed = [body for status, body in results if status == 303 and "/en/orders/" in body]
    others = [(status, body) for status, body in results if not (status == 303 and "/en/orders/" in body)]
    assert len(placed) == 1, results
    # The others find the cart already bought: sent back to it, or told so on the checkout page.
    assert all(body == "/en/cart" if status == 303 else (status == 422 and "Your cart is empty" in body)
               for status, body in others), others
    assert totals(app, product.id) == (1, 1, 19)


def test_quick_clicks_on_add_to_cart_add_up(app, make_product):
    product = make_product(stock=20)
    [cart_token] = carts_for(app, product.id, 1)  # the cart exists, with one unit
    barrier = threading.Barrier(6)

    def click(_):
        client = app.test_client()
        client.set_cookie("cart", cart_token)
        barrier.wait(timeout=30)
        return client.post("/en/cart/items", data={"product_id": product.id, "quantity": "1"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(click, range(6)))
    assert statuses == [303] * 6
    with app.app_context():
        assert db.session.scalars(select(CartItem.quantity)).all() == [7]
