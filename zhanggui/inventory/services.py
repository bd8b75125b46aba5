"""Stock writes. Every change of stock is a move appended to the ledger together with the
balance change, in one transaction, so balances always equal the ledger.

Concurrency: balances are locked with select_for_update in (sku_id, warehouse_id) order
before a read-decide-write, or changed with conditional F() updates. On SQLite the lock is
a no-op; safety comes from IMMEDIATE transactions (one writer at a time)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.inventory.exceptions import (
    InsufficientStock,
    InvalidMove,
    ReservationClosed,
    WarehouseNotFound,
)
from zhanggui.inventory.models import (
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
    Warehouse,
)


@dataclass(frozen=True)
class MoveInput:
    sku_id: int
    quantity: int  # signed, never 0
    kind: str
    warehouse_id: int | None = None  # None: the default warehouse
    bin_id: int | None = None
    unit_cost: Decimal | None = None
    source_type: str = ""
    source_id: str = ""
    ref: str = ""
    note: str = ""


def default_warehouse() -> Warehouse:
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        raise WarehouseNotFound(_("No default warehouse is set."))
    return warehouse


def warehouse_by_code(code: str | None) -> Warehouse:
    """The warehouse with this code; None or "" means the shop's default warehouse."""
    if not code:
        return default_warehouse()
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise WarehouseNotFound(_("Unknown warehouse: %(code)s") % {"code": code})
    return warehouse


def _check_move(move: MoveInput) -> None:
    if not isinstance(move.quantity, int) or isinstance(move.quantity, bool) or move.quantity == 0:
        raise InvalidMove(_("A move's quantity is a whole number other than 0."), field="qty")
    if move.kind not in MoveKind.values:
        raise InvalidMove(_("Unknown kind of move: %(kind)s") % {"kind": move.kind}, field="kind")


def lock_levels(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock (creating where missing) the balances of these (sku_id, warehouse_id) pairs,
    always in the same order so two batches never deadlock."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    sku_ids = {sku_id for sku_id, _ in wanted}
    warehouse_ids = {warehouse_id for _, warehouse_id in wanted}
    StockLevel.objects.bulk_create(
        [StockLevel(sku_id=s, warehouse_id=w) for s, w in wanted], ignore_conflicts=True
    )
    levels = list(
        StockLevel.objects.select_for_update()
        .filter(sku_id__in=sku_ids, warehouse_id__in=warehouse_ids)
        .order_by("sku_id", "warehouse_id")
    )
    by_key = {(level.sku_id, level.warehouse_id): level for level in levels}
    return {key: by_key[key] for key in wanted}


def _shortage_lines(shortages: list[tuple[StockLevel, int]]) -> list[dict[str, Any]]:
    codes = dict(
        Sku.objects.filter(pk__in=[level.sku_id for level, _ in shortages]).values_list(
            "pk", "merchant_code"
        )
    )
    warehouses = dict(Warehouse.objects.values_list("pk", "code"))
    return [
        {
            "merchant_code": codes.get(level.sku_id, ""),
            "warehouse": warehouses.get(level.warehouse_id, ""),
            "requested": requested,
            "available": level.available,
        }
        for level, requested in shortages
    ]


@transaction.atomic
def post_moves(*, actor: Any, moves: Sequence[MoveInput]) -> list[StockMove]:
    """Append moves to the ledger and change the balances, all or nothing.

    A decrease may take only available stock (on hand less reserved): on hand never goes
    below zero and reserved stock stays for its order. Raises InsufficientStock listing
    every short line, InvalidMove for a zero quantity or an unknown kind."""
    if not moves:
        return []
    default_id: int | None = None
    resolved: list[tuple[MoveInput, int]] = []  # each move with its warehouse id
    for move in moves:
        _check_move(move)
        if move.warehouse_id is None and default_id is None:
            default_id = default_warehouse().pk
        resolved.append((move, move.warehouse_id or default_id or 0))
    delta: dict[tuple[int, int], int] = defaultdict(int)
    for move, warehouse_id in resolved:
        delta[(move.sku_id, warehouse_id)] += move.quantity
    levels = lock_levels(delta)
    shortages = [
        (levels[key], -change)
        for key, change in delta.items()
        if change < 0 and levels[key].available < -change
    ]
    if shortages:
        raise InsufficientStock(lines=_shortage_lines(shortages))
    for key, change in delta.items():
        levels[key].on_hand += change
    StockLevel.objects.bulk_update(
        list(levels.values()), ["on_hand", "updated_at"], batch_size=2000
    )
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return StockMove.objects.bulk_create(
        [
            StockMove(
                sku_id=move.sku_id,
                warehouse_id=warehouse_id,
                bin_id=move.bin_id,
                kind=move.kind,
                quantity=move.quantity,
                unit_cost=move.unit_cost,
                source_type=move.source_type,
                source_id=move.source_id,
                ref=move.ref[:100],
                note=move.note[:255],
                actor_id=actor_id,
            )
            for move, warehouse_id in resolved
        ],
        batch_size=2000,
    )


def post_move(*, actor: Any, move: MoveInput) -> StockMove:
    """One move (see post_moves)."""
    return post_moves(actor=actor, moves=[move])[0]


@transaction.atomic
def reserve(
    *,
    actor: Any,
    sku_id: int,
    quantity: int,
    source_type: str,
    source_id: str,
    warehouse_id: int | None = None,
) -> Reservation:
    """Hold `quantity` of a SKU for a document. Idempotent per (source, SKU): asking again
    returns the active reservation. Raises InsufficientStock when not enough is available.

    The conditional update is the whole check: no read-then-write window to oversell in."""
    if quantity <= 0:
        raise InvalidMove(_("A reservation is for at least one unit."), field="qty")
    existing = Reservation.objects.filter(
        source_type=source_type, source_id=source_id, sku_id=sku_id, status=ReservationStatus.ACTIVE
    ).first()
    if existing is not None:
        return existing
    warehouse_id = warehouse_id or default_warehouse().pk
    level = lock_levels([(sku_id, warehouse_id)])[(sku_id, warehouse_id)]
    updated = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") + quantity).update(
        reserved=F("reserved") + quantity, updated_at=timezone.now()
    )
    if updated != 1:
        level.refresh_from_db()
        raise InsufficientStock(lines=_shortage_lines([(level, quantity)]))
    return Reservation.objects.create(
        sku_id=sku_id,
        warehouse_id=warehouse_id,
        quantity=quantity,
        source_type=source_type,
        source_id=source_id,
    )


