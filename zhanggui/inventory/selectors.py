"""Stock reads. Balances come from StockLevel, never from a scan of the ledger, except in
the ledger check, whose whole point is that scan."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel, StockMove


@dataclass(frozen=True)
class LedgerDifference:
    sku_id: int
    warehouse_id: int
    on_hand: int
    ledger_on_hand: int
    reserved: int
    active_reserved: int


def ledger_differences() -> list[LedgerDifference]:
    """Every balance that disagrees with its ledger (sum of moves) or its active
    reservations; also ledgers with no balance row. Empty means the books are right."""
    ledger = {
        (row["sku_id"], row["warehouse_id"]): row["total"] or 0
        for row in StockMove.objects.values("sku_id", "warehouse_id").annotate(
            total=Sum("quantity")
        )
    }
    held = {
        (row["sku_id"], row["warehouse_id"]): row["total"] or 0
        for row in Reservation.objects.filter(status=ReservationStatus.ACTIVE)
        .values("sku_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
    }
    levels = {
        (sku_id, warehouse_id): (on_hand, reserved)
        for sku_id, warehouse_id, on_hand, reserved in StockLevel.objects.values_list(
            "sku_id", "warehouse_id", "on_hand", "reserved"
        )
    }
    differences = []
    for key in sorted(set(ledger) | set(held) | set(levels)):
        on_hand, reserved = levels.get(key, (0, 0))
        if on_hand != ledger.get(key, 0) or reserved != held.get(key, 0):
            differences.append(
                LedgerDifference(
                    key[0], key[1], on_hand, ledger.get(key, 0), reserved, held.get(key, 0)
                )
            )
    return differences


def available_by_sku(sku_ids: list[int], *, sellable_only: bool = True) -> dict[int, int]:
    """Available units (on hand less reserved) per SKU over all (sellable) warehouses."""
    levels = StockLevel.objects.filter(sku_id__in=sku_ids)
    if sellable_only:
        levels = levels.filter(warehouse__is_sellable=True)
    totals = dict.fromkeys(sku_ids, 0)
    for row in levels.values("sku_id").annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved")):
        totals[row["sku_id"]] = (row["on_hand"] or 0) - (row["reserved"] or 0)
    return totals


def levels_with_stock() -> Q:
    return Q(on_hand__gt=0) | Q(reserved__gt=0)
