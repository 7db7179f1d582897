"""Benchmark the shop against its floor and print one table (bench/README.md explains it).

    .venv/bin/python bench/run.py                          # demo catalogue, 16 and 64 clients
    .venv/bin/python bench/run.py --products 0,100000      # demo, then demo + 100,000 generated products
    .venv/bin/python bench/run.py --duration 1 --warmup 0 --runs 1 --concurrency 4 --no-demo --products 100

The shop runs under gunicorn with its own gunicorn.conf.py and production settings (2 sync workers,
test secrets, no STOREFRONT_DEV), the baseline (bench/baseline_app.py) under gunicorn with 2 sync
workers on the same database. wrk drives every page scenario with bench/wrk.lua; the guest checkout
is driven by a threaded Python client instead (it needs the pages' tokens). Each figure is the median
of --runs runs after a warm-up; peak RSS is the highest VmHWM of any worker sampled during the runs.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import seed as seeding  # noqa: E402 - bench/ is not a package

WRK = shutil.which("wrk") or "/usr/bin/wrk"
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHECKOUT_TOKEN = re.compile(r'name="checkout_token" type="hidden" value="([^"]+)"')
PRODUCT_LINK = re.compile(r'href="/en/products/([a-z0-9-]+)"')
CATEGORY_LINK = re.compile(r'href="/en/categories/([a-z0-9-]+)"')
PAGE_STATUS = re.compile(r"Page \d+ of (\d+)")  # the English list's pagination (macros/_pagination.html)
LAST_PAGE = re.compile(r'[?&;]page=(\d+)')
PRODUCT_ID = re.compile(r'name="product_id" value="(\d+)"')


@dataclass
class Result:
    """One scenario at one concurrency: the medians of its runs."""

    scenario: str
    clients: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    catalogue: str = ""
    ratio: str = ""
    runs: list = field(default_factory=list)


# Processes ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn master we started, its log file, and the peak RSS of its workers."""

    def __init__(self, name: str, command: list, env: dict, cwd: Path, log: Path):
        self.name, self.port = name, int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.log = log.open("wb")
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,  # noqa: S603 - the venv's gunicorn, fixed arguments
                                        start_new_session=True)
        self.peak_kb = 0
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, path: str = "/readyz", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {self.log.name}")
            try:
                status, _headers, _body = request(self.port, "GET", path)
                if status == 200:
                    self._sampler.start()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not become ready in {timeout} s; see {self.log.name}")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def _sample(self) -> None:
        # Workers are recycled after max_requests: sample often, so a replaced worker's peak is not lost.
        while self._sampling:
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                found = re.search(r"VmHWM:\s+(\d+) kB", status)
                if found:
                    self.peak_kb = max(self.peak_kb, int(found.group(1)))
            time.sleep(0.25)

    def stop(self) -> None:
        self._sampling = False
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_shop(database_url: str, upload_dir: Path, work: Path, settings: list[str] = ()) -> Server:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STOREFRONT_", "GUNICORN_"))}
    env.update({
        "STOREFRONT_SECRET_KEY": seeding.TEST_SECRET_KEY, "STOREFRONT_DATA_KEYS": seeding.TEST_DATA_KEYS,
        "STOREFRONT_DATABASE_URL": database_url, "STOREFRONT_UPLOAD_DIR": str(upload_dir),
        "STOREFRONT_MAIL_DIR": str(work / "mail"), "STOREFRONT_TRUSTED_PROXIES": "0",
        "STOREFRONT_RATELIMIT_STORAGE_URL": "memory://", "STOREFRONT_BASE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}",
    })
    env.update(setting.split("=", 1) for setting in settings)  # --shop-setting, e.g. STOREFRONT_CATALOG_CACHE_SIZE=0
    command = [GUNICORN, "wsgi:app", "-c", "gunicorn.conf.py"]
    return Server("shop", command, env, ROOT, work / "shop.log")


