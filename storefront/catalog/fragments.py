"""Rendered catalogue fragments, cached in each worker under the catalogue's version.

The home page's and the product lists' main content (the products, their names, prices, stock and
pictures, the counts and page links) is the same for everyone who asks for the same list in the same
language; only the page around it (the cart, the account, the consent banner, the CSRF tokens) is
personal. Rendering it was most of a list page's time. Each worker keeps the last CATALOG_CACHE_SIZE
fragments (0: none), keyed by what the fragment depends on and by the catalogue's version, a number
the database's triggers raise in the same transaction as any change to a category, product, text or
picture (migration 0010). The version is read before anything else on the page, so a fragment is
never stored under a version newer than its content; a change is seen by the next page of every
worker at once, and old entries simply age out.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, render_template
from markupsafe import Markup
from sqlalchemy import select

from storefront.catalog.models import CatalogVersion
from storefront.extensions import db
from storefront.i18n import request_language


class FragmentCache:
    """A bounded least-recently-used mapping (thread-safe: a worker may run threads)."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def catalog_version() -> int:
    """The catalogue's version, read once per request (and before the catalogue itself)."""
    if "catalog_version" not in g:
        g.catalog_version = db.session.scalar(select(CatalogVersion.version).where(CatalogVersion.id == 1))
    return g.catalog_version


def fragment_cache() -> FragmentCache:
    cache = current_app.extensions.get("catalog_fragments")
    if cache is None:
        cache = current_app.extensions["catalog_fragments"] = FragmentCache(current_app.config["CATALOG_CACHE_SIZE"])
    return cache


def cached(key: tuple, make: Callable[[], object]):
    """make()'s value for `key` at the catalogue's current version: from this worker's cache, or made and kept."""
    full_key = (catalog_version(), *key)
    cache = fragment_cache()
    value = cache.get(full_key)
    if value is None:
        value = make()
        cache.put(full_key, value)
    return value


def render_fragment(template: str, **context) -> Markup:
    """A template rendered for a page to insert as it is: its own output, escaped by autoescaping."""
    return Markup(render_template(template, **context))  # noqa: S704  # nosec B704 - an autoescaped template's output



def footer() -> Markup:
    """The site footer in the page's language. It shows settings and links only, so each worker renders
    it once per language (no version needed: settings change only with a restart)."""
    footers = current_app.extensions.setdefault("footer_fragments", {})
    language = request_language()
    if language not in footers:
        footers[language] = render_fragment("_footer.html")
    return footers[language]
