"""Crawling the shop through Flask's test client: every same-site link, GET form and asset, each fetched once."""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from tests.crawler.pages import Page, read_page

ORIGIN = "http://localhost"  # what Flask's test client serves
SKIPPED_SCHEMES = ("mailto", "tel", "javascript", "data")
# Query strings are many (sorting, filters, pages, ?next=): a path is fetched with at most this many.
QUERY_VARIANTS = 3


@dataclass
class Visit:
    url: str  # path and query string
    how: str  # start, link, form (a GET form submitted as the page fills it), redirect or asset
    source: str | None  # the page that led here
    status: int = 0
    headers: dict = field(default_factory=dict)
    content_type: str = ""
    location: str | None = None  # a redirect's target, as a same-site URL when it is one
    page: Page | None = None  # HTML only
    html: str = ""

    @property
    def lang(self) -> str | None:
        """The language prefix of the URL (en, zh), if any."""
        first = urlsplit(self.url).path.split("/")[1]
        return first if first in ("en", "zh") else None


def same_site(url: str, base: str) -> str | None:
    """The path and query of a link relative to `base`, or None when it leaves the site (or is not a page)."""
    parts = urlsplit(url)
    if parts.scheme in SKIPPED_SCHEMES:
        return None
    absolute = urlsplit(urljoin(ORIGIN + base, url))
    if absolute.scheme not in ("http", "https") or absolute.netloc != urlsplit(ORIGIN).netloc:
        return None
    return absolute.path + (f"?{absolute.query}" if absolute.query else "")


def form_target(page_url: str, action: str) -> str:
    """Where a form posts: its action, or the page itself when it names none."""
    return same_site(action, page_url) if action else page_url


class Crawler:
    """Breadth-first over one client's view of the shop; `visits` maps each URL to what it answered."""

    def __init__(self, client):
        self.client = client
        self.visits: dict[str, Visit] = {}
        self.queue: deque[Visit] = deque()
        self.queries: dict[str, set[str]] = {}
        self.external: set[str] = set()

    def run(self, starts: list[str]) -> dict[str, Visit]:
        for url in starts:
            self._enqueue(url, "start", None, force=True)
        while self.queue:
            self._fetch(self.queue.popleft())
        return self.visits

    def _enqueue(self, url: str, how: str, source: str | None, force: bool = False, first: bool = False) -> bool:
        """Queues a URL not seen yet (at the front when `first`); False when it is not queued."""
        path, _, query = url.partition("?")
        if url in self.visits:
            return False
        seen = self.queries.setdefault(path, set())
        if query and query not in seen and len(seen) >= QUERY_VARIANTS and not force:
            return False
        seen.add(query)
        visit = Visit(url, how, source)
        self.visits[url] = visit
        if first:
            self.queue.appendleft(visit)
        else:
            self.queue.append(visit)
        return True

    def _fetch(self, visit: Visit) -> None:
        response = self.client.get(visit.url)
        try:
            visit.status = response.status_code
            visit.headers = dict(response.headers)
            visit.content_type = response.mimetype
            if response.status_code in (301, 302, 303, 307, 308):
                visit.location = same_site(response.headers.get("Location", ""), visit.url)
                if visit.location:
                    self._land(visit)
            elif visit.content_type == "text/html" and visit.how != "asset":
                visit.html = response.get_data(as_text=True)
                visit.page = read_page(visit.html)
                self._follow(visit)
        finally:
            response.close()

    def _land(self, visit: Visit) -> None:
        """Fetches a redirect's target next, as a browser does: a message flashed on the way is shown there, not
        on whichever page the crawl reaches next (an English one on a Chinese page, say)."""
        if not self._enqueue(visit.location, "redirect", visit.url, first=True):
            self.client.get(visit.location).close()

    def _follow(self, visit: Visit) -> None:
        page = visit.page
        for href in page.links:
            self._found(href, "link", visit.url)
        for src in page.assets:
            self._found(src, "asset", visit.url)
        for form in page.forms:
            if form.method == "GET":
                target = form_target(visit.url, form.action)
                if target:
                    query = urlencode(form.data())
                    self._enqueue(target.split("?")[0] + (f"?{query}" if query else ""), "form", visit.url)

    def _found(self, href: str, how: str, source: str) -> None:
        target = same_site(href, source)
        if target is None:
            self.external.add(href)
        else:
            self._enqueue(target, how, source)
