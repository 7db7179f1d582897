import pytest
from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from storefront.database import utcnow
from storefront.extensions import db
from storefront.notifications.models import OutboxMessage
from storefront.notifications.services import external_url, queue_email


@pytest.mark.parametrize(
    ("page", "locale", "words", "price", "date"),
    [
        ("/en/", "zh", "加入购物车", "US$12.50", "2026年11月24日"),
        ("/zh/", "en", "Add to cart", "$12.50", "November 24, 2026"),
    ],
)
def test_email_is_rendered_in_the_recipients_language_not_the_pages(
    app, message_values, page, locale, words, price, date
):
    with app.test_request_context(page):
        app.preprocess_request()  # pulls the page's language into g.lang, as a real request does
        page_lang, page_locale = g.lang, str(get_locale())
        message = queue_email(**{**message_values, "locale": locale})
        assert (g.lang, str(get_locale())) == (page_lang, page_locale)
    for body in (message.body_text, message.body_html):
        assert words in body
        assert price in body
        assert date in body
    if locale == "en":
        assert "US$" not in message.body_text


def test_html_part_declares_the_recipients_language(app_ctx, message_values):
    message = queue_email(**message_values)
    assert '<html lang="zh-Hans">' in message.body_html
    assert message.locale == "zh"


def test_lazy_subject_is_translated_for_the_recipient(app, message_values):
    with app.test_request_context("/en/"):
        app.preprocess_request()
        chinese = queue_email(**{**message_values, "subject": _l("Add to cart")})
        english = queue_email(**{**message_values, "locale": "en", "subject": _l("Add to cart")})
    assert chinese.subject == "加入购物车"
    assert english.subject == "Add to cart"


def test_subject_becomes_one_line(app_ctx, message_values):
    message = queue_email(**{**message_values, "subject": "Your order\r\nBcc: x@evil.example"})
    assert message.subject == "Your order Bcc: x@evil.example"


def test_links_use_the_base_url_never_the_requests_host(app, message_values):
    with app.test_request_context("/en/", headers={"Host": "evil.example"}):
        app.preprocess_request()
        assert external_url("catalog.product_detail", lang="zh", slug="lens") == "http://shop.test/zh/products/lens"
        message = queue_email(**message_values)
    for body in (message.body_text, message.body_html):
        assert "http://shop.test/zh/products/field-lens" in body
        assert "http://shop.test/zh/" in body
        assert "evil.example" not in body


def test_external_url_works_without_a_request(app_ctx):
    assert external_url("catalog.index", lang="en") == "http://shop.test/en/"
    assert external_url("ops.healthz") == "http://shop.test/healthz"


def test_external_url_needs_the_language_of_a_page(app_ctx):
    with pytest.raises(BuildError):
        external_url("catalog.index")


def test_html_part_escapes_context_and_text_part_keeps_it_literal(app_ctx, message_values):
    message = queue_email(**{**message_values, "name": "<script>alert(1)</script> Tom & Jerry"})
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry" in message.body_html
    assert "<script>alert(1)</script> Tom & Jerry" in message.body_text
    assert "&amp;" not in message.body_text


def test_layout_shows_the_shop_in_the_footer(app, app_ctx, message_values):
    message = queue_email(**{**message_values, "locale": "en"})
    shop = app.config
    for body in (message.body_text, message.body_html):
        assert body.count(shop["SHOP_ADDRESS"]) == 1
        assert shop["SHOP_EMAIL"] in body
        assert "because of your account or order at" in body
    assert f'<a href="mailto:{shop["SHOP_EMAIL"]}">' in message.body_html
    assert "Lumen &amp; Lens Optics" in message.body_html


def test_queued_message_is_pending_and_due_now(app_ctx, message_values):
    message = queue_email(**message_values, user_id=7, delete_after_send=True)
    assert (message.status, message.attempts, message.user_id, message.delete_after_send) == ("pending", 0, 7, True)
    assert message.recipient == "ming@example.com"
    assert message.template == "test_message"
    assert message.next_attempt_at <= utcnow()


def test_queue_email_flushes_but_leaves_the_commit_to_the_caller(app_ctx, message_values):
    message = queue_email(**message_values)
    assert message.id is not None
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_unknown_locale_is_refused(app_ctx, message_values):
    with pytest.raises(ValueError, match="locale"):
        queue_email(**{**message_values, "locale": "fr"})


@pytest.mark.parametrize(
    "to",
    ["ming@example.com\r\nBcc: x@evil.example", "ming@example.com\nBcc: x@evil.example", "", "m" * 310 + "@example.com"],
)
def test_recipient_must_be_one_line(app_ctx, message_values, to):
    with pytest.raises(ValueError, match="recipient"):
        queue_email(**{**message_values, "to": to})
