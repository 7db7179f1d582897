"""Queueing email rendered in the recipient's language, and absolute links for emails."""

import contextlib
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app, g, render_template
from flask_babel import LazyString, force_locale
from sqlalchemy import delete

from storefront.database import utcnow
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.notifications.models import PENDING, SENT, OutboxMessage

RECIPIENT_LENGTH = 320
SUBJECT_LENGTH = 300
_LINE_BREAK = re.compile(r"[\r\n]")
_MISSING = object()


def queue_email(
    *, to: str, template: str, locale: str, subject: str | LazyString | None, user_id: int | None = None,
    delete_after_send: bool = False, **context,
) -> OutboxMessage:
    """Render email/<template>.txt and .html in the locale's language and add them to the outbox.

    Returns the pending row. Raises ValueError for an unknown locale, or a recipient that is empty,
    too long or more than one line. Flushes; the caller commits, so the email leaves only with the
    change that caused it.
    """
    if locale not in LANGUAGES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {', '.join(LANGUAGES)}")
    if not to or len(to) > RECIPIENT_LENGTH or _LINE_BREAK.search(to):
        raise ValueError("the recipient must be a single email address")
    subject_text, body_text, body_html = render_email(template, locale, subject, context)
    message = OutboxMessage(
        recipient=to, locale=locale, template=template, subject=subject_text, body_text=body_text,
        body_html=body_html, user_id=user_id, status=PENDING, attempts=0, next_attempt_at=utcnow(),
        delete_after_send=delete_after_send,
    )
    db.session.add(message)
    db.session.flush()
    return message


def render_email(
    template: str, locale: str, subject: str | LazyString | None, context: dict
) -> tuple[str | None, str, str]:
    """(subject, text, HTML) of email/<template> in the locale's language, whatever the request speaks.

    The templates get the context, `subject`, `lang` (the URL code) and `shop_name`, `shop_email`,
    `shop_address` (plain names, so {% trans %} blocks can use them).
    """
    with speaking(locale):
        subject_text = one_line(str(subject))[:SUBJECT_LENGTH] if subject is not None else None
        values = {**context, **shop_details(), "subject": subject_text, "lang": locale}
        body_text = render_template(f"email/{template}.txt", **values)
        body_html = render_template(f"email/{template}.html", **values)
    return subject_text, body_text, body_html


@contextlib.contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Translate and format in the locale, and let helpers that read g.lang see it too.

    force_locale covers gettext and the money/date filters; g.lang is what request_language(),
    html_lang() and url_for's language default read, so the page's language cannot leak in.
    """
    previous = g.pop("lang", _MISSING)
    g.lang = locale
    try:
        with force_locale(LANGUAGES[locale].babel):
            yield
    finally:
        g.pop("lang", None)
        if previous is not _MISSING:
            g.lang = previous


def one_line(text: str) -> str:
    """The text with every run of whitespace (line breaks too) turned into one space."""
    return " ".join(text.split())


def shop_details() -> dict[str, str]:
    config = current_app.config
    return {
        "shop_name": config["SHOP_NAME"], "shop_email": config["SHOP_EMAIL"], "shop_address": config["SHOP_ADDRESS"]
    }


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an email: BASE_URL plus the endpoint's path, never the request's Host.

    Works with or without a request. URL defaults do not apply, so pass `lang` for pages under
    /<lang>/; raises werkzeug.routing.BuildError when the endpoint or a value is missing.
    """
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


MAIL_LOG_RETENTION = timedelta(days=3 * 365)


def purge_mail_log(now: datetime | None = None) -> int:
    """Delete sent messages older than three years (the log kept of what we told people). Flushes."""
    cutoff = (now or utcnow()) - MAIL_LOG_RETENTION
    return db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == SENT, OutboxMessage.sent_at < cutoff)
    ).rowcount
