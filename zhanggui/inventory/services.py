"""Stock writes. Every change of stock is a move appended to the ledger together with the
balance change, and every sale or customer return with its day's daily sales roll-up
(inventory.daily_sales), in one transaction, so balances and the roll-up always equal the
ledger.

Concurrency: balances are locked with select_for_update in (sku_id, warehouse_id) order
before any read-decide-write, and changed by relative updates (on_hand + n) under that lock,
with the database's check constraints as the last guard. Reservations lock the balance
first and the reservation row second, everywhere, so two flows never wait on each other in
opposite order. Roll-up rows come last, locked by their additive upserts in (sku_id, day)
order. On SQLite the row lock is a no-op; safety comes from IMMEDIATE transactions
(one writer at a time, the rest queue on busy_timeout)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.inventory import bulk_sql, daily_sales
from zhanggui.inventory.exceptions import (
    InsufficientStock,
    InvalidMove,
    ReservationClosed,
    ReservationMismatch,
    WarehouseNotFound,
)
from zhanggui.inventory.listing_sync import sync_listings
from zhanggui.inventory.models import (
    Bin,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
    Warehouse,
)

# Ids per IN (...) list: below the 999 variables of older SQLite builds.
IN_CHUNK: Final = 900
# A move's sign follows from what happened. A wrong receipt is undone by an adjustment,
# never by a negative receipt, so the ledger reads true.
INCREASES: Final = frozenset({MoveKind.RECEIPT, MoveKind.CUSTOMER_RETURN, MoveKind.EXCHANGE_IN})
DECREASES: Final = frozenset({MoveKind.SALE, MoveKind.EXCHANGE_OUT})
TRANSFER_SOURCE: Final = "transfer"
KINDS: Final = frozenset(MoveKind.values)


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


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


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


def _check_quantity(quantity: Any, *, positive: bool = False) -> int:
    # bool is an int to Python; True units of stock are a bug in the caller.
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity == 0:
        raise InvalidMove("qty", _("The quantity must be a whole number other than 0."))
    if positive and quantity < 0:
        raise InvalidMove("qty", _("The quantity must be at least 1."))
    return quantity


def _check_move(move: MoveInput) -> None:
    _check_quantity(move.quantity)
    if move.kind not in KINDS:
        raise InvalidMove("kind", _("Unknown kind of move: %(kind)s") % {"kind": move.kind})
    if move.kind in INCREASES and move.quantity < 0:
        raise InvalidMove("qty", _("This kind of move only adds stock; use an adjustment."))
    if move.kind in DECREASES and move.quantity > 0:
        raise InvalidMove("qty", _("This kind of move only takes stock out."))
    if move.unit_cost is not None and move.unit_cost < 0:
        raise InvalidMove("unit_cost", _("The unit cost cannot be negative."))
    if len(move.ref) > 100:
        raise InvalidMove("ref", _("The reference is at most 100 characters."))
    if len(move.note) > 255:
        raise InvalidMove("note", _("The note is at most 255 characters."))


def _check_references(sku_ids: Iterable[int], warehouse_ids: Iterable[int]) -> None:
    """Unknown ids are bad input, refused here: PostgreSQL checks foreign keys only at
    commit, which would surface as a bare IntegrityError."""
    wanted_skus = sorted(set(sku_ids))
    found: set[int] = set()
    for chunk in _chunks(wanted_skus):
        found.update(Sku.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    unknown_skus = [pk for pk in wanted_skus if pk not in found]
    if unknown_skus:
        raise InvalidMove("sku", _("Unknown SKU: %(id)s") % {"id": unknown_skus[0]})
    wanted_warehouses = set(warehouse_ids)
    known = set(Warehouse.objects.filter(pk__in=wanted_warehouses).values_list("pk", flat=True))
    if wanted_warehouses - known:
        unknown = min(wanted_warehouses - known)
        raise InvalidMove("warehouse", _("Unknown warehouse: %(id)s") % {"id": unknown})


def _check_bins(placed: Sequence[tuple[MoveInput, int]]) -> None:
    wanted = {move.bin_id: warehouse_id for move, warehouse_id in placed if move.bin_id}
    if not wanted:
        return
    homes = dict(Bin.objects.filter(pk__in=list(wanted)).values_list("pk", "warehouse_id"))
    for bin_id, warehouse_id in wanted.items():
        if homes.get(bin_id) != warehouse_id:
            raise InvalidMove("bin", _("This bin is not in the move's warehouse."))


def lock_levels(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock the balances of these (sku_id, warehouse_id) pairs, creating missing ones, and
    return them as locked (fresh values). Call inside a transaction.

    Rows are locked in (sku_id, warehouse_id) order so two batches never deadlock. Missing
    rows are inserted first (sorted, ignoring a concurrent insert of the same pair) and
    locked with the rest, so the lock order holds for new balances too. Raises InvalidMove
    for an unknown SKU or warehouse."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if len(wanted) == 1:  # one row cannot be locked out of order: try the lock straight away
        ((sku_id, warehouse_id),) = wanted
        level = (
            StockLevel.objects.select_for_update()
            .filter(sku_id=sku_id, warehouse_id=warehouse_id)
            .first()
        )
        if level is not None:
            return {(sku_id, warehouse_id): level}
    sku_ids = sorted({sku_id for sku_id, _ in wanted})
    warehouse_ids = sorted({warehouse_id for _, warehouse_id in wanted})
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(sku_ids):
        existing.update(
            StockLevel.objects.filter(sku_id__in=chunk, warehouse_id__in=warehouse_ids).values_list(
                "sku_id", "warehouse_id"
            )
        )
    missing = [key for key in wanted if key not in existing]
    if missing:
        _check_references((s for s, _ in missing), (w for _, w in missing))
        StockLevel.objects.bulk_create(
            [StockLevel(sku_id=s, warehouse_id=w) for s, w in missing], ignore_conflicts=True
        )
    locked: dict[tuple[int, int], StockLevel] = {}
    for chunk in _chunks(sku_ids):
        query = StockLevel.objects.select_for_update().filter(
            sku_id__in=chunk, warehouse_id__in=warehouse_ids
        )
        for level in query.order_by("sku_id", "warehouse_id"):
            locked[(level.sku_id, level.warehouse_id)] = level
    return {key: locked[key] for key in wanted}


def _shortage_lines(shortages: Sequence[tuple[StockLevel, int]]) -> list[dict[str, Any]]:
    sku_ids = [level.sku_id for level, _ in shortages]
    codes: dict[int, str] = {}
    for chunk in _chunks(sku_ids):
        codes.update(Sku.objects.filter(pk__in=chunk).values_list("pk", "merchant_code"))
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


def _add_on_hand(
    levels: dict[tuple[int, int], StockLevel], delta: dict[tuple[int, int], int]
) -> None:
    now = timezone.now()
    changes = [(key, change) for key, change in delta.items() if change]
    bulk_sql.add_on_hand([(levels[key].pk, change) for key, change in changes], now)
    for key, change in changes:
        levels[key].on_hand += change
        levels[key].updated_at = now


def _insert_moves(
    placed: Sequence[tuple[MoveInput, int]], *, actor_id: int | None
) -> list[StockMove]:
    """Insert the moves and build their model objects from the values. One timestamp for
    the batch: it is one posting."""
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    cost_field = StockMove._meta.get_field("unit_cost")
    ids = bulk_sql.insert_moves(
        [
            (
                move.sku_id,
                warehouse_id,
                move.bin_id,
                move.kind,
                move.quantity,
                None
                if move.unit_cost is None
                else cost_field.get_db_prep_save(move.unit_cost, connection),
                move.source_type,
                move.source_id,
                move.ref,
                move.note,
                actor_id,
                stamp,
            )
            for move, warehouse_id in placed
        ]
    )
    # Positional arguments in field order (id first) are Django's fast path for building
    # model objects; the stubs type them as keyword fields, hence Any.
    build: Any = StockMove
    return [
        build(pk, move.sku_id, warehouse_id, move.bin_id, move.kind, move.quantity,
              move.unit_cost, move.source_type, move.source_id, move.ref, move.note,
              actor_id, now)
        for pk, (move, warehouse_id) in zip(ids, placed, strict=True)
    ]  # fmt: skip


@transaction.atomic
def post_moves(*, actor: Any, moves: Sequence[MoveInput]) -> list[StockMove]:
    """Append moves to the ledger and change the balances, all or nothing.

    A decrease may take only available stock (on hand less reserved): on hand never goes
    below zero and reserved stock stays for its order. The check is on each balance's net
    change over the batch. Raises InsufficientStock listing every short line, InvalidMove
    (field qty, kind, sku, warehouse, bin, unit_cost, ref, note) for bad input."""
    if not moves:
        return []
    default_id: int | None = None
    placed: list[tuple[MoveInput, int]] = []  # each move with its warehouse id
    for move in moves:
        _check_move(move)
        if move.warehouse_id is None and default_id is None:
            default_id = default_warehouse().pk
        placed.append((move, move.warehouse_id or default_id or 0))
    _check_bins(placed)
    delta: dict[tuple[int, int], int] = defaultdict(int)
    for move, warehouse_id in placed:
        delta[(move.sku_id, warehouse_id)] += move.quantity
    levels = lock_levels(delta)
    shortages = [
        (levels[key], -change)
        for key, change in delta.items()
        if change < 0 and levels[key].available < -change
    ]
    if shortages:
        raise InsufficientStock(lines=_shortage_lines(shortages))
    _add_on_hand(levels, delta)
    inserted = _insert_moves(placed, actor_id=_actor_id(actor))
    daily_sales.add_moves(
        ((move.sku_id, move.kind, move.quantity) for move, _warehouse in placed),
        at=inserted[0].created_at,
    )
    # Sold out means delisted, back in stock means relisted (DOMAIN.md §2), in the same
    # transaction; the lock order stays balances first, then listings.
    sync_listings(actor=None, sku_ids={sku_id for sku_id, _warehouse in delta})
    return inserted


def post_move(*, actor: Any, move: MoveInput) -> StockMove:
    """One move (see post_moves)."""
    return post_moves(actor=actor, moves=[move])[0]


def transfer_stock(
    *,
    actor: Any,
    sku_id: int,
    from_warehouse_id: int,
    to_warehouse_id: int,
    quantity: int,
    ref: str = "",
) -> tuple[StockMove, StockMove]:
    """Move `quantity` units of a SKU from one warehouse to another: a transfer out and a
    transfer in, posted together (all or nothing) and linked by one source id.

    Only available stock leaves (InsufficientStock otherwise); InvalidMove for a quantity
    below 1 or the same warehouse at both ends."""
    _check_quantity(quantity, positive=True)
    if from_warehouse_id == to_warehouse_id:
        raise InvalidMove("to_warehouse", _("A transfer goes to another warehouse."))
    link = uuid.uuid4().hex
    out, into = post_moves(
        actor=actor,
        moves=[
            MoveInput(
                sku_id,
                sign * quantity,
                MoveKind.TRANSFER,
                warehouse_id=warehouse_id,
                source_type=TRANSFER_SOURCE,
                source_id=link,
                ref=ref,
            )
            for sign, warehouse_id in ((-1, from_warehouse_id), (1, to_warehouse_id))
        ],
    )
    return out, into


def _check_source(source_type: str, source_id: str) -> None:
    if not source_type or not source_id:
        raise InvalidMove("source", _("A reservation names the document it holds stock for."))
    if len(source_type) > 32 or len(source_id) > 64:
        raise InvalidMove("source", _("The document reference is too long."))


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
    """Hold `quantity` of a SKU for a document (an order line) out of available stock.

    Idempotent per (source, SKU): asking again for the same quantity and warehouse returns
    the active reservation. Raises ReservationMismatch when the document holds a different
    one, InsufficientStock when not enough is available, InvalidMove for bad input."""
    _check_quantity(quantity, positive=True)
    _check_source(source_type, source_id)
    warehouse_id = warehouse_id or default_warehouse().pk
    level = lock_levels([(sku_id, warehouse_id)])[(sku_id, warehouse_id)]
    # Asking again is rare: the insert finds it (the one-active-per-source unique index),
    # and a second look is only needed when the insert or the stock check fails. Both
    # happen under the balance's lock, so a racing request for the same source and
    # warehouse has committed by then and is seen.
    if level.available < quantity:
        existing = _active_reservation(source_type, source_id, sku_id)
        if existing is not None:
            return _same_or_mismatch(existing, quantity, warehouse_id)
        raise InsufficientStock(lines=_shortage_lines([(level, quantity)]))
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                sku_id=sku_id,
                warehouse_id=warehouse_id,
                quantity=quantity,
                source_type=source_type,
                source_id=source_id,
            )
    except IntegrityError:
        existing = _active_reservation(source_type, source_id, sku_id)
        if existing is None:
            raise
        return _same_or_mismatch(existing, quantity, warehouse_id)
    StockLevel.objects.filter(pk=level.pk).update(
        reserved=F("reserved") + quantity, updated_at=timezone.now()
    )
    sync_listings(actor=None, sku_ids=[sku_id])  # the last unit reserved sells the SKU out
    return reservation


def _active_reservation(source_type: str, source_id: str, sku_id: int) -> Reservation | None:
    return Reservation.objects.filter(
        source_type=source_type, source_id=source_id, sku_id=sku_id, status=ReservationStatus.ACTIVE
    ).first()


def _same_or_mismatch(existing: Reservation, quantity: int, warehouse_id: int) -> Reservation:
    if existing.quantity != quantity or existing.warehouse_id != warehouse_id:
        raise ReservationMismatch()
    return existing


def _close(reservation_id: int, status: str) -> Reservation:
    """Lock the reservation's balance, then close the reservation if it is still active."""
    reservation = Reservation.objects.filter(pk=reservation_id).first()
    if reservation is None or reservation.status != ReservationStatus.ACTIVE:
        raise ReservationClosed()
    lock_levels([(reservation.sku_id, reservation.warehouse_id)])
    now = timezone.now()
    closed = Reservation.objects.filter(pk=reservation.pk, status=ReservationStatus.ACTIVE).update(
        status=status, closed_at=now
    )
    if closed != 1:  # another transaction closed it between the read and the lock
        raise ReservationClosed()
    reservation.status = status
    reservation.closed_at = now
    return reservation


