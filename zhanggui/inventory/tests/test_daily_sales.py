"""The daily sales roll-up follows the ledger: every path that writes sale or return moves
adds to the shop day of the moves' own clock, in their transaction; check-stock notices a
roll-up changed behind the ledger; velocity reads it over a window of whole shop days."""

from __future__ import annotations

import importlib
import json
from datetime import date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Sku
from zhanggui.inventory import bulk_sql, daily_sales, services
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import DailySkuSales, MoveKind, StockMove, Warehouse
from zhanggui.inventory.selectors import check_ledger, ledger_differences
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.velocity import sales_window, units_sold

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 00:30 on 3 March in Shanghai is still 2 March in UTC: the shop's day is 3 March.
JUST_AFTER_MIDNIGHT = datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI)


@pytest.fixture
def skus(db) -> list[Sku]:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="DS", title="日销"),
        skus=[catalog.SkuInput(merchant_code=f"DS-{s}", size=s, price="9") for s in "SML"],
    )
    return list(product.skus.order_by("pk"))  # S, M, L


@pytest.fixture
def annex(db) -> Warehouse:
    return Warehouse.objects.create(code="annex", name="二号仓")


def _stock(skus: list[Sku], units: int, warehouse: Warehouse | None = None) -> None:
    warehouse_id = warehouse.pk if warehouse else None
    with time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        services.post_moves(
            actor=None,
            moves=[
                MoveInput(sku.pk, units, MoveKind.RECEIPT, warehouse_id=warehouse_id)
                for sku in skus
            ],
        )


def _post_at(when: datetime, moves: list[MoveInput]) -> list[StockMove]:
    with time_machine.travel(when, tick=False):
        return services.post_moves(actor=None, moves=moves)


def _rolled_up() -> dict[tuple[str, date], int]:
    return {
        (code, day): units
        for code, day, units in DailySkuSales.objects.values_list(
            "sku__merchant_code", "day", "units"
        )
    }


def _ledger_by_day() -> dict[tuple[str, date], int]:
    """The roll-up recomputed in Python from the moves, for comparison."""
    totals: dict[tuple[str, date], int] = {}
    for code, kind, quantity, created_at in StockMove.objects.values_list(
        "sku__merchant_code", "kind", "quantity", "created_at"
    ):
        if kind in (MoveKind.SALE, MoveKind.CUSTOMER_RETURN):
            key = (code, created_at.astimezone(SHANGHAI).date())
            totals[key] = totals.get(key, 0) - quantity
    return totals


def test_sales_and_returns_are_rolled_up_on_the_shop_day_of_a_back_dated_clock(skus, annex):
    small, medium, large = skus
    _stock(skus, 50)
    _stock([small], 50, warehouse=annex)
    _post_at(
        JUST_AFTER_MIDNIGHT,
        [
            MoveInput(small.pk, -3, MoveKind.SALE),
            MoveInput(small.pk, -2, MoveKind.SALE, warehouse_id=annex.pk),
            MoveInput(small.pk, 1, MoveKind.CUSTOMER_RETURN),
            MoveInput(medium.pk, -4, MoveKind.SALE),
            MoveInput(medium.pk, 4, MoveKind.CUSTOMER_RETURN),  # nets to nothing: no row
            MoveInput(large.pk, -5, MoveKind.ADJUSTMENT),  # not a sale
        ],
    )
    _post_at(
        JUST_AFTER_MIDNIGHT - timedelta(hours=1),  # 23:30 on 2 March
        [MoveInput(small.pk, -1, MoveKind.SALE), MoveInput(large.pk, 2, MoveKind.CUSTOMER_RETURN)],
    )
    _post_at(JUST_AFTER_MIDNIGHT + timedelta(hours=2), [MoveInput(small.pk, -6, MoveKind.SALE)])
    assert _rolled_up() == {
        ("DS-S", date(2026, 3, 3)): 3 + 2 - 1 + 6,
        ("DS-S", date(2026, 3, 2)): 1,
        ("DS-L", date(2026, 3, 2)): -2,
    }
    assert _rolled_up() == {key: n for key, n in _ledger_by_day().items() if n}
    assert ledger_differences() == []