def _close(reservation_id: int, status: str) -> Reservation:
    reservation = Reservation.objects.select_for_update().filter(pk=reservation_id).first()
    if reservation is None or reservation.status != ReservationStatus.ACTIVE:
        raise ReservationClosed()
    closed = Reservation.objects.filter(pk=reservation.pk, status=ReservationStatus.ACTIVE).update(
        status=status, closed_at=timezone.now()
    )
    if closed != 1:  # another transaction closed it first
        raise ReservationClosed()
    reservation.status = status
    return reservation


@transaction.atomic
def release_reservation(*, actor: Any, reservation_id: int) -> Reservation:
    """Give reserved stock back to available (order cancelled or refunded)."""
    reservation = _close(reservation_id, ReservationStatus.RELEASED)
    StockLevel.objects.filter(
        sku_id=reservation.sku_id, warehouse_id=reservation.warehouse_id
    ).update(reserved=F("reserved") - reservation.quantity, updated_at=timezone.now())
    return reservation


@transaction.atomic
def consume_reservation(*, actor: Any, reservation_id: int, ref: str = "") -> StockMove:
    """Ship reserved stock: the reservation becomes a sale move (e.g. ref = tracking number)."""
    reservation = _close(reservation_id, ReservationStatus.CONSUMED)
    quantity = reservation.quantity
    StockLevel.objects.filter(
        sku_id=reservation.sku_id, warehouse_id=reservation.warehouse_id
    ).update(
        on_hand=F("on_hand") - quantity,
        reserved=F("reserved") - quantity,
        updated_at=timezone.now(),
    )
    return StockMove.objects.create(
        sku_id=reservation.sku_id,
        warehouse_id=reservation.warehouse_id,
        kind=MoveKind.SALE,
        quantity=-quantity,
        source_type=reservation.source_type,
        source_id=reservation.source_id,
        ref=ref[:100],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
