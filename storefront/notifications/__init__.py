"""Transactional email: an outbox table, rendering in the recipient's language, delivery over SMTP or to files."""

from flask import Flask, current_app

from storefront.notifications.cli import outbox
from storefront.notifications.delivery import deliver_due
from storefront.notifications.services import external_url


def register(app: Flask) -> None:
    """The external_url template global, `flask outbox` and, in development, delivery after each request."""
    app.jinja_env.globals["external_url"] = external_url
    app.cli.add_command(outbox)
    if app.config["DEV"]:
        # `make run` needs no separate worker: due mail leaves once each response has been sent.
        app.after_request(deliver_after_response)


def deliver_after_response(response):
    app = current_app._get_current_object()
    response.call_on_close(lambda: deliver_quietly(app))
    return response


def deliver_quietly(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due()
        except Exception:  # noqa: BLE001 - a mail problem must not disturb the development server
            app.logger.exception("delivering the outbox after a request failed")