def test_moves_of_other_kinds_leave_the_roll_up_alone(skus, annex):
    sku = skus[0]
    _stock(skus, 20)
    services.post_moves(
        actor=None,
        moves=[
            MoveInput(sku.pk, -1, MoveKind.ADJUSTMENT),
            MoveInput(sku.pk, -1, MoveKind.EXCHANGE_OUT),
            MoveInput(sku.pk, 1, MoveKind.EXCHANGE_IN),
            MoveInput(sku.pk, -1, MoveKind.STOCKTAKE),
        ],
    )
    services.transfer_stock(
        actor=None,
        sku_id=sku.pk,
        from_warehouse_id=Warehouse.objects.get(code="main").pk,
        to_warehouse_id=annex.pk,
        quantity=2,
    )
    assert DailySkuSales.objects.count() == 0
    assert ledger_differences() == []


def test_shipping_a_reservation_rolls_up_on_the_day_it_ships(skus):
    sku = skus[0]
    _stock(skus, 10)
    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=SHANGHAI), tick=False):
        first = services.reserve(
            actor=None, sku_id=sku.pk, quantity=2, source_type="order_line", source_id="1"
        )
        second = services.reserve(
            actor=None, sku_id=sku.pk, quantity=3, source_type="order_line", source_id="2"
        )
    with time_machine.travel(JUST_AFTER_MIDNIGHT, tick=False):
        services.consume_reservation(actor=None, reservation_id=first.pk, ref="SF1")
        services.consume_reservation(actor=None, reservation_id=second.pk, ref="SF2")
    assert _rolled_up() == {("DS-S", date(2026, 3, 3)): 5}
    assert ledger_differences() == []


def test_a_refused_batch_rolls_nothing_up(skus):
    _stock(skus[:1], 2)
    with pytest.raises(InsufficientStock):
        services.post_moves(
            actor=None,
            moves=[
                MoveInput(skus[0].pk, -2, MoveKind.SALE),
                MoveInput(skus[1].pk, -1, MoveKind.SALE),
            ],
        )
    assert DailySkuSales.objects.count() == 0


def test_a_large_batch_rolls_up_in_one_statement(skus):
    # 3 × 1,100 moves: several INSERTs of moves on SQLite (2,000 rows at most), COPY on
    # PostgreSQL; the roll-up is one upsert per batch, not per move.
    _stock(skus, 5_000)
    moves = [MoveInput(sku.pk, -(1 + n % 3), MoveKind.SALE) for n in range(1_100) for sku in skus]
    with CaptureQueriesContext(connection) as captured:
        _post_at(JUST_AFTER_MIDNIGHT, moves)
    upserts = [q for q in captured.captured_queries if "ON CONFLICT" in q["sql"]]
    assert len(upserts) == 1
    per_sku = sum(1 + n % 3 for n in range(1_100))
    assert _rolled_up() == {(sku.merchant_code, date(2026, 3, 3)): per_sku for sku in skus}
    assert ledger_differences() == []


def test_upserts_add_to_the_day_rather_than_replace_it(skus):
    day = date(2026, 3, 3)
    bulk_sql.add_daily_sales([(skus[0].pk, day, 4), (skus[1].pk, day, 1)])
    bulk_sql.add_daily_sales([(skus[0].pk, day, 3), (skus[0].pk, day + timedelta(days=1), -1)])
    assert _rolled_up() == {
        ("DS-S", day): 7,
        ("DS-M", day): 1,
        ("DS-S", day + timedelta(days=1)): -1,
    }


def _check_stock(*args: str) -> tuple[str, str]:
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("check_stock", *args, stdout=out)
    assert error.value.returncode == 1
    return out.getvalue(), str(error.value)


