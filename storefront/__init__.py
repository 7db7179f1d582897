"""The application factory: configuration, extensions, blueprints, error pages and commands."""

from flask import Flask, flash, redirect, render_template, request, url_for
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from storefront import (
    account, admin, assets, cart, catalog, cli, config, i18n, logs, notifications, ops, payments, policy, security,
    support,
)
from storefront.database import reset_write_intent, set_write_intent
from storefront.requests import Request
from storefront.extensions import babel, csrf, db, limiter, login_manager, migrate

WRITING_BLUEPRINTS = ("admin",)
BLUEPRINTS = (ops.bp, catalog.bp, account.bp, policy.bp, cart.bp, support.bp, admin.bp)

ERROR_MESSAGES = {
    400: (_l("Bad request"), _l("Something in that request was not right. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("We could not find that page. It may have moved, or the link may be wrong.")),
    405: (_l("Not allowed"), _l("That action is not possible on this page.")),
    409: (_l("Already in progress"), _l("This was already sent and is being handled. Please wait a moment and reload the page.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept. Please send a smaller file.")),
    429: (_l("Too many requests"), _l("You have tried this too often. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("Sorry, something went wrong on our side. Please try again in a moment.")),
    501: (_l("Coming soon"), _l("This part of the shop is not open yet.")),
    503: (_l("Please try again"), _l("The shop is busy for a moment. Please try again shortly.")),
}


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = Request  # a view's own body limit holds before any hook reads the body
    config.load(app, overrides)
    logs.register(app)
    register_extensions(app)
    register_templates(app)
    register_request_hooks(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    notifications.register(app)
    payments.register(app)
    cli.register(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.unauthorized_handler(send_to_sign_in)


def send_to_sign_in():
    """Anonymous visitors to account pages go to sign-in, with this page (a same-site path) as next."""
    flash(_l("Please sign in to see this page."), "info")
    # Only a page can be come back to: after a refused POST, the account overview.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("account.login", next=target))


def register_templates(app: Flask) -> None:
    assets.init_app(app)  # static URLs carry their file's hash, so they can be cached for a year
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_request_hooks(app: Flask) -> None:
    i18n.register(app)
    security.register(app)

    @app.before_request
    def declare_write_intent():
        # POSTs begin their SQLite transaction IMMEDIATE (storefront.database explains why), and so do the
        # admin's pages: opening one that shows a customer's data reads, then writes its audit row.
        writes = request.method not in ("GET", "HEAD") or request.blueprint in WRITING_BLUEPRINTS
        request.environ["storefront.write_token"] = set_write_intent(writes)

    @app.teardown_request
    def forget_write_intent(exc):
        token = request.environ.pop("storefront.write_token", None)
        if token is not None:
            reset_write_intent(token)


def register_error_handlers(app: Flask) -> None:
    def render_error(error: HTTPException):
        code = error.code or 500
        title, message = ERROR_MESSAGES.get(code) or ERROR_MESSAGES[400 if code < 500 else 500]
        headers = {"Allow": error.get_headers()[-1][1]} if code == 405 and error.valid_methods else {}
        if request_ctx.url_adapter is None:
            # The request failed before routing (an untrusted Host): no URLs can be built for a page.
            return f"{code} {title}\n{logs.current_request_id()}", code, {**headers, "Content-Type": "text/plain; charset=utf-8"}
        page = render_template("errors/error.html", code=code, title=title, message=message,
                               request_id=logs.current_request_id())
        return page, code, headers

    def render_unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()  # the page's header reads the database (the cart count) in a clean transaction

            return render_error(InternalServerError())
        except Exception:  # noqa: BLE001 - the error page itself failed; answer without templates
            app.logger.exception("the error page failed to render")
            return (f"Internal Server Error / 服务器内部错误\n{logs.current_request_id()}", 500,
                    {"Content-Type": "text/plain; charset=utf-8"})

    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(Exception, render_unexpected)