def start_baseline(database_url: str, page_bytes: int, work: Path) -> Server:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STOREFRONT_", "GUNICORN_"))}
    env.update({"BENCH_DATABASE_URL": database_url, "BENCH_PAGE_BYTES": str(page_bytes),
                "GUNICORN_BIND": f"127.0.0.1:{port}"})
    command = [GUNICORN, "--chdir", str(HERE), "baseline_app:app", "--workers", "2", "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--max-requests", "5000", "--max-requests-jitter", "500"]
    return Server("baseline", command, env, HERE, work / "baseline.log")


# A tiny browser: one keep-alive connection, cookies kept by name ----------------------------------


def request(port: int, method: str, path: str, *, body: dict | None = None, cookies: dict | None = None,
            source: str | None = None, connection=None):
    """(status, headers as a list of pairs, body text); `cookies` is updated from Set-Cookie."""
    own = connection is None
    if own:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                                source_address=(source, 0) if source else None)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        pairs = response.getheaders()
    finally:
        if own:
            connection.close()
    if cookies is not None:
        for name, value in pairs:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in value or 'max-age=0' in value.lower():
                    cookies.pop(key, None)
                else:
                    cookies[key] = cookie
    return response.status, pairs, text


class Browser:
    """A visitor from its own loopback address (127.x.y.z), so per-address rate limits see many people."""

    _next = 0
    _lock = threading.Lock()

    def __init__(self, port: int):
        with Browser._lock:
            Browser._next += 1
            number = Browser._next
        self.source = f"127.{(number >> 16) % 256}.{(number >> 8) % 256}.{number % 256 or 1}"
        self.port, self.cookies = port, {}

    def go(self, method: str, path: str, body: dict | None = None, expect: tuple = (200,)) -> str:
        # gunicorn's sync workers close every connection: open one per request.
        status, pairs, text = request(self.port, method, path, body=body, cookies=self.cookies, source=self.source)
        if status not in expect:
            raise RuntimeError(f"{method} {path} answered {status}")
        location = dict((name.lower(), value) for name, value in pairs).get("location")
        return location if status in (302, 303) else text


# Preparing the scenarios ---------------------------------------------------------------------------


@dataclass
class Catalogue:
    product_slug: str
    product_id: int
    category_slug: str
    last_page: int
    product_ids: list
    page_bytes: int


def discover(port: int) -> Catalogue:
    """What the scenarios need from the shop's own pages: a product, a category, the last page."""
    _status, _pairs, listing = request(port, "GET", "/en/products")
    slugs = PRODUCT_LINK.findall(listing)
    pages = [int(number) for number in PAGE_STATUS.findall(listing) or LAST_PAGE.findall(listing)] or [1]
    _status, _pairs, home = request(port, "GET", "/en/")
    categories = CATEGORY_LINK.findall(home) or CATEGORY_LINK.findall(listing)
    ids = []
    for slug in dict.fromkeys(slugs):
        _status, _pairs, page = request(port, "GET", f"/en/products/{slug}")
        ids += PRODUCT_ID.findall(page)[:1]
        if len(ids) == 8:
            break
    if not slugs or not ids or not categories:
        raise SystemExit("the shop's pages show no product or category: is the catalogue seeded?")
    return Catalogue(slugs[0], int(ids[0]), categories[0], max(pages), [int(i) for i in ids],
                     len(listing.encode()))


def consent_identities(port: int, count: int) -> list[str]:
    """One browser per connection that accepted analytics: its consent and visitor cookies."""
    lines = []
    for _ in range(count):
        browser = Browser(port)
        page = browser.go("GET", "/en/privacy/consent")
        token = CSRF.search(page).group(1)
        browser.go("POST", "/en/privacy/consent", {"csrf_token": token, "analytics": "yes", "source": "settings"},
                   expect=(303,))
        cookies = {key: value for key, value in browser.cookies.items() if key in ("consent", "visitor")}
        if set(cookies) != {"consent", "visitor"}:
            raise SystemExit(f"accepting analytics gave no consent and visitor cookies: {sorted(browser.cookies)}")
        lines.append("; ".join(f"{k}={v}" for k, v in cookies.items()) + "\t\t")
    return lines


