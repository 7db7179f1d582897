import re
from decimal import Decimal

import pytest

from storefront.i18n import negotiate


@pytest.mark.parametrize(
    "header, expected",
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh/"),
        ("zh-TW", "/zh/"),
        ("zh-Hans-CN", "/zh/"),
        ("zh", "/zh/"),
        ("en-GB", "/en/"),
        ("fr-FR,de;q=0.5", "/en/"),
        ("", "/en/"),
        ("fr,zh-CN;q=0.4,en;q=0.3", "/zh/"),
    ],
)
def test_root_redirects_by_accept_language_primary_subtag(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_lang_cookie_wins_after_visiting_a_language(client):
    response = client.get("/zh/")
    cookie = client.get_cookie("lang")
    assert cookie.value == "zh" and cookie.http_only and cookie.same_site == "Lax"
    response = client.get("/", headers={"Accept-Language": "en-GB"})
    assert response.headers["Location"] == "/zh/"


def test_default_locale_setting_applies_without_any_hint(app, client):
    app.config["DEFAULT_LOCALE"] = "zh"
    assert client.get("/").headers["Location"] == "/zh/"


def test_saved_preference_comes_after_cookie_and_before_accept_language():
    assert negotiate([("en", 1)], None, "zh", "en") == "zh"
    assert negotiate([("en", 1)], "en", "zh", "en") == "en"
    assert negotiate([], None, "xx", "en") == "en"


def test_switcher_keeps_path_and_query_string(client):
    page = client.get("/zh/products?q=镜&page=2").get_data(as_text=True)
    assert 'href="/en/products?q=%E9%95%9C&amp;page=2" lang="en"' in page


def test_pages_carry_html_lang_and_absolute_hreflang_links(client):
    page = client.get("/zh/products?sort=price").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert '<link rel="alternate" hreflang="en" href="http://shop.test/en/products?sort=price">' in page
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://shop.test/zh/products?sort=price">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://shop.test/en/products?sort=price">' in page
    assert '<html lang="en">' in client.get("/en/").get_data(as_text=True)


def test_chinese_page_really_renders_chinese(client):
    page = client.get("/zh/").get_data(as_text=True)
    assert "所有商品" in page
    assert "Skip to content" not in page


def test_unknown_language_prefix_is_a_404_in_the_negotiated_language(client):
    response = client.get("/fr/products", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


@pytest.mark.parametrize(("prefix", "lang", "title"), [("zh", "zh-Hans", "页面不存在"), ("en", "en", "Page not found")])
def test_a_missing_page_under_a_language_prefix_answers_in_that_language(client, prefix, lang, title):
    other = "en" if prefix == "zh" else "zh"  # the cookie and the browser ask for another language
    response = client.get(f"/{prefix}/no-such-page/at-all", headers={"Accept-Language": other, "Cookie": f"lang={other}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in page and title in page


def test_prices_are_formatted_in_the_page_locale(client, make_product):
    make_product(price=Decimal("1234.50"))
    assert "$1,234.50" in client.get("/en/products").get_data(as_text=True)
    assert "US$1,234.50" in client.get("/zh/products").get_data(as_text=True)


def test_currency_comes_from_settings(app, client, make_product):
    app.config["CURRENCY"] = "CNY"
    make_product(price=Decimal("88.00"))
    assert "¥88.00" in client.get("/zh/products").get_data(as_text=True)
    assert "CN¥88.00" in client.get("/en/products").get_data(as_text=True)


def test_missing_translation_falls_back_and_is_marked_with_its_language(client, make_product):
    make_product(slug="only-english", en={"name": "Only English Loupe", "summary": "s", "description": "d"}, zh=None)
    page = client.get("/zh/products/only-english").get_data(as_text=True)
    assert re.search(r'<h1><span lang="en">Only English Loupe</span></h1>', page)
    assert '<div class="description prose" lang="en">' in page


def test_signed_in_customers_saved_language_comes_after_the_cookie(app, client, make_user, auth):
    user = make_user(preferred_locale="zh")
    auth.login(user.email)
    client.delete_cookie("lang")
    assert client.get("/", headers={"Accept-Language": "en-GB"}).headers["Location"] == "/zh/"
    client.get("/en/")
    assert client.get("/", headers={"Accept-Language": "en-GB"}).headers["Location"] == "/en/"


def test_text_kept_in_another_language_is_marked_with_it(app):
    from storefront.i18n import in_language

    with app.test_request_context("/en/orders/SF-TEST"):
        app.preprocess_request()
        assert in_language("人文定焦镜头", "zh") == '<span lang="zh-Hans">人文定焦镜头</span>'
        assert in_language("Prime <lens>", "en") == "Prime <lens>"  # the page's language: left as it is
        assert str(in_language("<b>", "zh")) == '<span lang="zh-Hans">&lt;b&gt;</span>'  # still escaped
        assert in_language("x", None) == "x"
