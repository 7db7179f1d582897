"""Cart and checkout in the browser: a Chinese guest on a phone whose confirmation arrives over SMTP, a declined
card, a visitor's cart merged on sign-in, and the cart's plain forms without JavaScript; with screenshots."""

import email
import email.policy
import re
import time
from types import SimpleNamespace

import pytest
from flask_babel import lazy_gettext
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront.account.models import User
from storefront.cart import services as cart_services
from storefront.catalog.models import Product
from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.notifications.services import speaking
from storefront.security import hash_password

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
ADDRESSES = {
    "zh": {"recipient": "欧阳 娜娜", "phone": "13800138000", "country": "CN", "region": "浙江省", "city": "杭州市",
           "district": "西湖区", "line1": "文三路 90 号", "postal_code": "310012"},
    "en": {"recipient": "Ada Lovelace", "phone": "+1 650 253 0000", "country": "US", "region": "CA",
           "city": "Mountain View", "line1": "1600 Amphitheatre Parkway", "line2": "Building 4",
           "postal_code": "94043"},
}
CARD_FIELDS = ("card_number", "card_expiry", "card_cvc", "card_name")
ORDER_URL = re.compile(r"/(en|zh)/orders/([A-Z0-9][A-Z0-9-]+)(\?token=[^&#]+)?$")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalogue(live_app):
    """Active demo products with room to buy a few, in id order; each test takes its own so stock never clashes."""
    with live_app.app_context():
        products = db.session.scalars(
            select(Product).options(selectinload(Product.translations))
            .where(Product.is_active.is_(True), Product.stock >= 5).order_by(Product.id)).all()
        found = [SimpleNamespace(id=p.id, slug=p.slug, en=p.translations["en"].name, zh=p.translations["zh"].name)
                 for p in products if "en" in p.translations and "zh" in p.translations]
        db.session.remove()
    assert len(found) >= 8, "the demo catalogue should have plenty of products in stock"
    return found


# Helpers -----------------------------------------------------------------------------------------


def settle_images(page) -> None:
    """Scroll through the page so lazy images load, then wait (from Python: the CSP forbids eval) until they have."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
    for _ in range(50):
        if page.evaluate("() => Array.from(document.images).every(img => img.complete)"):
            break
        page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 0)")


def shoot(page, artifacts, name: str, overflowing: list) -> None:
    """Full-page screenshots <name>-phone.png and <name>-desktop.png of the page as it is; the viewport comes back.

    A page wider than the screen is noted in `overflowing` (the test asserts on it at its end, so one layout
    problem does not hide the behaviour checks that follow).
    """
    original = page.viewport_size
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        settle_images(page)
        page.screenshot(path=artifacts / f"{name}-{label}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            overflowing.append(f"{name}-{label}: {width}px wide on a {size['width']}px screen")
    page.set_viewport_size(original)


def add_to_cart(page, base_url, lang: str, product, quantity: int, expected_count: int) -> None:
    """With JavaScript: the form posts in the background, the header count and the status message update."""
    page.goto(f"{base_url}/{lang}/products/{product.slug}")
    page.locator("#quantity").fill(str(quantity))
    page.locator("form[data-add-to-cart] button[type=submit]").click()
    expect(page.locator("[data-cart-count]")).to_have_text(str(expected_count))
    expect(page.locator("[data-cart-status]")).to_contain_text(getattr(product, lang))
    expect(page).to_have_url(f"{base_url}/{lang}/products/{product.slug}")  # no page load


def fill_checkout(page, lang: str, *, card: str, email_address: str | None = None, consent: bool = True) -> None:
    if email_address is not None:
        page.locator("[name=email]").fill(email_address)
    for name, value in ADDRESSES[lang].items():
        field = page.locator(f"[name={name}]")
        if name == "country":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("[name=card_number]").fill(card)
    page.locator("[name=card_expiry]").fill("12/34")
    page.locator("[name=card_cvc]").fill("123")
    page.locator("[name=card_name]").fill("NANA OUYANG" if lang == "zh" else "ADA LOVELACE")
    if consent:
        page.locator("#payment_consent").check()


def place_order(page):
    """Press "Place order" and wait for the page the POST leads to; returns the final response."""
    with page.expect_navigation() as navigation:
        page.locator("form.checkout-form button[type=submit]").click()
    return navigation.value


def wait_for_mail(inbox, recipient: str, timeout: float = 10.0) -> email.message.EmailMessage:
    """The first message the SMTP server accepted for `recipient`, polled from Python."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for envelope in list(inbox.envelopes):
            if recipient in envelope.rcpt_tos:
                return email.message_from_bytes(envelope.content, policy=email.policy.default)
        time.sleep(0.1)
    raise AssertionError(f"no mail for {recipient} within {timeout}s; got {[e.rcpt_tos for e in inbox.envelopes]}")


def expected_subject(live_app, lang: str, number: str) -> str:
    """The confirmation's subject as the shop translates it into `lang` (whatever the translators have done)."""
    with live_app.test_request_context(f"/{lang}/"), speaking(lang):
        return str(lazy_gettext("Your order %(number)s", number=number))