def cart_identities(port: int, catalogue: Catalogue, count: int) -> list[str]:
    """One browser per connection with a session (and its CSRF token) and a cart holding one product."""
    lines = []
    for _ in range(count):
        browser = Browser(port)
        page = browser.go("GET", f"/en/products/{catalogue.product_slug}")
        token = CSRF.search(page).group(1)
        browser.go("POST", "/en/cart/items", {"csrf_token": token, "product_id": catalogue.product_id,
                                              "quantity": 1}, expect=(303,))
        browser.go("GET", "/en/cart")  # shows (and so clears) the "added" message
        session = f"session={browser.cookies['session']}"
        lines.append(f"{session}; cart={browser.cookies['cart']}\t{session}\t{token}")
    return lines


# Running wrk ---------------------------------------------------------------------------------------


def wrk(port: int, path: str, clients: int, seconds: float, *, identities: Path | None = None,
        mode: str = "get", products: str = "") -> dict:
    env = {**os.environ, "BENCH_PATH": path, "BENCH_MODE": mode, "BENCH_USER_AGENT": USER_AGENT,
           "BENCH_IDENTITIES": str(identities or ""), "BENCH_PRODUCTS": products}
    command = [WRK, "-t", str(clients), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(HERE / "wrk.lua"), f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603 - wrk with fixed arguments
    found = re.search(r"BENCH_RESULT (\{.*\})", done.stdout)
    if done.returncode or not found:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    data = json.loads(found.group(1))
    return {"rps": data["requests"] / (data["duration_us"] / 1e6), "p50_ms": data["p50_us"] / 1000,
            "p99_ms": data["p99_us"] / 1000,
            "errors": sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))}


