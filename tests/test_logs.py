"""Production logs: JSON lines with a request id, the id on error pages, and nothing personal in them."""

import json
import logging
import sys
from datetime import timedelta
from types import SimpleNamespace

import click
import pytest
from gunicorn.config import Config as GunicornConfig

from storefront import logs
from storefront.payments import logfilter

CARD = "4242 4242 4242 4242"


@pytest.fixture
def failing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/<any(en, zh):lang>/test-crash")
    def crash():
        raise RuntimeError(f"charging {CARD} failed")

    return app


def reference_on(page: str) -> str:
    return page.split('class="error-reference">', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(("lang", "words"), [("en", "reference"), ("zh", "编号")])
def test_error_pages_show_the_request_id_from_the_logs(failing_app, lang, words):
    client = failing_app.test_client()
    for url, code in ((f"/{lang}/no-such-page", 404), (f"/{lang}/test-crash", 500)):
        response = client.get(url)
        request_id = response.headers["X-Request-ID"]
        assert response.status_code == code and len(request_id) == 16
        shown = reference_on(response.get_data(as_text=True))
        assert request_id in shown and words in shown


def test_every_response_gets_a_fresh_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_clients_request_id_is_ignored_without_trusted_proxies(client):
    response = client.get("/healthz", headers={"X-Request-ID": "forged-by-the-client-0001"})
    assert response.headers["X-Request-ID"] != "forged-by-the-client-0001"
    assert response.headers.getlist("X-Request-ID") == [response.headers["X-Request-ID"]]


def test_a_trusted_proxys_request_id_is_kept_when_well_formed(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    nginx_id = "0f8e6a3b9c1d4e5f8a7b6c5d4e3f2a1b"
    assert client.get("/healthz", headers={"X-Request-ID": nginx_id}).headers["X-Request-ID"] == nginx_id
    for bad in ("short", "has space in it ok", "<script>alert(1)</script>", "x" * 80):
        assert client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"] != bad


def test_an_untrusted_host_still_gets_a_request_id(make_app):
    client = make_app(TRUSTED_HOSTS="shop.example").test_client()
    response = client.get("/en/", base_url="http://evil.example")
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_the_logged_path_hides_sign_in_tokens_and_query_strings(client):
    with client:
        client.get("/en/account/confirm/secret-token-value?x=1")
        from flask import request

        assert request.environ[logs.LOG_PATH] == "/en/account/confirm/:redacted"
        client.get("/zh/products?q=personal+search")
        assert request.environ[logs.LOG_PATH] == "/zh/products"


def format_line(record: logging.LogRecord) -> dict:
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line  # one event, one line, also with a traceback
    return json.loads(line)


def test_event_lines_are_json_with_the_request_id_and_masked_card_numbers(app):
    logfilter.install()
    with app.test_request_context("/en/"):
        from flask import request

        request.environ[logs.REQUEST_ID] = "abc123def4567890"
        try:
            raise ValueError(f"processor said no to {CARD}")
        except ValueError:
            record = logging.getLogger("storefront.test").makeRecord(
                "storefront.test", logging.ERROR, __file__, 1, "payment for %s failed", (CARD,),
                exc_info=sys.exc_info(), extra={"fields": {"order": "SF-TEST"}})
        line = format_line(record)  # handlers format while the request is still being handled
    assert line["request_id"] == "abc123def4567890" and line["level"] == "error"
    assert line["logger"] == "storefront.test" and line["order"] == "SF-TEST"
    assert "ValueError" in line["exception"]
    assert CARD not in json.dumps(line, ensure_ascii=False) and "4242424242424242" not in json.dumps(line)
    assert logfilter.MASK in line["message"] and logfilter.MASK in line["exception"]


def test_configure_sends_every_logger_to_one_json_handler_on_stdout(capsys):
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        logs.configure()
        logs.configure()  # idempotent: still one handler
        assert [getattr(h, "storefront_json", False) for h in root.handlers] == [True]
        logging.getLogger("storefront.somewhere").info("an event")
        line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert line["message"] == "an event" and line["logger"] == "storefront.somewhere"
        # Flask-Limiter's "exceeded" line names the client address or the email's digest: not logged.
        logging.getLogger("flask-limiter").info("ratelimit 5 per 15 minute (%s) exceeded", "203.0.113.9")
        logging.getLogger("flask-limiter").warning("Rate limit storage unreachable")
        out = capsys.readouterr().out
        assert "203.0.113.9" not in out and "storage unreachable" in out
    finally:
        logging.getLogger("flask-limiter").setLevel(logging.NOTSET)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)


def test_gunicorns_access_line_is_json_without_query_client_or_browser(capsys):
    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    logger = logs.GunicornLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/en/orders/SF-ABCD-EFGH", "QUERY_STRING": "token=signed-secret",
        "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Mozilla/5.0 Secret/1.0", "HTTP_REFERER": "https://x.example/?q=me",
        logs.REQUEST_ID: "0011223344556677",
    }
    logger.access(SimpleNamespace(status="200 OK", sent=512), None, environ, timedelta(milliseconds=12.34))
    out = capsys.readouterr().out
    line = json.loads(out.strip().splitlines()[-1])
    assert line == {**line, "logger": "gunicorn.access", "request_id": "0011223344556677", "method": "GET",
                    "path": "/en/orders/SF-ABCD-EFGH", "status": 200, "bytes": 512, "duration_ms": 12.3}
    for private in ("signed-secret", "203.0.113.9", "Mozilla", "x.example"):
        assert private not in out


def test_gunicorns_access_line_uses_the_apps_redacted_path(capsys):
    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/en/account/password-reset/tok.en",
               logs.LOG_PATH: "/en/account/password-reset/:redacted"}
    logs.GunicornLogger(cfg).access(SimpleNamespace(status="404 NOT FOUND", sent=0), None, environ, timedelta())
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["path"] == "/en/account/password-reset/:redacted" and line["status"] == 404


def test_gunicorn_error_log_lines_are_json(capsys):
    logger = logs.GunicornLogger(GunicornConfig())
    logger.info("Booting worker with pid: %s", 42)
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["message"] == "Booting worker with pid: 42"


def test_json_formatter_keeps_chinese_readable():
    record = logging.LogRecord("storefront", logging.INFO, __file__, 1, "已发货", None, None)
    assert '"已发货"' in logs.JsonFormatter().format(record)


def test_under_a_flask_command_log_lines_go_to_stderr_so_the_output_stays_clean(make_app, capsys):
    """`STOREFRONT_DATA_KEYS=$(flask keys generate)` must capture the key alone."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        with click.Context(click.Command("flask")):
            make_app(TESTING=False)
        logging.getLogger("storefront.somewhere").warning("a command's event")
        captured = capsys.readouterr()
        assert "a command's event" in captured.err and "a command's event" not in captured.out
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
