"""Reserving stock for many documents at once (e.g. the review rules approving a few hundred
orders in one transaction), with exactly the outcome of calling services.reserve() for
every request in turn, but with one lock, one insert and one update per balance.

Same concurrency rules as inventory.services: balances are locked (select_for_update, in
(sku_id, warehouse_id) order) before anything is read, then reserved counters change by
relative updates under that lock, with the check constraints as the last guard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.inventory.exceptions import InvalidMove, ReservationMismatch
from zhanggui.inventory.listing_sync import sync_listings
from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel, Warehouse
from zhanggui.inventory.services import default_warehouse, lock_levels

IN_CHUNK: Final = 900  # ids per IN (...) list, under SQLite's 999 variables


@dataclass(frozen=True)
class ReservationRequest:
    sku_id: int
    quantity: int
    source_type: str  # the document, as for services.reserve
    source_id: str


@dataclass
class GroupResult:
    """One group's outcome: its reservations, or (nothing reserved) the request that found
    too little stock, shaped as InsufficientStock.lines."""

    reservations: list[Reservation] = field(default_factory=list)
    shortage: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_reserved(self) -> bool:
        return not self.shortage


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _check(request: ReservationRequest) -> None:
    quantity = request.quantity
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidMove("qty", _("The quantity must be at least 1."))
    if not request.source_type or not request.source_id:
        raise InvalidMove("source", _("A reservation names the document it holds stock for."))
    if len(request.source_type) > 32 or len(request.source_id) > 64:
        raise InvalidMove("source", _("The document reference is too long."))


def _existing(
    requests: Sequence[ReservationRequest],
) -> dict[tuple[str, str, int], Reservation]:
    """Active reservations already held for these (source, SKU) pairs."""
    found: dict[tuple[str, str, int], Reservation] = {}
    by_type: dict[str, list[str]] = defaultdict(list)
    for request in requests:
        by_type[request.source_type].append(request.source_id)
    for source_type, source_ids in by_type.items():
        for chunk in _chunks(sorted(set(source_ids))):
            query = Reservation.objects.filter(
                source_type=source_type, source_id__in=chunk, status=ReservationStatus.ACTIVE
            )
            for reservation in query:
                key = (reservation.source_type, reservation.source_id, reservation.sku_id)
                found[key] = reservation
    return found


@transaction.atomic
def reserve_many(
    *,
    actor: Any,
    groups: Sequence[Sequence[ReservationRequest]],
    warehouse_id: int | None = None,
) -> list[GroupResult]:
    """Reserve each group of requests all or nothing, group after group in the given order,
    out of available stock of one warehouse (None: the default one), as services.reserve
    called for each request in turn inside one savepoint per group would:

    - a group whose every request fits is reserved; the first request that does not fit
      makes the group reserve nothing and reports that request (requested, and what was
      available at that point), and later groups go on with the stock it left;
    - a (source, SKU) that already holds an active reservation of the same quantity is
      that reservation (idempotent, no stock taken); of another quantity or warehouse:
      ReservationMismatch, nothing reserved at all.

    Raises InvalidMove for bad input. Listings follow the stock once, at the end."""
    requests = [request for group in groups for request in group]
    for request in requests:
        _check(request)
    if not requests:
        return [GroupResult() for _group in groups]
    warehouse_id = warehouse_id or default_warehouse().pk
    levels = lock_levels({(request.sku_id, warehouse_id) for request in requests})
    existing = _existing(requests)
    for request in requests:
        held = existing.get((request.source_type, request.source_id, request.sku_id))
        if held is not None and (
            held.quantity != request.quantity or held.warehouse_id != warehouse_id
        ):
            raise ReservationMismatch()
    available = {sku_id: level.available for (sku_id, _w), level in levels.items()}
    results: list[GroupResult] = []
    new: list[Reservation] = []
    for group in groups:
        result, taken = _reserve_group(group, available, existing, warehouse_id)
        results.append(result)
        if result.is_reserved:
            for sku_id, quantity in taken.items():
                available[sku_id] -= quantity
            new.extend(r for r in result.reservations if r.pk is None)
    _save(new, levels, warehouse_id)
    _fill_shortages(results, warehouse_id)
    return results


def _reserve_group(
    group: Sequence[ReservationRequest],
    available: dict[int, int],
    existing: dict[tuple[str, str, int], Reservation],
    warehouse_id: int,
) -> tuple[GroupResult, dict[int, int]]:
    taken: dict[int, int] = defaultdict(int)
    reservations: list[Reservation] = []
    for request in group:
        key = (request.source_type, request.source_id, request.sku_id)
        held = existing.get(key)
        if held is not None:
            reservations.append(held)
            continue
        left = available[request.sku_id] - taken[request.sku_id]
        if left < request.quantity:
            shortage = {"sku_id": request.sku_id, "requested": request.quantity, "available": left}
            return GroupResult(shortage=[shortage]), {}
        taken[request.sku_id] += request.quantity
        reservation = Reservation(
            sku_id=request.sku_id,
            warehouse_id=warehouse_id,
            quantity=request.quantity,
            source_type=request.source_type,
            source_id=request.source_id,
        )
        reservations.append(reservation)
    # A later group naming the same (source, SKU) finds this one, as reserve() would.
    for reservation in reservations:
        existing[(reservation.source_type, reservation.source_id, reservation.sku_id)] = reservation
    return GroupResult(reservations=reservations), taken


def _save(
    new: list[Reservation], levels: dict[tuple[int, int], StockLevel], warehouse_id: int
) -> None:
    if not new:
        return
    Reservation.objects.bulk_create(new, batch_size=500)
    reserved: dict[int, int] = defaultdict(int)
    for reservation in new:
        reserved[reservation.sku_id] += reservation.quantity
    _add_reserved(
        [(levels[(sku_id, warehouse_id)].pk, reserved[sku_id]) for sku_id in sorted(reserved)]
    )
    sync_listings(actor=None, sku_ids=reserved)  # the last unit reserved sells a SKU out


def _add_reserved(changes: Sequence[tuple[int, int]]) -> None:
    """Add to each balance's reserved count: [(stock level id, units)], relative, under the
    balances' locks (a row each is a few thousand statements for a big batch, so: one
    statement over two arrays on PostgreSQL, one prepared statement run per row on SQLite,
    as inventory.bulk_sql does for on hand)."""
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS level SET reserved = level.reserved + change.quantity, "  # noqa: S608 (our own table name)
                "updated_at = %s FROM unnest(%s::bigint[], %s::integer[]) AS change(id, quantity) "
                "WHERE level.id = change.id",
                [stamp, [level_id for level_id, _n in changes], [n for _id, n in changes]],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET reserved = reserved + %s, updated_at = %s WHERE id = %s",  # noqa: S608 (our own table name)
            [(units, stamp, level_id) for level_id, units in changes],
        )


def _fill_shortages(results: Sequence[GroupResult], warehouse_id: int) -> None:
    short = [result.shortage[0] for result in results if result.shortage]
    if not short:
        return
    codes: dict[int, str] = {}
    for chunk in _chunks(sorted({line["sku_id"] for line in short})):
        codes.update(Sku.objects.filter(pk__in=chunk).values_list("pk", "merchant_code"))
    warehouse = Warehouse.objects.filter(pk=warehouse_id).values_list("code", flat=True).first()
    for line in short:
        sku_id = line.pop("sku_id")
        line.update(
            {
                "merchant_code": codes.get(sku_id, ""),
                "warehouse": warehouse or "",
                "requested": line.pop("requested"),
                "available": line.pop("available"),
            }
        )
