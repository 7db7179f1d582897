"""Statistics from the non-personal page counters and the orders, and the advertising partners' CSV.

Nothing here reads a visit record: page views and visitors come from the daily per-page counters,
orders only as counts and sums per day. In the partner export any count under 5 is left empty.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from storefront.cart.models import Order, OrderLine
from storefront.database import utc_day_bounds
from storefront.extensions import db
from storefront.privacy.visits import PageCount

SMALL = 5  # counts under this are left out of what partners receive
DEFAULT_DAYS = 30
MAX_DAYS = 366
COUNTED_STATUSES = ("paid", "shipped", "delivered")


class BadRange(ValueError):
    """The dates asked for are malformed or out of order."""


def parse_range(raw_from: str | None, raw_to: str | None, today: date) -> tuple[date, date]:
    """The inclusive date range from YYYY-MM-DD values; default the last 30 days. Raises BadRange."""
    for raw in (raw_from, raw_to):
        if raw and not (len(raw) == 10 and raw.isascii()):
            raise BadRange("dates are YYYY-MM-DD")
    try:
        day_to = date.fromisoformat(raw_to) if raw_to else today
        day_from = date.fromisoformat(raw_from) if raw_from else day_to - timedelta(days=DEFAULT_DAYS - 1)
    except (TypeError, ValueError):
        raise BadRange("dates are YYYY-MM-DD") from None
    if day_from > day_to or (day_to - day_from).days >= MAX_DAYS:
        raise BadRange("the range is reversed or longer than a year")
    return day_from, day_to


@dataclass(frozen=True)
class PageRow:
    day: date
    page: str
    views: int
    visitors: int


def page_rows(day_from: date, day_to: date) -> list[PageRow]:
    rows = db.session.execute(
        select(PageCount.day, PageCount.page, PageCount.views, PageCount.visitors)
        .where(PageCount.day >= day_from, PageCount.day <= day_to).order_by(PageCount.day, PageCount.page)
    ).all()
    return [PageRow(*row) for row in rows]


@dataclass(frozen=True)
class OrderDay:
    day: date
    orders: int
    total: Decimal

    @property
    def average(self) -> Decimal:
        return (self.total / self.orders).quantize(Decimal("0.01")) if self.orders else Decimal("0")


def _bounds(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    start, end = utc_day_bounds(day_from, day_to)
    return start, end or datetime.max.replace(tzinfo=timezone.utc)


def order_days(day_from: date, day_to: date) -> list[OrderDay]:
    """Orders per UTC day (paid, shipped or delivered), with their total."""
    start, end = _bounds(day_from, day_to)
    per_day: dict[date, list] = defaultdict(lambda: [0, Decimal("0")])
    for created_at, total in db.session.execute(
        select(Order.created_at, Order.total)
        .where(Order.created_at >= start, Order.created_at < end, Order.status.in_(COUNTED_STATUSES))
    ):
        entry = per_day[created_at.astimezone(timezone.utc).date()]
        entry[0] += 1
        entry[1] += total
    return [OrderDay(day, count, total) for day, (count, total) in sorted(per_day.items())]


def top_products(day_from: date, day_to: date, limit: int = 10) -> list[tuple[str, str, int]]:
    """(SKU, name as sold, units) of the best sellers in the range."""
    start, end = _bounds(day_from, day_to)
    units = func.sum(OrderLine.quantity)
    return [tuple(row) for row in db.session.execute(
        select(OrderLine.sku, func.max(OrderLine.name), units).join(Order, Order.id == OrderLine.order_id)
        .where(Order.created_at >= start, Order.created_at < end, Order.status.in_(COUNTED_STATUSES))
        .group_by(OrderLine.sku).order_by(units.desc(), OrderLine.sku).limit(limit)
    )]


def top_pages(rows: list[PageRow], limit: int = 10) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row.page][0] += row.views
        totals[row.page][1] += row.visitors
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [(page, views, visitors) for page, (views, visitors) in ranked]


def daily_views(rows: list[PageRow], day_from: date, day_to: date) -> list[tuple[date, int]]:
    per_day: dict[date, int] = defaultdict(int)
    for row in rows:
        per_day[row.day] += row.views
    return [(day_from + timedelta(days=n), per_day[day_from + timedelta(days=n)])
            for n in range((day_to - day_from).days + 1)]


def _shown(count: int) -> str:
    return str(count) if count >= SMALL else ""


def partner_csv(kind: str, day_from: date, day_to: date) -> str:
    """CONTRACT.md's export: English headers, aggregates only, any count under 5 left empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if kind == "pages":
        writer.writerow(["date", "page", "page_views", "visitors"])
        for row in page_rows(day_from, day_to):
            writer.writerow([row.day.isoformat(), row.page, _shown(row.views), _shown(row.visitors)])
    else:
        writer.writerow(["date", "orders", "total", "average"])
        for day in order_days(day_from, day_to):
            small = day.orders < SMALL  # a total of one or two orders would tell what someone paid
            writer.writerow([day.day.isoformat(), _shown(day.orders), "" if small else str(day.total),
                             "" if small else str(day.average)])
    return out.getvalue()


# The register's recipient: everyone the owner sends the file to. Stored in English, like every
# recipient name the shop itself writes; pages translate it (the _l only puts it in the catalogue).
PARTNERS = "advertising partners"
_l("advertising partners")
FIELDS = {"pages": ["page_views", "visitors"], "orders": ["orders", "order_total", "order_average"]}


def chart(points: list[tuple[date, int | Decimal]], width: int = 640, height: int = 160) -> dict:
    """Bar positions for a server-drawn SVG chart (no script, no CDN)."""
    peak = max((float(value) for _day, value in points), default=0) or 1
    gap = 2
    bar = max(1.0, (width - gap * len(points)) / max(1, len(points)))
    bars = []
    for n, (day, value) in enumerate(points):
        h = round(float(value) / peak * (height - 20), 1)
        bars.append({"x": round(n * (bar + gap), 1), "y": round(height - h, 1), "w": round(bar, 1), "h": h,
                     "day": day, "value": value})
    return {"width": width, "height": height, "bars": bars, "peak": peak}
