"""Stock reads. Balances come from StockLevel, never from a scan of the ledger, except in
the ledger check, whose whole point is that scan (of the daily sales roll-up too)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum

from zhanggui.catalog.models import Sku
from zhanggui.inventory import daily_sales
from zhanggui.inventory.daily_sales import DailySalesDifference
from zhanggui.inventory.models import (
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
    Warehouse,
)


@dataclass(frozen=True)
class LedgerDifference:
    """A balance that disagrees with its ledger (sum of moves) or its active reservations."""

    sku_id: int
    warehouse_id: int
    on_hand: int
    ledger_on_hand: int
    reserved: int
    active_reserved: int
    merchant_code: str = ""
    warehouse: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LedgerCheck:
    checked: int  # balances compared (every SKU × warehouse with a balance, moves or holds)
    differences: list[LedgerDifference]
    daily_sales_checked: int = 0  # SKU days compared (with a roll-up row or sales)
    daily_sales_differences: list[DailySalesDifference] = field(default_factory=list)

    @property
    def is_consistent(self) -> bool:
        return not self.differences and not self.daily_sales_differences


def _totals(rows: QuerySet[Any, Any]) -> dict[tuple[int, int], int]:
    return {
        (row["sku_id"], row["warehouse_id"]): row["total"] or 0
        for row in rows.values("sku_id", "warehouse_id").annotate(total=Sum("quantity"))
    }


def check_ledger() -> LedgerCheck:
    """Recompute every balance from the ledger, and reserved from the active reservations,
    and compare with StockLevel. A ledger or a hold with no balance row is a difference too.
    Then the same for the daily sales roll-up (daily_sales.compare_with_ledger).

    The reads share one snapshot, so moves posted during the check never show as
    differences: a transaction (SQLite's holds the write lock for the check's duration),
    at REPEATABLE READ on PostgreSQL when this starts the transaction."""
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if starts_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        balances = _compare_balances()
        sales_checked, sales_differences = daily_sales.compare_with_ledger()
    return LedgerCheck(
        checked=balances.checked,
        differences=balances.differences,
        daily_sales_checked=sales_checked,
        daily_sales_differences=sales_differences,
    )


def _compare_balances() -> LedgerCheck:
    ledger = _totals(StockMove.objects.order_by())
    held = _totals(Reservation.objects.filter(status=ReservationStatus.ACTIVE).order_by())
    levels = {
        (sku_id, warehouse_id): (on_hand, reserved)
        for sku_id, warehouse_id, on_hand, reserved in StockLevel.objects.values_list(
            "sku_id", "warehouse_id", "on_hand", "reserved"
        )
    }
    keys = set(ledger) | set(held) | set(levels)
    wrong = []
    for key in sorted(keys):
        on_hand, reserved = levels.get(key, (0, 0))
        if on_hand != ledger.get(key, 0) or reserved != held.get(key, 0):
            wrong.append((key, on_hand, reserved))
    codes = dict(
        Sku.objects.filter(pk__in=[key[0] for key, _, _ in wrong]).values_list(
            "pk", "merchant_code"
        )
    )
    warehouses = dict(Warehouse.objects.values_list("pk", "code"))
    differences = [
        LedgerDifference(
            sku_id=key[0],
            warehouse_id=key[1],
            on_hand=on_hand,
            ledger_on_hand=ledger.get(key, 0),
            reserved=reserved,
            active_reserved=held.get(key, 0),
            merchant_code=codes.get(key[0], ""),
            warehouse=warehouses.get(key[1], ""),
        )
        for key, on_hand, reserved in wrong
    ]
    return LedgerCheck(checked=len(keys), differences=differences)


def ledger_differences() -> list[LedgerDifference | DailySalesDifference]:
    """Every balance and every day of the daily sales roll-up that disagrees with the
    ledger; empty means the books are right."""
    result = check_ledger()
    return [*result.differences, *result.daily_sales_differences]


def available_by_sku(sku_ids: list[int], *, sellable_only: bool = True) -> dict[int, int]:
    """Available units (on hand less reserved) per SKU over all (sellable) warehouses;
    0 for a SKU with no balance. One query however many SKUs are asked for."""
    totals = dict.fromkeys(sku_ids, 0)
    warehouses = Warehouse.objects.filter(is_sellable=True) if sellable_only else Warehouse.objects
    warehouse_ids = list(warehouses.values_list("pk", flat=True))
    if not sku_ids or not warehouse_ids:
        return totals
    # The ids travel as one array (PostgreSQL) or one JSON text (SQLite), not as an
    # IN (...) list of 10,000 parameters, which the drivers are slow to bind and SQLite
    # may refuse outright.
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    if connection.vendor == "postgresql":
        condition = "warehouse_id = ANY(%s::bigint[]) AND sku_id = ANY(%s::bigint[])"
        params: list[Any] = [warehouse_ids, list(sku_ids)]
    else:
        condition = (
            "warehouse_id IN (SELECT value FROM json_each(%s)) "
            "AND sku_id IN (SELECT value FROM json_each(%s))"
        )
        params = [json.dumps(warehouse_ids), json.dumps(list(sku_ids))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sku_id, SUM(on_hand) - SUM(reserved) FROM {table} "  # noqa: S608 (fixed names)
            f"WHERE {condition} GROUP BY sku_id",
            params,
        )
        totals.update((sku_id, int(available)) for sku_id, available in cursor.fetchall())
    return totals


def list_balances(
    *, sku_id: int | None = None, warehouse_id: int | None = None
) -> QuerySet[StockLevel]:
    """Balances with their SKU and warehouse, ordered by merchant code then warehouse."""
    levels = StockLevel.objects.select_related("sku", "warehouse")
    if sku_id is not None:
        levels = levels.filter(sku_id=sku_id)
    if warehouse_id is not None:
        levels = levels.filter(warehouse_id=warehouse_id)
    return levels.order_by("sku__merchant_code", "-warehouse__is_default", "warehouse__code")


def levels_with_stock() -> Q:
    return Q(on_hand__gt=0) | Q(reserved__gt=0)
