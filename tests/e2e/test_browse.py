"""A shopper arrives in Chinese, searches, opens a product and switches to English on the same product."""

import re

import pytest
from playwright.sync_api import expect

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def test_chinese_visitor_searches_opens_a_product_and_switches_to_english(browser, base_url):
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/zh/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.get_by_role("searchbox").fill("镜")
    page.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/zh/products\?q=%E9%95%9C"))
    cards = page.locator(".product-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 6

    name = cards.first.locator(".product-name").inner_text()
    cards.first.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    slug = page.url.rsplit("/", 1)[1]

    page.locator(".language-switcher a[lang=en]").click()
    expect(page).to_have_url(f"{base_url}/en/products/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english_name = page.get_by_role("heading", level=1).inner_text()
    assert english_name and english_name != name
    context.close()


def test_keyboard_user_can_skip_to_content(browser, base_url):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(base_url + "/en/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    context.close()


def load_lazy_images(page) -> None:
    """Scroll through the page so lazy images load before a full-page screenshot."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
    page.wait_for_load_state("networkidle")
    # Polled from Python: wait_for_function would need eval(), which the shop's CSP forbids.
    for _ in range(50):
        if page.evaluate("() => Array.from(document.images).every(img => img.complete)"):
            break
        page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_screenshots_of_home_list_and_detail(browser, base_url, artifacts, lang, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.goto(f"{base_url}/{lang}/")
    load_lazy_images(page)
    page.screenshot(path=artifacts / f"home-{lang}-{viewport}.png", full_page=True)
    page.goto(f"{base_url}/{lang}/products")
    expect(page.locator(".product-card")).to_have_count(24)
    load_lazy_images(page)
    page.screenshot(path=artifacts / f"list-{lang}-{viewport}.png", full_page=True)
    page.locator(".product-card a").first.click()
    expect(page.locator(".product-info h1")).to_be_visible()
    page.screenshot(path=artifacts / f"detail-{lang}-{viewport}.png", full_page=True)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    context.close()
