"""The daily sales roll-up (DailySkuSales): net units sold per SKU and shop day, so that
velocity reads a window of roll-up rows instead of the window's sale moves (issue 3: the
below-warning list scanned ~280,000 moves of a 10,000,000-move ledger).

The stock services add to it in the transaction that writes the sale and return moves,
with the moves' own timestamp (so the demo's back-dated clock and time-machine in tests
date it as they date the moves). check-stock compares it with the ledger.

A shop day is the date in the shop's time zone (settings.TIME_ZONE, Asia/Shanghai): the
days of the moves page's date filter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.inventory import bulk_sql
from zhanggui.inventory.models import DailySkuSales, MoveKind, StockMove

# The moves velocity counts: a sale is negative, a customer return positive, so net units
# sold are the negated sum of their quantities.
SOLD_KINDS: Final = (MoveKind.SALE, MoveKind.CUSTOMER_RETURN)


def shop_day(moment: datetime) -> date:
    """The shop day of an aware datetime."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@cache
def _fixed_offset_minutes(zone_name: str) -> int | None:
    """The zone's UTC offset in minutes if it had the same one every January and July of
    1992-2100 (Asia/Shanghai: UTC+8, no daylight saving since 1991), else None."""
    zone = ZoneInfo(zone_name)
    offsets = {
        datetime(year, month, 1, tzinfo=zone).utcoffset()
        for year in range(1992, 2101)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else int(offset.total_seconds()) // 60


class ShopDay(TruncDate):
    """The shop day of a datetime column, in SQL. PostgreSQL converts natively (AT TIME
    ZONE). Django's SQLite version calls a Python function per row (~5 µs: a minute over
    10,000,000 moves), so a zone with one UTC offset all year is shifted with SQLite's
    own date() instead; any other zone keeps Django's exact conversion."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, tzinfo=timezone.get_default_timezone())

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        minutes = _fixed_offset_minutes(self.get_tzname())
        if minutes is None:
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, f"{minutes:+d} minutes")


def add_moves(moves: Iterable[tuple[int, str, int]], *, at: datetime) -> None:
    """Count moves given as (sku_id, kind, quantity), all stamped `at`, in the roll-up:
    one additive upsert for the batch, a row per SKU (bulk_sql.add_daily_sales). Other
    kinds are ignored.
    Call in the moves' transaction, so the roll-up commits or rolls back with them."""
    units: dict[int, int] = defaultdict(int)
    for sku_id, kind, quantity in moves:
        if kind in SOLD_KINDS:
            units[sku_id] -= quantity
    day = shop_day(at)
    bulk_sql.add_daily_sales([(sku_id, day, n) for sku_id, n in sorted(units.items()) if n])


def _ledger_by_day() -> QuerySet[Any, Any]:
    """The ledger's net units sold per SKU and shop day, as (sku_id, day, units) rows."""
    return (
        StockMove.objects.filter(kind__in=SOLD_KINDS)
        .order_by()
        .annotate(day=ShopDay("created_at"))
        .values("sku_id", "day")
        .annotate(units=-Sum("quantity"))
    )


def rebuild_from_ledger() -> None:
    """Replace the roll-up with the ledger's sums in one INSERT ... SELECT ... GROUP BY.
    For fixtures written straight into the ledger (the benchmarks) and for repairs after
    check-stock; the caller holds the writers off (a transaction on SQLite takes the
    write lock; on PostgreSQL, lock the moves table first)."""
    table = connection.ops.quote_name(DailySkuSales._meta.db_table)
    select, params = _ledger_by_day().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table name)
        cursor.execute(f"INSERT INTO {table} (sku_id, day, units) {select}", params)  # noqa: S608 (our own SQL)


@dataclass(frozen=True)
class DailySalesDifference:
    """A SKU's day whose roll-up disagrees with its sale and return moves."""

    sku_id: int
    day: date
    units: int  # in the roll-up
    ledger_units: int  # sale moves less customer returns in the ledger
    merchant_code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}


def compare_with_ledger() -> tuple[int, list[DailySalesDifference]]:
    """Compare every roll-up row with the ledger's sum for its SKU and day; a day with
    sales in the ledger and no row is a difference too (a row missing from the roll-up
    reads as 0 units). Returns (SKU days compared, differences). One pass over the sale
    and return moves, and a second only when something differs. Call it inside the
    transaction that gives the ledger check its snapshot (selectors.check_ledger)."""
    table = connection.ops.quote_name(DailySkuSales._meta.db_table)
    ledger, params = _ledger_by_day().query.sql_with_params()
    both = (
        f"SELECT sku_id, day, SUM(kept) AS kept, SUM(sold) AS sold FROM ("  # noqa: S608 (our own SQL)
        f"SELECT sku_id, day, units AS kept, 0 AS sold FROM {table} UNION ALL "
        f"SELECT sku_id, day, 0, units FROM ({ledger}) AS ledger"
        ") AS days GROUP BY sku_id, day"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN kept <> sold THEN 1 ELSE 0 END), 0) "  # noqa: S608 (our own SQL)
            f"FROM ({both}) AS compared",
            params,
        )
        checked, wrong = cursor.fetchone()
        if not wrong:
            return int(checked), []
        cursor.execute(
            f"SELECT sku_id, day, kept, sold FROM ({both}) AS compared "  # noqa: S608 (our own SQL)
            "WHERE kept <> sold ORDER BY sku_id, day",
            params,
        )
        rows = cursor.fetchall()
    codes = dict(
        Sku.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "merchant_code")
    )
    day_field = DailySkuSales._meta.get_field("day")
    return int(checked), [
        DailySalesDifference(
            sku_id=sku_id,
            day=day_field.to_python(day),
            units=int(kept),
            ledger_units=int(sold),
            merchant_code=codes.get(sku_id, ""),
        )
        for sku_id, day, kept, sold in rows
    ]