def checkout_run(port: int, catalogue: Catalogue, clients: int, seconds: float) -> dict:
    """Guests checking out in parallel for `seconds`: product page, add, cart, checkout page, order, order page.

    Each checkout is a new browser from its own address (per-address limits apply to people, not to
    this client). The time of a checkout is from the product page's request to the order page's answer.
    """
    times, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def one_guest() -> None:
        browser = Browser(port)
        page = browser.go("GET", f"/en/products/{catalogue.product_slug}")
        csrf = CSRF.search(page).group(1)
        browser.go("POST", "/en/cart/items", {"csrf_token": csrf, "product_id": catalogue.product_id,
                                              "quantity": 1}, expect=(303,))
        browser.go("GET", "/en/cart")
        page = browser.go("GET", "/en/checkout")
        form = {"csrf_token": CSRF.search(page).group(1), "checkout_token": CHECKOUT_TOKEN.search(page).group(1),
                "cart_version": re.search(r'name="cart_version" type="hidden" value="([^"]*)"', page).group(1),
                "email": "guest@example.com", "recipient": "Ada Lovelace", "phone": "+1 415 555 0132",
                "country": "US", "region": "CA", "city": "San Francisco", "district": "",
                "line1": "1 Market Street", "line2": "Suite 5", "postal_code": "94105",
                "card_number": "4242 4242 4242 4242", "card_expiry": "12/30", "card_cvc": "737",
                "card_name": "Ada Lovelace", "payment_consent": "y"}
        order = browser.go("POST", "/en/checkout", form, expect=(303,))
        browser.go("GET", urllib.parse.urlsplit(order)._replace(scheme="", netloc="").geturl())

    def guest_loop() -> None:
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                one_guest()
            except (RuntimeError, OSError, AttributeError, http.client.HTTPException) as error:
                with lock:
                    errors[0] += 1
                    if errors[0] == 1:
                        print(f"  checkout error: {error}", file=sys.stderr)
                continue
            with lock:
                times.append(time.monotonic() - started)

    started = time.monotonic()
    threads = [threading.Thread(target=guest_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(times) or [0.0]
    return {"rps": len(times) / elapsed, "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, "errors": errors[0]}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_ms", "p99_ms")} | {
        "errors": sum(run["errors"] for run in runs)}


# One catalogue -------------------------------------------------------------------------------------


def scenarios(catalogue: Catalogue, files: dict) -> list[tuple]:
    """(name, server, path, wrk options) for every page scenario, in the table's order."""
    page50 = 50 if catalogue.last_page >= 50 else catalogue.last_page
    page50_name = "list page 50" if page50 == 50 else f"list page 50 (n/a: last, {page50})"
    return [
        ("home", "shop", "/en/", {}),
        ("list page 1 (no consent)", "shop", "/en/products", {}),
        (page50_name, "shop", f"/en/products?page={page50}", {}),
        ("category", "shop", f"/en/categories/{catalogue.category_slug}", {}),
        ("product", "shop", f"/en/products/{catalogue.product_slug}", {}),
        ("search zh (镜头)", "shop", "/en/products?q=" + urllib.parse.quote("镜头"), {}),
        ("search en (lens)", "shop", "/en/products?q=lens", {}),
        ("add to cart + cart", "shop", "/en/cart", {"mode": "cart", "identities": files["cart"],
                                                    "products": ",".join(map(str, catalogue.product_ids))}),
        ("list page 1, consent", "shop", "/en/products", {"identities": files["consent"]}),
        ("shop's least work (/healthz)", "shop", "/healthz", {}),
        ("baseline read-only", "baseline", "/products", {}),
        ("baseline + upsert", "baseline", "/products-upsert", {}),
    ]


def bench_catalogue(name: str, database_url: str, uploads: Path, work: Path, args) -> tuple[list, dict]:
    shop = start_shop(database_url, uploads, work, args.shop_setting or ())
    baseline = None
    try:
        shop.wait_ready()
        catalogue = discover(shop.port)
        baseline = start_baseline(database_url, catalogue.page_bytes, work)
        baseline.wait_ready()
        most = max(args.concurrency)
        files = {"consent": work / "consent.tsv", "cart": work / "cart.tsv"}
        files["consent"].write_text("\n".join(consent_identities(shop.port, most)) + "\n")
        files["cart"].write_text("\n".join(cart_identities(shop.port, catalogue, most)) + "\n")
        servers = {"shop": shop, "baseline": baseline}
        selected = [s for s in scenarios(catalogue, files) if not args.only or any(o in s[0] for o in args.only)]
        results = []
        for clients in args.concurrency:
            for scenario, server, path, options in selected:
                port = servers[server].port
                if args.warmup:
                    wrk(port, path, clients, args.warmup, **options)
                runs = [wrk(port, path, clients, args.duration, **options) for _ in range(args.runs)]
                results.append(Result(scenario, clients, catalogue=name, runs=runs, **median_of(runs)))
                print(f"  {name} c={clients} {scenario}: {results[-1].rps:.0f} req/s", file=sys.stderr)
            if not args.only or any(o in "guest checkout" for o in args.only):
                if args.warmup:
                    checkout_run(shop.port, catalogue, clients, args.warmup)
                runs = [checkout_run(shop.port, catalogue, clients, args.duration) for _ in range(args.runs)]
                results.append(Result("guest checkout (per checkout)", clients, catalogue=name, runs=runs,
                                      **median_of(runs)))
                print(f"  {name} c={clients} checkout: {results[-1].rps:.1f} checkouts/s", file=sys.stderr)
        rss = {"shop": shop.peak_kb, "baseline": baseline.peak_kb}
        return results, rss
    finally:
        if baseline is not None:
            baseline.stop()
        shop.stop()


def add_ratios(results: list[Result]) -> None:
    """The shop's product list as a multiple of its floor, at the same concurrency and catalogue."""
    floors = {(r.catalogue, r.clients, r.scenario): r for r in results if r.scenario.startswith("baseline")}
    for result in results:
        floor = {"list page 1 (no consent)": "baseline read-only", "list page 1, consent": "baseline + upsert"}.get(result.scenario)
        base = floors.get((result.catalogue, result.clients, floor))
        if base and base.rps:
            result.ratio = f"{result.rps / base.rps:.2f}× rps, {result.p99_ms / base.p99_ms:.1f}× p99"


def table(results: list[Result], rss: dict) -> str:
    header = ("catalogue", "clients", "scenario", "req/s", "p50 ms", "p99 ms", "errors", "vs baseline")
    rows = [(r.catalogue, str(r.clients), r.scenario, f"{r.rps:.1f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}",
             str(r.errors), r.ratio) for r in results]
    rows += [(name, "", f"peak RSS per worker: {server}", "", "", "", "", f"{kb / 1024:.1f} MB")
             for name, peaks in rss.items() for server, kb in peaks.items()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"  # noqa: E731
    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])


