"""Stock pages over a ledger of 10,000,000 moves (issue 3: they stay under a second).

The ledger is written straight into the tables, untimed. ZHANGGUI_BENCH_LEDGER_MOVES
changes its size (e.g. 1000000 for a quick run)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from zhanggui.core.bench import benchmark
from zhanggui.core.bench_http import manager_client, median_get_ms
from zhanggui.inventory import daily_sales, services
from zhanggui.inventory.benchmarks import _insert_rows, make_skus
from zhanggui.inventory.models import DailySkuSales, MoveKind, StockLevel, StockMove

SKUS = 10_000
HISTORY_DAYS = 3 * 365


def _ledger(sku_ids: list[int], moves: int) -> None:
    """Per SKU: a receipt big enough for every later sale, then sales of one, spread over
    three years as a shop's ledger grows (so a 30-day sales window holds 1/36 of it), with
    balances and the daily sales roll-up equal to it."""
    warehouse_id = services.default_warehouse().pk
    per_sku = max(1, moves // len(sku_ids))
    now = timezone.now()
    days = [
        connection.ops.adapt_datetimefield_value(now - timedelta(days=HISTORY_DAYS - day))
        for day in range(HISTORY_DAYS)
    ]
    opened = days[0]
    columns = ("sku_id", "warehouse_id", "kind", "quantity", "source_type", "source_id",
               "ref", "note", "created_at")  # fmt: skip

    def rows() -> Iterable[tuple[Any, ...]]:
        for sku_id in sku_ids:
            yield (sku_id, warehouse_id, MoveKind.RECEIPT.value, per_sku, "", "", "", "", opened)
            for index in range(1, per_sku):
                when = days[index * HISTORY_DAYS // per_sku]
                yield (sku_id, warehouse_id, MoveKind.SALE.value, -1, "", "", "", "", when)

    with transaction.atomic():
        _insert_rows(StockMove, columns, rows())
        _insert_rows(
            StockLevel,
            ("sku_id", "warehouse_id", "on_hand", "reserved", "updated_at"),
            ((sku_id, warehouse_id, 1, 0, days[-1]) for sku_id in sku_ids),
        )
        # The services keep the daily sales roll-up; rows written behind them get it here.
        daily_sales.rebuild_from_ledger()
    if connection.vendor == "postgresql":
        # Autovacuum gets to freshly loaded tables within minutes; the pages are timed at
        # once, so do its work first: planner statistics, and the visibility map without
        # which the roll-up's covering index cannot serve an index-only scan.
        with connection.cursor() as cursor:
            for model in (StockMove, StockLevel, DailySkuSales):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


@benchmark(
    "inventory.stock_pages_10m_moves_ms",
    unit="ms",
    description="slowest median GET of the stock page (also filtered to SKUs below their "
    "warning level), the stock alert list, a SKU's ledger and the moves page over a ledger "
    "of 10,000,000 moves (10,000 SKUs)",
)
def stock_pages_10m_moves_ms() -> float:
    sku_ids = make_skus(SKUS)
    _ledger(sku_ids, int(os.environ.get("ZHANGGUI_BENCH_LEDGER_MOVES", "10000000")))
    client = manager_client()
    pages = [
        reverse("inventory:stock_list"),
        reverse("inventory:stock_list") + "?below_warning=1",
        reverse("inventory:alert_list"),
        reverse("inventory:sku_stock", kwargs={"pk": sku_ids[len(sku_ids) // 2]}),
        reverse("inventory:move_list"),
    ]
    timings = {url: median_get_ms(client, url) for url in pages}
    if os.environ.get("ZHANGGUI_BENCH_VERBOSE"):
        print(timings)  # noqa: T201 (the bench's own diagnostics, on request)
    return max(timings.values())
