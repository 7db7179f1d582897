from decimal import Decimal

import pytest


@pytest.mark.parametrize(
    "path, english, chinese",
    [
        ("terms", "Terms of sale", "销售条款"),
        ("shipping", "Shipping", "配送"),
        ("returns", "Returns and warranty", "退换货"),
    ],
)
def test_static_pages_exist_in_both_languages(client, path, english, chinese):
    en = client.get(f"/en/{path}")
    zh = client.get(f"/zh/{path}")
    assert en.status_code == zh.status_code == 200
    assert f"<h1>{english}</h1>" in en.get_data(as_text=True)
    assert chinese in zh.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in zh.get_data(as_text=True)


def test_shipping_page_uses_the_shipping_settings(app, client):
    app.config.update(SHIPPING_FLAT=Decimal("6.50"), FREE_SHIPPING_FROM=Decimal("120.00"), LOGISTICS_COMPANY="Kite Couriers")
    page = client.get("/en/shipping").get_data(as_text=True)
    assert "$6.50" in page and "$120.00" in page and "Kite Couriers" in page
    assert "US$6.50" in client.get("/zh/shipping").get_data(as_text=True)


def test_terms_name_the_shop_and_the_prevailing_language(app, client):
    app.config["SHOP_NAME"] = "Northlight Optics"
    page = client.get("/en/terms").get_data(as_text=True)
    assert "Northlight Optics" in page and "Chinese version prevails" in page


def test_footer_links_the_shop_information_pages(client):
    page = client.get("/zh/").get_data(as_text=True)
    for path in ("/zh/terms", "/zh/shipping", "/zh/returns"):
        assert f'href="{path}"' in page
