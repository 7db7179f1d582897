"""The overview: what is waiting, counted and linked to the list that shows it."""

import re

import pytest

from tests.admin import sign_in, translated


def tiles(page: str) -> dict[str, int]:
    """href → the count shown in its tile."""
    return {href.replace("&amp;", "&"): int(count)
            for href, count in re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>', page)}


@pytest.fixture
def busy_shop(app, make_user, make_product, buy, client):
    """Two paid orders, one low-stock product on sale (and one archived), one open customer message."""
    product = make_product(stock=20)
    assert buy(product).status_code == 303
    assert buy(product).status_code == 303
    make_product(stock=3)
    make_product(stock=1, is_active=False)
    response = client.post("/en/contact", data={"name": "Ada", "email": "ada@example.com", "subject": "Lens",
                                                "message": "Which lens fits?"})
    assert response.status_code == 303
    return make_user(role="owner", email="owner@example.com"), make_user(role="staff", email="staff@example.com")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_owner_sees_every_count_linked_to_its_list(app, busy_shop, lang):
    owner, _staff = busy_shop
    page = sign_in(app, owner.email).get(f"/{lang}/admin/").get_data(as_text=True)
    counts = tiles(page)
    assert counts[f"/{lang}/admin/orders?status=paid"] == 2
    assert counts[f"/{lang}/admin/support?status=open"] == 1
    assert counts[f"/{lang}/admin/products?status=active&low_stock=y"] == 1
    assert counts[f"/{lang}/admin/legal"] == 0
    assert translated(app, lang, "Shop administration") in page


def test_staff_do_not_see_legal_requests(app, busy_shop):
    _owner, staff = busy_shop
    page = sign_in(app, staff.email).get("/en/admin/").get_data(as_text=True)
    assert "/en/admin/legal" not in page
    assert tiles(page)["/en/admin/orders?status=paid"] == 2


def test_each_linked_list_shows_what_was_counted(app, busy_shop):
    owner, _staff = busy_shop
    client = sign_in(app, owner.email)
    paid = client.get("/en/admin/orders?status=paid").get_data(as_text=True)
    assert len(re.findall(r'href="/en/admin/orders/SF-[A-Z0-9-]+"', paid)) >= 2
    low = client.get("/en/admin/products?status=active&low_stock=y").get_data(as_text=True)
    assert "SKU-0002" in low and "SKU-0001" not in low and "SKU-0003" not in low
