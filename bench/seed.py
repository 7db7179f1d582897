"""Seed a benchmark database: the demo catalogue and, optionally, N generated bilingual products.

    .venv/bin/python bench/seed.py [--out bench/.cache/out/bench.db] [--products 100000] [--no-demo]
    .venv/bin/python bench/seed.py --database postgresql --database-url postgresql://... [--products N]

On SQLite the seeded file is cached under bench/.cache/, keyed by the migrations, the demo data and
this file (BENCH_CACHE names another directory), because drawing the demo pictures takes ~25 s; --out gets a fresh copy of the cache each
time, so a benchmark run never writes into the cache. The generated products go in by SQLAlchemy Core
executemany (100,000 products with both languages' texts in well under a minute). They are older than
the demo products, so page 1 of the list shows the same products with either catalogue and page 50
shows generated ones. Every product gets a large stock, so checkouts never run out.
"""

import argparse
import hashlib
import os
import random
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(os.environ.get("BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
# Settings create_app needs outside development; the benchmark databases hold no real data.
TEST_SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"  # noqa: S105 - a benchmark database holds no real data
TEST_DATA_KEYS = "QbghOa9gU1UpG4Vzjgme5Cllml4HDGS2yfn_rHiFE60="
BENCH_STOCK = 1_000_000
CHUNK = 5000

# Word lists for generated names: real shop words, so substring searches ("镜头", "lens") match a realistic share.
ADJECTIVES = [
    ("Wide-Angle", "广角"), ("Telephoto", "长焦"), ("Compact", "便携"), ("Professional", "专业"), ("Vintage", "复古"),
    ("Lightweight", "轻量"), ("Waterproof", "防水"), ("Stabilised", "防抖"), ("High-Definition", "高清"),
    ("Ultra-Slim", "超薄"), ("Macro", "微距"), ("Night-Vision", "夜视"), ("Classic", "经典"), ("Portable", "手持"),
]
NOUNS = [
    ("Lens", "镜头"), ("Camera", "相机"), ("Tripod", "三脚架"), ("Filter", "滤镜"), ("Telescope", "望远镜"),
    ("Microscope", "显微镜"), ("Binoculars", "双筒望远镜"), ("Flash", "闪光灯"), ("Lens Hood", "遮光罩"),
    ("Lens Cap", "镜头盖"), ("Camera Bag", "相机包"), ("Card Reader", "读卡器"), ("Battery", "电池"),
    ("Gimbal", "云台"), ("Magnifier", "放大镜"), ("Eyepiece", "目镜"), ("Light Meter", "测光表"), ("Strap", "背带"),
]
SERIES = [("Aurora", "极光"), ("Horizon", "地平线"), ("Summit", "峰顶"), ("Harbour", "港湾"), ("Meridian", "子午"),
          ("Lumen", "流明"), ("Cedar", "雪松"), ("Comet", "彗星"), ("Delta", "三角洲"), ("Jade", "翡翠")]
FEATURES = [
    ("sharp from edge to edge", "边缘到中心都清晰锐利"), ("easy to carry on long walks", "长途步行也方便携带"),
    ("made for low light", "专为弱光环境设计"), ("with a metal body", "采用金属机身"),
    ("with multi-coated glass", "多层镀膜玻璃"), ("for beginners and experts", "适合新手和专业人士"),
    ("weather sealed", "全天候密封"), ("with a two-year warranty", "享受两年保修"),
]
GENERIC_CATEGORIES = [("lenses", "Lenses", "镜头"), ("cameras", "Cameras", "相机"), ("tripods", "Tripods", "三脚架"),
                      ("optics", "Optics", "光学仪器"), ("accessories", "Accessories", "配件")]


def bench_settings(database_url: str, upload_dir: str) -> dict:
    """The create_app overrides every benchmark process uses: production mode with test secrets."""
    return {"DATABASE_URL": database_url, "UPLOAD_DIR": upload_dir, "SECRET_KEY": TEST_SECRET_KEY,
            "DATA_KEYS": TEST_DATA_KEYS, "MAIL_DIR": str(Path(upload_dir).parent / "mail")}


def cache_key(products: int, demo: bool) -> str:
    """Changes whenever the schema, the demo catalogue or this seeding code changes."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    sources += [ROOT / "storefront" / "catalog" / "demo_data.py", Path(__file__).resolve()]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{'demo' if demo else 'nodemo'}-{products}-{digest.hexdigest()[:12]}"


def generated_rows(count: int, first_id: int, category_ids: list[int], now: datetime, seed: int = 8):
    """Product and translation rows for `count` products, oldest last; deterministic for a seed."""
    chance = random.Random(seed)  # noqa: S311 - made-up product texts, repeatable on purpose
    products, translations = [], []
    for number in range(count):
        product_id = first_id + number
        (adj_en, adj_zh), (noun_en, noun_zh) = chance.choice(ADJECTIVES), chance.choice(NOUNS)
        (series_en, series_zh), model = chance.choice(SERIES), chance.randint(10, 990)
        (feat_en, feat_zh), (feat2_en, feat2_zh) = chance.sample(FEATURES, 2)
        created = now - timedelta(days=1, seconds=number)
        products.append({
            "id": product_id, "slug": f"gen-{product_id}", "sku": f"GEN-{product_id:07d}",
            "price": Decimal(chance.randint(500, 250000)) / 100, "stock": BENCH_STOCK, "is_active": True,
            "is_featured": False, "category_id": chance.choice(category_ids), "created_at": created,
            "updated_at": created, "archived_at": None,
        })
        translations.append({
            "product_id": product_id, "locale": "en", "name": f"{series_en} {adj_en} {noun_en} {model}",
            "summary": f"A {adj_en.lower()} {noun_en.lower()}, {feat_en} and {feat2_en}.",
            "description": f"The {series_en} {noun_en.lower()} {model} is {feat_en}. It comes {feat2_en}.",
        })
        translations.append({
            "product_id": product_id, "locale": "zh", "name": f"{series_zh}{adj_zh}{noun_zh} {model}",
            "summary": f"{adj_zh}{noun_zh}，{feat_zh}，{feat2_zh}。",
            "description": f"{series_zh}{noun_zh} {model}：{feat_zh}。{feat2_zh}。",
        })
    return products, translations


def add_generated_products(count: int) -> None:
    """Insert `count` products in both languages in bulk (inside an app context)."""
    from sqlalchemy import func, insert, select

    from storefront.catalog.models import Category, CategoryTranslation, Product, ProductTranslation
    from storefront.extensions import db

    category_ids = list(db.session.scalars(select(Category.id)))
    if not category_ids:
        for position, (slug, en, zh) in enumerate(GENERIC_CATEGORIES):
            category = Category(slug=slug, position=position)
            category.translations["en"] = CategoryTranslation(locale="en", name=en, description="")
            category.translations["zh"] = CategoryTranslation(locale="zh", name=zh, description="")
            db.session.add(category)
        db.session.flush()
        category_ids = list(db.session.scalars(select(Category.id)))
    first_id = (db.session.scalar(select(func.max(Product.id))) or 0) + 1
    now = datetime.now(timezone.utc)
    for start in range(0, count, CHUNK):
        products, translations = generated_rows(min(CHUNK, count - start), first_id + start, category_ids, now,
                                                seed=start)
        for row in products:  # each chunk's rows are older than the last chunk's
            row["created_at"] = row["updated_at"] = row["created_at"] - timedelta(seconds=start)
        db.session.execute(insert(Product), products)
        db.session.execute(insert(ProductTranslation), translations)


def seed(database_url: str, upload_dir: str, *, products: int = 0, demo: bool = True) -> None:
    """Migrate the database and add what it lacks: the demo catalogue, the generated products."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select, update

    from storefront import create_app
    from storefront.catalog.models import Product
    from storefront.database import write_transaction
    from storefront.extensions import db

    app = create_app(bench_settings(database_url, upload_dir))
    with app.app_context():
        upgrade()
        with write_transaction():
            if demo and not db.session.scalar(select(func.count(Product.id)).where(~Product.slug.startswith("gen-"))):
                from storefront.catalog.demo import seed_demo

                seed_demo(upload_dir)
                db.session.execute(update(Product).values(stock=BENCH_STOCK))
            if products and not db.session.scalar(select(func.count(Product.id)).where(Product.slug.startswith("gen-"))):
                add_generated_products(products)
            db.session.commit()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # Statistics and the search index's pending entries, as autovacuum would leave them later:
            # without them the first benchmark runs measure plans made for empty tables.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()


def sqlite_database(out: Path, *, products: int = 0, demo: bool = True) -> tuple[Path, Path]:
    """A fresh copy of the cached seeded SQLite file at `out`, with its uploads next to it."""
    key = cache_key(products, demo)
    cached, uploads = CACHE / f"{key}.db", CACHE / f"{key}-uploads"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob(f"{key.rsplit('-', 1)[0]}-*"):  # the same catalogue for an older schema
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        partial = CACHE / f"{key}.partial.db"
        for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        if products and demo:  # start from the demo catalogue's cache: its pictures take longest
            shutil.rmtree(partial.parent / "uploads", ignore_errors=True)
            sqlite_database(partial, demo=True)
            shutil.move(partial.parent / "uploads", uploads)
        else:
            partial.unlink(missing_ok=True)
            shutil.rmtree(uploads, ignore_errors=True)
        started = time.monotonic()
        seed(f"sqlite:///{partial}", str(uploads), products=products, demo=demo)
        partial.rename(cached)
        print(f"seed: {cached.name} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, out)
    out_uploads = out.parent / "uploads"
    if uploads.exists() and not out_uploads.exists():
        shutil.copytree(uploads, out_uploads)
    out_uploads.mkdir(exist_ok=True)
    return out, out_uploads


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=0, help="generated products to add (e.g. 100000)")
    parser.add_argument("--no-demo", action="store_true", help="without the demo catalogue")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--out", type=Path, default=CACHE / "out" / "bench.db", help="SQLite file (a fresh copy)")
    parser.add_argument("--upload-dir", default=str(CACHE / "out" / "uploads"), help="PostgreSQL's uploads")
    args = parser.parse_args(argv)
    if args.database == "postgresql":
        if not args.database_url:
            parser.error("--database postgresql needs --database-url or BENCH_DATABASE_URL")
        seed(args.database_url, args.upload_dir, products=args.products, demo=not args.no_demo)
        print(args.database_url)
    else:
        path, _uploads = sqlite_database(args.out.resolve(), products=args.products, demo=not args.no_demo)
        print(path)


if __name__ == "__main__":
    main()
