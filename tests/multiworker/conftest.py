"""The real shop under gunicorn with 4 workers, in production mode, and people's browsers to crowd it.

One gunicorn per module (start-up and argon2 make each server costly): on a copy of the migrated SQLite
template or on the PostgreSQL test database, with Redis counting the rate limits across the workers,
an SMTP server taking the mail, and its stdout (JSON lines) kept in a file for the log checks.

The shop runs as it does behind nginx (STOREFRONT_TRUSTED_PROXIES=1): every simulated person sends
their own client address in X-Forwarded-For, so per-address limits (checkout, registration) see a
hundred different people rather than one client at 127.0.0.1.
"""

import contextlib
import html.parser
import http.cookiejar
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from storefront import create_app
from storefront.extensions import db
from tests.conftest import BASE_CONFIG, TEST_DATA_KEY
from tests.mailserver import Inbox

REPO = Path(__file__).resolve().parents[2]
WORKERS = 4
REDIS_URL = os.environ.get("STOREFRONT_MULTIWORKER_REDIS_URL", "redis://127.0.0.1:6379/7")
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0.0.0 Safari/537.36")
# What a failed request shows when the database gave up under concurrency.
DATABASE_FAILURES = ("database is locked", "OperationalError", "deadlock detected", "could not serialize")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# People's browsers ---------------------------------------------------------------------------------


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat http://127.0.0.1 as a secure context: they send `Secure` cookies back to it."""

    def return_ok_secure(self, cookie, request):
        return urllib.parse.urlsplit(request.get_full_url()).hostname == "127.0.0.1" or super().return_ok_secure(
            cookie, request)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 303 is an answer to look at (its Location), not something to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Forms(html.parser.HTMLParser):
    """The fields of every <form> on a page: {action path: {name: value}} (inputs with a value)."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urllib.parse.urlsplit(attrs.get("action") or "").path
            self._current = self.forms.setdefault(action, {})
        elif tag == "input" and self._current is not None and attrs.get("name") and attrs.get("value") is not None:
            if attrs.get("type") not in ("checkbox", "radio", "submit"):
                self._current[attrs["name"]] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@dataclass
class Page:
    """One answer of the shop, as a browser received it."""

    method: str
    path: str
    status: int
    headers: object
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    def form(self, action: str) -> dict[str, str]:
        """The prefilled fields (csrf_token, checkout_token, cart_version, ...) of the form posting to `action`."""
        parser = _Forms()
        parser.feed(self.text)
        assert action in parser.forms, f"no form to {action} on {self.path} ({self.status}): {sorted(parser.forms)}"
        return parser.forms[action]


class Person:
    """One person's browser: a cookie jar of its own, a browser user agent and its own client address."""

    def __init__(self, shop: "Shop", ip: str, languages: str = "en-GB,en;q=0.9,zh-CN;q=0.8"):
        self.shop = shop
        self.ip = ip
        shop.client_addresses.add(ip)
        self.jar = http.cookiejar.CookieJar(policy=LoopbackIsSecure())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.headers = {"User-Agent": CHROME, "Accept-Language": languages, "X-Forwarded-For": ip,
                        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

    def request(self, method: str, path: str, data: dict | None = None) -> Page:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.shop.url + path, data=body, method=method, headers=self.headers)
        try:
            with self.opener.open(request, timeout=90) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as answer:  # every non-2xx answer, 303s included
            with answer:
                status, headers, raw = answer.code, answer.headers, answer.read()
        page = Page(method, path, status, headers, raw.decode("utf-8", "replace"))
        self.shop.record(page)
        return page

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Page:
        return self.request("POST", path, data)

    def form(self, page_path: str, action: str | None = None) -> dict[str, str]:
        """Open the page and read the form posting to `action` (default: the page itself)."""
        page = self.get(page_path)
        assert page.status == 200, (page_path, page.status)
        return page.form(action or urllib.parse.urlsplit(page_path).path)

    def cookie(self, name: str):
        return next((cookie for cookie in self.jar if cookie.name == name), None)


def at_once(jobs: list) -> list:
    """Run every job in a thread of its own, all released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=120)
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def in_parallel(jobs: list, threads: int = 16) -> list:
    """Run the jobs (preparations, not the race itself) on a few threads; their results in order."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda job: job(), jobs))


# The shop under gunicorn ------------------------------------------------------------------------------