@transaction.atomic
def release_reservation(*, actor: Any, reservation_id: int) -> Reservation:
    """Give reserved stock back to available (order cancelled or refunded).
    Raises ReservationClosed if it was already released or shipped."""
    reservation = _close(reservation_id, ReservationStatus.RELEASED)
    StockLevel.objects.filter(
        sku_id=reservation.sku_id, warehouse_id=reservation.warehouse_id
    ).update(reserved=F("reserved") - reservation.quantity, updated_at=timezone.now())
    sync_listings(actor=None, sku_ids=[reservation.sku_id])
    return reservation


@transaction.atomic
def consume_reservation(
    *, actor: Any, reservation_id: int, ref: str = "", bin_id: int | None = None
) -> StockMove:
    """Ship reserved stock: the reservation becomes a sale move (ref = the waybill number).
    Raises ReservationClosed if it was already released or shipped."""
    if len(ref) > 100:
        raise InvalidMove("ref", _("The reference is at most 100 characters."))
    reservation = _close(reservation_id, ReservationStatus.CONSUMED)
    quantity = reservation.quantity
    if bin_id is not None:
        shipped = MoveInput(reservation.sku_id, -quantity, MoveKind.SALE, bin_id=bin_id)
        _check_bins([(shipped, reservation.warehouse_id)])
    StockLevel.objects.filter(
        sku_id=reservation.sku_id, warehouse_id=reservation.warehouse_id
    ).update(
        on_hand=F("on_hand") - quantity,
        reserved=F("reserved") - quantity,
        updated_at=timezone.now(),
    )
    move = StockMove.objects.create(
        sku_id=reservation.sku_id,
        warehouse_id=reservation.warehouse_id,
        bin_id=bin_id,
        kind=MoveKind.SALE,
        quantity=-quantity,
        source_type=reservation.source_type,
        source_id=reservation.source_id,
        ref=ref,
        actor_id=_actor_id(actor),
    )
    daily_sales.add_moves([(move.sku_id, move.kind, move.quantity)], at=move.created_at)
    return move
