"""The owner's day in the browser: sign in, create a product with both texts and a picture and find it in
both shop languages, ship a guest's order (the customer's email arrives over SMTP), answer a customer's
message; with screenshots of the admin at phone and desktop widths."""

import email
import email.policy
import io
import re
import time

from PIL import Image
from playwright.sync_api import expect

from storefront.account.models import User
from storefront.database import utcnow, write_transaction
from storefront.extensions import db
from storefront.security import hash_password
from tests.e2e.test_checkout import add_to_cart, fill_checkout, place_order, shoot

OWNER_EMAIL = "owner@lumen.example"
PASSWORD = "owner's long demo password"
DESKTOP = {"width": 1280, "height": 900}


def make_owner(live_app) -> None:
    with live_app.app_context(), write_transaction():
        db.session.add(User(email=OWNER_EMAIL, password_hash=hash_password(PASSWORD), role="owner",
                            email_confirmed_at=utcnow(), preferred_locale="en"))
        db.session.commit()
        db.session.remove()


def picture(path) -> str:
    """A small PNG photo-like picture to upload."""
    image = Image.new("RGB", (640, 480), (30, 90, 160))
    for x in range(0, 640, 40):
        image.paste((240, 200, 40), (x, 200, x + 20, 280))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def wait_for_text(inbox, recipient: str, text: str, timeout: float = 10.0) -> None:
    """Until the SMTP server has accepted a message to `recipient` whose text part contains `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for envelope in list(inbox.envelopes):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            if recipient in envelope.rcpt_tos and text in message.get_body(("plain",)).get_content():
                return
        time.sleep(0.1)
    raise AssertionError(f"no message to {recipient} saying {text!r}")


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def test_the_owner_creates_a_product_ships_an_order_and_answers_a_customer(
        browser, base_url, live_app, mail_over_smtp, artifacts, tmp_path):
    make_owner(live_app)
    overflowing: list[str] = []
    owner = browser.new_context(viewport=DESKTOP)
    page = owner.new_page()

    # Sign in: the admin link in the header leads to the overview.
    page.goto(f"{base_url}/en/account/login")
    page.locator("[name=email]").fill(OWNER_EMAIL)
    page.locator("[name=password]").fill(PASSWORD)
    submit(page, "form.auth-form, main form")
    page.locator("header a.nav-admin").click()
    expect(page).to_have_url(f"{base_url}/en/admin/")
    shoot(page, artifacts, "admin-overview-en", overflowing)

    # A new product with both languages' texts and a picture.
    page.goto(f"{base_url}/en/admin/products/new")
    page.locator("[name=name_en]").fill("Field Notebook Loupe")
    page.locator("[name=summary_en]").fill("A folding 10x loupe for the pocket.")
    page.locator("[name=description_en]").fill("Folds flat.\n\n**Glass** lens, *metal* body.")
    page.locator("[name=name_zh]").fill("口袋折叠放大镜")
    page.locator("[name=summary_zh]").fill("可放进口袋的 10 倍折叠放大镜。")
    page.locator("[name=description_zh]").fill("折叠后很薄。\n\n**玻璃**镜片，金属机身。")
    page.locator("[name=sku]").fill("lp-10-fold")
    page.locator("[name=price]").fill("24.50")
    page.locator("[name=stock]").fill("12")
    shoot(page, artifacts, "admin-product-new-en", overflowing)
    submit(page, "form.product-editor")
    expect(page.locator("[name=sku]")).to_have_value("LP-10-FOLD")
    page.locator("input[type=file][name=image]").set_input_files(picture(tmp_path / "loupe.png"))
    submit(page, "form[enctype='multipart/form-data']")
    expect(page.locator("img[src*='/media/']").first).to_be_visible()
    shoot(page, artifacts, "admin-product-edit-en", overflowing)
    slug = page.locator("[name=slug]").input_value()
    assert slug == "field-notebook-loupe"

    customer = browser.new_context(viewport={"width": 390, "height": 844})
    shop = customer.new_page()
    for lang, name, bold in (("en", "Field Notebook Loupe", "Glass"), ("zh", "口袋折叠放大镜", "玻璃")):
        shop.goto(f"{base_url}/{lang}/products/{slug}")
        expect(shop.locator("h1")).to_have_text(name)
        expect(shop.locator(".description strong")).to_have_text(bold)
        image = shop.locator("img[src*='/media/']").first
        expect(image).to_be_visible()
        assert shop.evaluate("img => img.naturalWidth", image.element_handle()) > 0

    # A guest buys it; the owner ships the order and the customer is told by email.
    product = type("Product", (), {"id": None, "slug": slug, "en": "Field Notebook Loupe"})
    add_to_cart(shop, base_url, "en", product, 1, 1)
    shop.goto(f"{base_url}/en/checkout")
    fill_checkout(shop, "en", card="4242 4242 4242 4242", email_address="buyer@example.com")
    place_order(shop)
    number = re.search(r"/en/orders/([A-Z0-9-]+)", shop.url).group(1)

    page.goto(f"{base_url}/en/admin/orders?status=paid")
    page.locator(f"a[href='/en/admin/orders/{number}']").first.click()
    expect(page.locator("h1")).to_contain_text(number)
    page.locator("[name=tracking_number]").fill("sp 1234 5678")
    shoot(page, artifacts, "admin-order-en", overflowing)
    submit(page, f"form[action='/en/admin/orders/{number}/ship']")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("body")).to_contain_text("SP12345678")
    wait_for_text(mail_over_smtp, "buyer@example.com", "SP12345678")

    # The customer writes; the owner answers from the inbox.
    shop.goto(f"{base_url}/en/contact")
    shop.locator("[name=name]").fill("Ada Buyer")
    shop.locator("[name=email]").fill("buyer@example.com")
    shop.locator("[name=order_number]").fill(number)
    shop.locator("[name=subject]").fill("Which case fits?")
    shop.locator("[name=message]").fill("Does the loupe come with a case?")
    with shop.expect_navigation():
        shop.locator("main form button[type=submit]").click()
    reference = re.search(r"T-[A-Z0-9]+", shop.locator("main").inner_text()).group(0)

    page.goto(f"{base_url}/en/admin/support")
    page.locator(f"a[href='/en/admin/support/{reference}']").first.click()
    expect(page.locator("main")).to_contain_text("Does the loupe come with a case?")
    page.locator("[name=message]").fill("Yes: a leather case is in the box.")
    shoot(page, artifacts, "admin-ticket-en", overflowing)
    submit(page, f"form[action='/en/admin/support/{reference}/reply']")
    expect(page.locator("main")).to_contain_text("Yes: a leather case is in the box.")
    wait_for_text(mail_over_smtp, "buyer@example.com", "leather case")

    for lang in ("en", "zh"):
        for path in ("", "products", "orders", "support", "customers", "stats"):
            page.goto(f"{base_url}/{lang}/admin/{path}")
            shoot(page, artifacts, f"admin-{path or 'overview'}-{lang}", overflowing)
    owner.close()
    customer.close()
    assert not overflowing, overflowing