@dataclass
class Shop:
    url: str
    app: object  # an in-process app on the same database, for arranging and reading rows
    env: dict
    log_path: Path
    error_path: Path
    process: subprocess.Popen
    redis_url: str | None
    limit_prefix: str
    pages: list[Page] = field(default_factory=list)
    readiness_polls: int = 0
    secrets: set[str] = field(default_factory=set)  # what must never be logged: card, passwords, emails
    client_addresses: set[str] = field(default_factory=set)  # the people's addresses (X-Forwarded-For)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _checked: int = 0
    _addresses: itertools.count = field(default_factory=lambda: itertools.count(1))

    def record(self, page: Page) -> None:
        with self._lock:
            self.pages.append(page)

    def person(self, **options) -> Person:
        """A new browser with a client address of its own (198.18.0.0/15, the benchmarking range)."""
        n = next(self._addresses)
        return Person(self, f"198.18.{n // 250}.{n % 250 + 1}", **options)

    def never_logged(self, *values: str) -> None:
        self.secrets.update(values)

    def query(self, read):
        """read() inside an app context on the shop's database, then the session is closed."""
        with self.app.app_context():
            try:
                return read()
            finally:
                db.session.remove()

    def reset_limits(self) -> None:
        """Forget what the rate limits counted so far (this server's keys only, in case runs share Redis)."""
        if self.redis_url is None:
            return
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            for key in client.scan_iter(match=f"*{self.limit_prefix}*", count=1000):
                client.delete(key)
        finally:
            client.close()

    def check_pages(self) -> list[Page]:
        """Every answer since the last check: none a 5xx, none showing a database failure. Returns them."""
        with self._lock:
            pages, self._checked = self.pages[self._checked:], len(self.pages)
        failed = [(p.method, p.path, p.status) for p in pages if p.status >= 500]
        assert not failed, failed
        broken = [(p.method, p.path) for p in pages if any(marker in p.text for marker in DATABASE_FAILURES)]
        assert not broken, broken
        return pages

    def stop(self) -> None:
        """SIGTERM and wait: gunicorn lets the workers finish, and every log line is then written."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("gunicorn did not stop within 60 s of SIGTERM") from None

    def log_tail(self, lines: int = 40) -> str:
        out = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(out) + "\n--- stderr ---\n" + self.error_path.read_text(errors="replace")[-4000:]

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """`flask --app wsgi ...` with the server's environment (outbox send, for example)."""
        return subprocess.run([str(_venv_bin("flask")), "--app", "wsgi", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=120)


def _venv_bin(name: str) -> Path:
    """The tool beside the running interpreter (.venv/bin), else the repository's .venv."""
    here = Path(sys.executable).parent / name
    return here if here.exists() else REPO / ".venv" / "bin" / name


def redis_reachable(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="module")
def smtp_inbox():
    """An SMTP server (aiosmtpd) on a free local port for the module: its `url` and `inbox`."""
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(url=f"smtp://127.0.0.1:{port}", inbox=inbox)
    controller.stop()


@pytest.fixture(scope="module")
def redis_url():
    """Redis for the limits, or None (the server then counts in memory, per worker)."""
    return REDIS_URL if redis_reachable(REDIS_URL) else None


@pytest.fixture
def needs_redis(redis_url):
    """For the scenarios whose point is a limit shared by all workers."""
    if redis_url is None:
        message = (f"Redis is not reachable at {REDIS_URL}: the limits shared across gunicorn workers are NOT "
                   "tested. Start it (apt-get install redis-server) or set STOREFRONT_MULTIWORKER_REDIS_URL.")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _server_env(tmp: Path, database_url: str, port: int, mail_url: str, redis_url: str | None,
                limit_prefix: str) -> dict:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("STOREFRONT_", "GUNICORN_", "FLASK_"))}
    env.update({
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "STOREFRONT_SECRET_KEY": BASE_CONFIG["SECRET_KEY"],
        "STOREFRONT_DATA_KEYS": TEST_DATA_KEY,  # the in-process app reads what the workers encrypted
        "STOREFRONT_DATABASE_URL": database_url,
        "STOREFRONT_RATELIMIT_STORAGE_URL": redis_url or "memory://",
        "STOREFRONT_RATELIMIT_KEY_PREFIX": limit_prefix,
        "STOREFRONT_MAIL_URL": mail_url,
        "STOREFRONT_UPLOAD_DIR": str(tmp / "uploads"),
        "STOREFRONT_BASE_URL": f"http://127.0.0.1:{port}",
        "STOREFRONT_TRUSTED_PROXIES": "1",  # as behind nginx: each person's address comes in X-Forwarded-For
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _wait_until_ready(shop: Shop, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if shop.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {shop.process.returncode} before it was ready:\n{shop.log_tail()}")
        try:
            with urllib.request.urlopen(shop.url + "/readyz", timeout=5) as response:
                shop.readiness_polls += 1
                if response.status == 200:
                    return
        except urllib.error.HTTPError as answer:  # 503: the database is not answering yet
            answer.close()
            shop.readiness_polls += 1
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"gunicorn was not ready within {seconds} s:\n{shop.log_tail()}")


@pytest.fixture(scope="module")
def shop(module_database_url, smtp_inbox, redis_url, tmp_path_factory):
    """gunicorn wsgi:app -c gunicorn.conf.py with 4 workers on a free port, stopped (SIGTERM) after the module."""
    tmp = tmp_path_factory.mktemp("multiworker")
    port = free_port()
    limit_prefix = f"multiworker-{secrets.token_hex(6)}"
    env = _server_env(tmp, module_database_url, port, smtp_inbox.url, redis_url, limit_prefix)
    app = create_app({**BASE_CONFIG, "DATABASE_URL": module_database_url, "UPLOAD_DIR": str(tmp / "uploads"),
                      "MAIL_DIR": str(tmp / "mail")})
    log_path, error_path = tmp / "gunicorn.stdout.log", tmp / "gunicorn.stderr.log"
    with open(log_path, "wb") as stdout, open(error_path, "wb") as stderr:
        process = subprocess.Popen([str(_venv_bin("gunicorn")), "wsgi:app", "-c", "gunicorn.conf.py"], cwd=REPO,
                                   env=env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    shop = Shop(url=f"http://127.0.0.1:{port}", app=app, env=env, log_path=log_path, error_path=error_path,
                process=process, redis_url=redis_url, limit_prefix=limit_prefix)
    try:
        _wait_until_ready(shop)
        yield shop
    finally:
        shop.stop()
        shop.reset_limits()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        print(f"gunicorn's log: {log_path}")


def log_records(shop: Shop) -> list[dict]:
    """gunicorn's stdout as JSON objects (each line must be one)."""
    records = []
    for number, line in enumerate(shop.log_path.read_text().splitlines(), 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"line {number} of gunicorn's stdout is not JSON: {line[:300]!r}") from None
    return records


@contextlib.contextmanager
def timed(label: str):
    """Prints how long a phase took (shown with -s; helps keep the module well under two minutes)."""
    start = time.monotonic()
    yield
    print(f"{label}: {time.monotonic() - start:.1f} s")
