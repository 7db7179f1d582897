"""Browser tests: Debian's Chromium driven by Playwright against the shop served on a free local port."""

import os
import shutil
import socket
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from storefront import create_app
from storefront.catalog.demo import seed_demo
from storefront.database import write_transaction
from storefront.extensions import db
from tests.conftest import BASE_CONFIG
from tests.mailserver import Inbox

CHROMIUM = os.environ.get("STOREFRONT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The shop with the demo catalogue, on a SQLite file, as `make run` serves it."""
    root = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            **BASE_CONFIG,
            "TESTING": False,
            "DEV": True,
            "WTF_CSRF_ENABLED": True,
            "DATABASE_URL": f"sqlite:///{root / 'shop.db'}",
            "UPLOAD_DIR": str(root / "uploads"),
            "MAIL_DIR": str(root / "mail"),  # not the repository's instance/mail
        }
    )
    with app.app_context():
        upgrade()
        with write_transaction():
            seed_demo(app.config["UPLOAD_DIR"])
            db.session.commit()
        db.session.remove()
    return app


class _CloseOnce:
    """A response body whose close() (files, call_on_close callbacks) runs at most once."""

    def __init__(self, body):
        self.body = body
        self.closed = False

    def __iter__(self):
        return iter(self.body)

    def close(self):
        if not self.closed:
            self.closed = True
            if hasattr(self.body, "close"):
                self.body.close()


def _remember_response(app):
    def wsgi(environ, start_response):
        body = _CloseOnce(app(environ, start_response))
        environ["tests.e2e.response"] = body
        return body

    return wsgi


class _ClosingRequestHandler(WSGIRequestHandler):
    """Closes the response when the browser hangs up mid-way (a context closed while an image still loads).

    Werkzeug's development server then skips close(): the open static or media file would surface later as
    a ResourceWarning in whichever test happens to be running, an error under filterwarnings=error.
    """

    def connection_dropped(self, error, environ=None):
        body = (environ or {}).get("tests.e2e.response")
        if body is not None:
            body.close()


@pytest.fixture(scope="session")
def base_url(live_app):
    server = make_server("127.0.0.1", 0, _remember_response(live_app), threaded=True,
                         request_handler=_ClosingRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on a free local port for the whole session: its `url` and `inbox`."""
    # aiosmtpd cannot report a port it was given as 0, so find a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(url=f"smtp://127.0.0.1:{port}", inbox=inbox)
    controller.stop()


@pytest.fixture
def mail_over_smtp(live_app, smtp_inbox):
    """During one test the live shop sends its email over SMTP to smtp_inbox; returns the Inbox.

    The transport reads MAIL_URL from the config at every delivery, so switching it here takes effect at
    once; other tests keep finding their mail as .eml files in MAIL_DIR.
    """
    previous = live_app.config.get("MAIL_URL")
    live_app.config["MAIL_URL"] = smtp_inbox.url
    yield smtp_inbox.inbox
    live_app.config["MAIL_URL"] = previous