def catalogues(args) -> list[tuple[str, int]]:
    named = []
    for count in args.products:
        label = ("demo" if not args.no_demo else "") + (f"+{count:,}" if count else "")
        named.append((label.lstrip("+") or "empty", count))
    return named


def setting(text: str) -> str:
    """A --shop-setting value: STOREFRONT_NAME=VALUE."""
    name, equals, _value = text.partition("=")
    if not equals or not name.startswith("STOREFRONT_"):
        raise argparse.ArgumentTypeError(f"expected STOREFRONT_NAME=VALUE, not {text!r}")
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    integers = lambda text: [int(part) for part in text.split(",") if part]  # noqa: E731
    parser.add_argument("--products", type=integers, default=[0],
                        help="generated products per catalogue, comma-separated; 0: the demo catalogue alone")
    parser.add_argument("--no-demo", action="store_true", help="generated products only (fast to seed)")
    parser.add_argument("--concurrency", type=integers, default=[16, 64])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--only", action="append", help="run only scenarios whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--shop-setting", action="append", type=setting, metavar="STOREFRONT_NAME=VALUE",
                        help="a setting for the shop (repeatable), e.g. STOREFRONT_CATALOG_CACHE_SIZE=0")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed: sudo apt-get install -y wrk (make bench does it)")
    if args.database == "postgresql" and (not args.database_url or len(args.products) != 1):
        parser.error("--database postgresql needs --database-url (or BENCH_DATABASE_URL) and one --products value")
    work_root = Path(tempfile.mkdtemp(prefix="storefront-bench-"))
    all_results, rss, failed = [], {}, []
    try:
        for name, count in catalogues(args):
            work = work_root / name.replace(",", "")
            work.mkdir(parents=True)
            try:
                if args.database == "postgresql":
                    uploads = work / "uploads"
                    seeding.seed(args.database_url, str(uploads), products=count, demo=not args.no_demo)
                    url = args.database_url
                else:
                    path, uploads = seeding.sqlite_database(work / "bench.db", products=count,
                                                            demo=not args.no_demo)
                    url = f"sqlite:///{path}"
                results, rss[name] = bench_catalogue(name, url, uploads, work, args)
            except (Exception, SystemExit) as error:  # noqa: BLE001 - the other catalogues' figures still count
                print(f"catalogue {name} FAILED: {error!r}", file=sys.stderr)
                failed.append(name)
                continue
            all_results += results
    finally:
        if args.keep:
            print(f"work directory: {work_root}", file=sys.stderr)
        else:
            shutil.rmtree(work_root, ignore_errors=True)
    add_ratios(all_results)
    print(f"\nstorefront benchmark: {args.database}, 2 sync workers each, median of {args.runs} run(s) of "
          f"{args.duration:g} s after {args.warmup:g} s warm-up\n")
    print(table(all_results, rss))
    if args.json:
        args.json.write_text(json.dumps({"results": [r.__dict__ for r in all_results], "rss_kb": rss}, indent=1,
                                        ensure_ascii=False))
    if failed:
        print(f"\nFAILED (see above): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