# Tests -------------------------------------------------------------------------------------------


def test_chinese_guest_on_a_phone_buys_two_products_and_opens_the_emailed_link(
        browser, base_url, live_app, catalogue, mail_over_smtp, artifacts):
    first, second = catalogue[0], catalogue[1]
    guest = "zhang.wei@example.com"
    overflowing = []
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"])
    page = context.new_page()

    add_to_cart(page, base_url, "zh", first, 2, expected_count=2)
    add_to_cart(page, base_url, "zh", second, 1, expected_count=3)

    page.goto(f"{base_url}/zh/cart")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text=first.zh).locator("input[type=number][name=quantity]")).to_have_value("2")
    expect(lines.filter(has_text=second.zh).locator("input[type=number][name=quantity]")).to_have_value("1")
    shoot(page, artifacts, "cart-zh", overflowing)

    page.locator(".cart-summary a[href$='/zh/checkout']").click()
    page.wait_for_url(f"{base_url}/zh/checkout")
    expect(page.locator("fieldset.checkout-step")).to_have_count(3)
    expect(page.locator("#payment_consent")).not_to_be_checked()
    expect(page.locator(".summary-lines")).to_contain_text(first.zh)
    shoot(page, artifacts, "checkout-zh", overflowing)

    fill_checkout(page, "zh", card=APPROVED, email_address=guest)
    response = place_order(page)
    assert response.status == 200
    match = ORDER_URL.search(page.url)
    assert match and match.group(1) == "zh" and match.group(3), page.url
    number = match.group(2)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator(".order-status .badge-paid")).to_be_visible()
    expect(page.locator(".order-lines")).to_contain_text(first.zh)
    expect(page.locator(".order-lines")).to_contain_text(second.zh)
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    shoot(page, artifacts, "order-zh", overflowing)

    # The confirmation arrives over real SMTP, rendered in the order's language.
    mail = wait_for_mail(mail_over_smtp, guest)
    (artifacts / "order-confirmation-zh.eml").write_bytes(mail.as_bytes())
    assert mail["Content-Language"] == "zh-Hans"
    assert number in mail["Subject"]
    assert mail["Subject"] == expected_subject(live_app, "zh", number)
    assert HAN.search(mail["Subject"]), mail["Subject"]  # e.g. "您的订单 SF-…"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert first.zh in text and second.zh in text and HAN.search(text)
    assert 'lang="zh-Hans"' in html
    link = re.search(r"(https?://\S+/zh/orders/\S+\?token=\S+)", text).group(1)
    assert link.startswith(f"{base_url}/zh/orders/{number}?token="), link

    # Whoever holds the link sees the order, with no cookie of the shop's; without the token it is not found.
    stranger = browser.new_context(viewport=VIEWPORTS["desktop"])
    other = stranger.new_page()
    assert other.goto(link).status == 200
    expect(other.get_by_role("heading", level=1)).to_contain_text(number)
    expect(other.locator(".order-status .badge-paid")).to_be_visible()
    expect(other.locator(".order-lines")).to_contain_text(first.zh)
    other.screenshot(path=artifacts / "order-from-email-zh-desktop.png", full_page=True)
    assert other.goto(link.split("?")[0]).status == 404
    stranger.close()
    context.close()
    assert not overflowing, overflowing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_declined_card_shows_the_reason_and_keeps_the_cart(browser, base_url, catalogue, artifacts, lang):
    product = catalogue[2] if lang == "en" else catalogue[3]
    overflowing = []
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    add_to_cart(page, base_url, lang, product, 1, expected_count=1)
    page.goto(f"{base_url}/{lang}/checkout")
    if lang == "en":  # the Chinese checkout is photographed by the guest's test
        shoot(page, artifacts, "checkout-en", overflowing)

    # Missing fields, a card number failing the Luhn check and no consent: errors by the fields, nothing charged.
    page.locator("[name=email]").fill("not an email")
    page.locator("[name=card_number]").fill("4242 4242 4242 4241")
    response = place_order(page)
    assert response.status == 422
    expect(page.locator(".form-alert[role=alert]")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#recipient-error")).to_be_visible()
    expect(page.locator("#card_number-error")).to_be_visible()
    expect(page.locator("#payment_consent-error")).to_be_visible()
    expect(page.locator("[name=email]")).to_have_value("not an email")
    for name in CARD_FIELDS:
        expect(page.locator(f"[name={name}]")).to_have_value("")
    shoot(page, artifacts, f"checkout-errors-{lang}", overflowing)

    # A declined card: the reason in the alert and beside the card number, card fields empty, the rest kept.
    guest = f"declined-{lang}@example.com"
    fill_checkout(page, lang, card=DECLINED, email_address=guest)
    response = place_order(page)
    assert response.status == 422
    assert page.url == f"{base_url}/{lang}/checkout"
    alert = page.locator(".form-alert[role=alert]")
    expect(alert).to_be_visible()
    reason = alert.inner_text().strip()
    assert reason
    expect(page.locator("#card_number-error")).to_contain_text(reason)
    expect(page.locator("#card_number")).to_have_attribute("aria-invalid", "true")
    if lang == "en":
        expect(alert).to_contain_text("declined")
    for name in CARD_FIELDS:
        expect(page.locator(f"[name={name}]")).to_have_value("")
    expect(page.locator("#payment_consent")).not_to_be_checked()
    expect(page.locator("[name=email]")).to_have_value(guest)
    expect(page.locator("[name=recipient]")).to_have_value(ADDRESSES[lang]["recipient"])
    expect(page.locator("[name=country]")).to_have_value(ADDRESSES[lang]["country"])
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    expect(page.locator(".summary-lines")).to_contain_text(getattr(product, lang))
    shoot(page, artifacts, f"checkout-declined-{lang}", overflowing)

    page.goto(f"{base_url}/{lang}/cart")
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line")).to_contain_text(getattr(product, lang))
    expect(page.locator("[data-cart-count]")).to_have_text("1")

    # The kept cart can still be paid with another card.
    page.goto(f"{base_url}/{lang}/checkout")
    fill_checkout(page, lang, card=APPROVED, email_address=guest)
    place_order(page)
    match = ORDER_URL.search(page.url)
    assert match and match.group(1) == lang and match.group(3), page.url
    expect(page.locator(".order-status .badge-paid")).to_be_visible()
    if lang == "en":
        expect(page.locator(".order-status .badge-paid")).to_have_text("Paid")
        expect(page.locator(".flash-success")).to_contain_text("Thank you")
        shoot(page, artifacts, "order-en", overflowing)
    context.close()
    assert not overflowing, overflowing


def test_visitor_cart_is_merged_into_the_account_on_sign_in(browser, base_url, live_app, catalogue, artifacts):
    visitor_product, saved_product = catalogue[4], catalogue[5]
    password = "a long enough password 42"
    with live_app.app_context():
        with write_transaction():
            user = User(email="merge@example.com", password_hash=hash_password(password), preferred_locale="en",
                        email_confirmed_at=utcnow())
            db.session.add(user)
            db.session.flush()
            # Left in the account's cart during an earlier visit.
            cart = cart_services.create_cart(user_id=user.id)
            cart_services.add_item(cart, cart_services.get_product(saved_product.id), 1)
            db.session.commit()
        db.session.remove()

    overflowing = []
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    add_to_cart(page, base_url, "en", visitor_product, 2, expected_count=2)

    page.goto(f"{base_url}/en/account/login")
    page.locator("[name=email]").fill("merge@example.com")
    page.locator("[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".flash-info")).to_contain_text("now in your cart")
    expect(page.locator("[data-cart-count]")).to_have_text("3")

    page.goto(f"{base_url}/en/cart")
    merged = page.locator("section.merged")
    expect(merged.get_by_role("heading")).to_have_text("Added from before you signed in")
    expect(merged.locator("li")).to_have_count(1)
    expect(merged).to_contain_text(f"{visitor_product.en} × 2")
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text=visitor_product.en).locator("input[type=number][name=quantity]")).to_have_value("2")
    expect(lines.filter(has_text=saved_product.en).locator("input[type=number][name=quantity]")).to_have_value("1")
    shoot(page, artifacts, "cart-merged-en", overflowing)

    # The merged list is said once; the lines stay. The checkout asks a signed-in customer for no email.
    page.reload()
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator("section.merged")).to_have_count(0)
    page.goto(f"{base_url}/en/checkout")
    expect(page.locator("fieldset.checkout-step")).to_have_count(3)
    expect(page.locator("[name=email]")).to_have_count(0)
    expect(page.locator("fieldset.checkout-step").first).to_contain_text("merge@example.com")
    context.close()
    assert not overflowing, overflowing


def test_without_javascript_the_cart_forms_work_page_by_page(browser, base_url, catalogue, artifacts):
    kept, removed = catalogue[6], catalogue[7]
    overflowing = []
    context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=False)
    page = context.new_page()
    for product in (kept, removed):
        page.goto(f"{base_url}/en/products/{product.slug}")
        page.locator("form[data-add-to-cart] button[type=submit]").click()
        page.wait_for_url(f"{base_url}/en/cart")
        expect(page.locator(".flash-success")).to_contain_text(product.en)
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    quantity = page.locator(".cart-line").filter(has_text=kept.en).locator("input[type=number][name=quantity]")
    quantity.fill("3")
    with page.expect_navigation():
        page.locator(".cart-line").filter(has_text=kept.en).locator(".cart-line-quantity button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(quantity).to_have_value("3")  # the locator finds the line again on the new page
    with page.expect_navigation():
        page.locator(".cart-line").filter(has_text=removed.en).locator(".cart-line-remove button").click()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator("[data-cart-count]")).to_have_text("3")
    shoot(page, artifacts, "cart-en", overflowing)
    context.close()
    assert not overflowing, overflowing
