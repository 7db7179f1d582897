"""Helpers for cart and checkout tests: filling a cart, reading the checkout token, a valid checkout form."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from storefront.cart.models import Order
from storefront.catalog.models import Product
from storefront.extensions import db

APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
CVC = "737"

ADDRESS = {
    "recipient": "Ada Lovelace", "phone": "+1 415 555 0132", "country": "US", "region": "CA",
    "city": "San Francisco", "district": "", "line1": "1 Market Street", "line2": "Suite 5",
    "postal_code": "94105",
}


def checkout_form(token: str, **overrides) -> dict:
    return {
        "email": "guest@example.com", **ADDRESS, "card_number": APPROVED, "card_expiry": "12/30",
        "card_cvc": CVC, "card_name": "Ada Lovelace", "payment_consent": "y", "checkout_token": token, **overrides,
    }


def checkout_token(client, lang: str = "en") -> str:
    page = client.get(f"/{lang}/checkout")
    assert page.status_code == 200, page.status_code
    return re.search(r'name="checkout_token" type="hidden" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def add(client):
    def add(product, quantity="1", lang="en", **extra):
        return client.post(f"/{lang}/cart/items", data={"product_id": str(product.id), "quantity": str(quantity), **extra})

    return add


@pytest.fixture
def buy(client, add):
    """Put the products in the cart and place the order; returns the checkout response."""

    def buy(*products, lang="en", quantity="1", **overrides):
        for product in products:
            assert add(product, quantity, lang=lang).status_code == 303
        return client.post(f"/{lang}/checkout", data=checkout_form(checkout_token(client, lang), **overrides))

    return buy


@pytest.fixture
def stock_of(app):
    def read(product) -> int:
        with app.app_context():
            return db.session.scalar(select(Product.stock).where(Product.id == product.id))

    return read


@pytest.fixture
def orders(app):
    def read() -> list[SimpleNamespace]:
        with app.app_context():
            rows = db.session.scalars(select(Order).order_by(Order.id))
            return [SimpleNamespace(**{c.name: getattr(o, c.name) for c in Order.__table__.columns}) for o in rows]

    return read


@pytest.fixture
def product(make_product):
    return make_product(price=Decimal("30.00"), stock=5)
