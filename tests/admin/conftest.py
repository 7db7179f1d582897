"""The cart's fixtures (`add`, `buy`), reused by the admin tests that need orders."""

from tests.cart.conftest import add, buy  # noqa: F401 - fixtures, reused
