"""Logs for production: one JSON line per request and per event on stdout, each with its request id.

What the lines may hold is decided here, not at each call: the access line carries the method, the
path without its query string (and with sign-in tokens replaced), the status, the size and the time
taken; never the client's address, browser or referrer, which the privacy policy records only with
consent. Card numbers are masked in every record (payments.logfilter), and statement parameters never
reach error messages (SQLALCHEMY_ENGINE_OPTIONS hide_parameters).
"""

import json
import logging
import re
import secrets
import sys
from datetime import datetime, timezone

import click
from flask import has_request_context, request

REQUEST_ID = "storefront.request_id"
LOG_PATH = "storefront.log_path"
REQUEST_ID_HEADER = "X-Request-ID"
# What a trusted proxy may hand us as the id (nginx's $request_id is 32 hex digits).
_FORWARDED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
# Route arguments that are secrets in the path: they are logged as this instead.
SECRET_ARGUMENTS = ("token",)
REDACTED = ":redacted"
# Libraries whose informational lines name a person: Flask-Limiter's "exceeded" line carries the limit's
# key (the client address or the email's digest). Their warnings and errors still come through.
QUIET_LOGGERS = ("flask-limiter",)


class RequestId:
    """WSGI middleware: give every request an id, in the environ and in the X-Request-ID response header.

    With trusted proxies in front, an id they forward (nginx's $request_id) is kept so both logs join
    up; without them, a client's header is ignored.
    """

    def __init__(self, wsgi_app, trust_forwarded: bool):
        self.wsgi_app = wsgi_app
        self.trust_forwarded = trust_forwarded

    def __call__(self, environ, start_response):
        forwarded = environ.get("HTTP_X_REQUEST_ID", "") if self.trust_forwarded else ""
        request_id = forwarded if _FORWARDED_ID.fullmatch(forwarded) else secrets.token_hex(8)
        environ[REQUEST_ID] = request_id

        def start_with_id(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            return start_response(status, [*headers, (REQUEST_ID_HEADER, request_id)], exc_info)

        return self.wsgi_app(environ, start_with_id)


def current_request_id() -> str | None:
    return request.environ.get(REQUEST_ID) if has_request_context() else None


def remember_log_path(response):
    """after_request: the path the access line shows, with secret route arguments replaced."""
    secret = [request.view_args[name] for name in SECRET_ARGUMENTS if name in (request.view_args or {})]
    path = request.path
    for value in secret:
        path = path.replace(str(value), REDACTED)
    request.environ[LOG_PATH] = path
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.storefront_json = True
    return handler


def configure(level: int = logging.INFO, stream=None) -> None:
    """Send every logger's records to stdout (or `stream`) as JSON lines (idempotent; replaces the root's handlers)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_handler(stream))
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def register(app) -> None:
    """Production logging for the app: JSON on stdout, request ids, the access line's path."""
    app.wsgi_app = RequestId(app.wsgi_app, trust_forwarded=app.config["TRUSTED_PROXIES"] > 0)
    app.after_request(remember_log_path)
    if not (app.config["DEV"] or app.config["TESTING"]):
        # Under a flask command, stdout is the command's own output (`keys generate` prints a key to
        # capture): its log lines go to stderr, which journald keeps as well.
        configure(stream=sys.stderr if click.get_current_context(silent=True) else None)
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)


try:
    from gunicorn import glogging
except ImportError:  # pragma: no cover - gunicorn is a dependency; flask commands do not need it
    glogging = None

if glogging is not None:

    class GunicornLogger(glogging.Logger):
        """gunicorn's error and access logs as JSON lines on stdout (gunicorn.conf.py's logger_class)."""

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in list(log.handlers):
                    log.removeHandler(handler)
                log.addHandler(json_handler())
                log.propagate = False

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            fields = {
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get(LOG_PATH) or environ.get("PATH_INFO", ""),
                "status": int(status) if str(status).isdigit() else status,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            }
            self.access_log.info("request", extra={"fields": fields, "request_id": environ.get(REQUEST_ID)})
