"""The floor to compare the shop's product list with: the least work that page could ever do.

A bare Flask app over the benchmark database. `/products` reads the 24 products of page 1 of
/en/products (same conditions and order as storefront.catalog.services.find_products: for sale,
newest first, ties by id) with their English texts and cover picture in ONE query, and renders a
page padded to the shop's page size (BENCH_PAGE_BYTES), so both send the same bytes.
`/products-upsert` does the same and also upserts one visit counter row and commits, per request:
the least a page that counts visits could do.

    BENCH_DATABASE_URL=sqlite:////tmp/x/bench.db BENCH_PAGE_BYTES=40000 \
        gunicorn --chdir bench baseline_app:app -w 2

SQLite connections get the shop's pragmas (WAL, synchronous=NORMAL, busy_timeout) and the write
takes the lock first (BEGIN IMMEDIATE), as the shop's do. One connection per worker process.
"""

import os
import sqlite3

from flask import Flask

PAGE_SIZE = 24
PRODUCTS = """
SELECT p.slug, p.price, t.name, t.summary,
       (SELECT i.filename FROM product_image AS i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1)
FROM product AS p JOIN product_translation AS t ON t.product_id = p.id AND t.locale = 'en'
WHERE p.is_active = {true} AND p.archived_at IS NULL
ORDER BY p.created_at DESC, p.id DESC
LIMIT 24
"""
COUNTER_TABLE = "CREATE TABLE IF NOT EXISTS bench_visit (id INTEGER PRIMARY KEY, views INTEGER NOT NULL)"
UPSERT = ("INSERT INTO bench_visit (id, views) VALUES (1, 1) "
          "ON CONFLICT (id) DO UPDATE SET views = bench_visit.views + 1")
SQLITE_PRAGMAS = ("PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 15000", "PRAGMA journal_mode = WAL",
                  "PRAGMA synchronous = NORMAL")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Products</title></head>
<body><main><h1>Products</h1><ul>
{% for slug, price, name, summary, cover in products %}
<li><a href="/en/products/{{ slug }}">{% if cover %}<img src="/media/{{ cover }}" alt="" width="400" height="300">{% endif %}
<h2>{{ name }}</h2></a><p>{{ summary }}</p><p>${{ price }}</p></li>
{% endfor %}
</ul></main></body></html>
"""

app = Flask(__name__)
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
PAGE_BYTES = int(os.environ.get("BENCH_PAGE_BYTES", "0"))
template = app.jinja_env.from_string(PAGE)
_connection = None


def connect():
    """This worker's one connection, opened on first use (after gunicorn forked the worker)."""
    global _connection
    if _connection is None:
        if DATABASE_URL.startswith("sqlite:///"):
            _connection = sqlite3.connect(DATABASE_URL[len("sqlite:///"):], isolation_level=None,
                                          check_same_thread=False)
            for pragma in SQLITE_PRAGMAS:
                _connection.execute(pragma)
        elif DATABASE_URL.startswith(("postgresql://", "postgresql+psycopg://")):
            import psycopg

            _connection = psycopg.connect(DATABASE_URL.replace("postgresql+psycopg://", "postgresql://"))
        else:
            raise RuntimeError("BENCH_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
        with_transaction(lambda cursor: cursor.execute(COUNTER_TABLE), write=True)
    return _connection


def is_sqlite() -> bool:
    return isinstance(_connection, sqlite3.Connection)


def with_transaction(work, *, write: bool = False):
    """Run work(cursor) in one transaction and commit it."""
    cursor = _connection.cursor()
    if is_sqlite():
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        result = work(cursor)
        _connection.commit() if not is_sqlite() else cursor.execute("COMMIT")
        return result
    except BaseException:
        _connection.rollback() if not is_sqlite() else cursor.execute("ROLLBACK")
        raise


def read_products(cursor) -> list:
    cursor.execute(PRODUCTS.format(true="1" if is_sqlite() else "true"))
    return cursor.fetchall()


def render(products: list) -> tuple[bytes, int, dict]:
    body = template.render(products=products).encode()
    if len(body) < PAGE_BYTES:
        filler = PAGE_BYTES - len(body) - len("<!---->")
        body += b"<!--" + b"x" * max(0, filler) + b"-->"
    return body, 200, {"Content-Type": "text/html; charset=utf-8"}


@app.get("/products")
def products():
    connect()
    return render(with_transaction(read_products))


@app.get("/products-upsert")
def products_upsert():
    connect()
    page = render(with_transaction(read_products))
    with_transaction(lambda cursor: cursor.execute(UPSERT), write=True)
    return page


@app.get("/readyz")
def readyz():
    connect()
    return "ok"