@pytest.fixture
def sold(skus) -> list[Sku]:
    _stock(skus, 20)
    _post_at(JUST_AFTER_MIDNIGHT, [MoveInput(sku.pk, -2, MoveKind.SALE) for sku in skus[:2]])
    _post_at(JUST_AFTER_MIDNIGHT + timedelta(days=1), [MoveInput(skus[0].pk, -1, MoveKind.SALE)])
    return skus


def test_check_stock_reports_a_tampered_roll_up(sold):
    small, medium, large = sold
    DailySkuSales.objects.filter(sku=small, day=date(2026, 3, 4)).update(units=9)
    DailySkuSales.objects.filter(sku=medium).delete()
    DailySkuSales.objects.create(sku=large, day=date(2026, 3, 1), units=5)
    out, message = _check_stock()
    assert out.splitlines() == [
        "Balances checked: 3. Differences from the ledger: 0.",
        "Daily sales totals checked: 4. Differences from the ledger: 3.",
        "merchant code  day         units sold  ledger",
        "DS-S           2026-03-04  9           1",
        "DS-M           2026-03-03  0           2",
        "DS-L           2026-03-01  5           0",
    ]
    assert message == "3 daily sales totals differ from the ledger."


def test_check_stock_json_lists_roll_up_differences_and_the_task_logs_them(sold):
    DailySkuSales.objects.filter(sku=sold[1]).update(units=1)
    out, message = _check_stock("--json")
    body = json.loads(out)
    assert (body["checked"], body["differences"], body["daily_sales_checked"]) == (3, [], 3)
    assert body["daily_sales_differences"] == [
        {
            "sku_id": sold[1].pk,
            "day": "2026-03-03",
            "units": 1,
            "ledger_units": 2,
            "merchant_code": "DS-M",
        }
    ]
    assert message == "1 daily sales total differs from the ledger."
    assert check_ledger().is_consistent is False


def test_rebuild_from_the_ledger_repairs_the_roll_up(sold):
    kept = _rolled_up()
    DailySkuSales.objects.filter(sku=sold[0]).update(units=0)
    DailySkuSales.objects.create(sku=sold[2], day=date(2026, 3, 1), units=5)
    daily_sales.rebuild_from_ledger()
    assert _rolled_up() == kept
    assert ledger_differences() == []


def test_the_data_migration_fills_what_the_services_keep(sold):
    kept = _rolled_up()
    DailySkuSales.objects.all().delete()
    migration = importlib.import_module("zhanggui.inventory.migrations.0006_fill_daily_sku_sales")
    migration.fill_daily_sales(apps, SimpleNamespace(connection=connection))
    assert _rolled_up() == kept


def test_the_sales_window_is_the_last_window_days_shop_days_today_included(
    skus: list[Sku], time_machine: Any
) -> None:
    sku = skus[0]
    _stock(skus, 100)
    now = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)
    assert sales_window(30, as_of=now) == (date(2026, 5, 17), date(2026, 6, 15))
    _post_at(datetime(2026, 5, 16, 23, 59, tzinfo=SHANGHAI), [MoveInput(sku.pk, -40, "sale")])
    _post_at(datetime(2026, 5, 17, 0, 0, tzinfo=SHANGHAI), [MoveInput(sku.pk, -2, "sale")])
    _post_at(datetime(2026, 6, 15, 9, 0, tzinfo=SHANGHAI), [MoveInput(sku.pk, -3, "sale")])
    _post_at(datetime(2026, 6, 15, 22, 0, tzinfo=SHANGHAI), [MoveInput(sku.pk, -4, "sale")])
    time_machine.move_to(now, tick=False)
    assert units_sold([sku.pk], days=30) == {sku.pk: 2 + 3 + 4}  # the whole of today
    assert units_sold([sku.pk], days=31) == {sku.pk: 40 + 2 + 3 + 4}
    # As of yesterday: the window moves back a day, and today's sales are after it.
    assert units_sold(None, days=30, as_of=datetime(2026, 6, 14, 12, 0, tzinfo=SHANGHAI)) == {
        sku.pk: 40 + 2
    }
