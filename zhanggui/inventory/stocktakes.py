"""Stocktakes (盘点): create a count, snapshot what the books expect when counting starts,
record counts (scans, typed quantities, imported sheets), and post the differences.

The posting rule. A count is compared with the snapshot taken when counting started, and
the difference `counted − expected` is posted as a stocktake move against the CURRENT
balance. Sales shipped and goods received while people were counting are already in the
ledger and in the balance; posting the difference keeps them, where setting the balance to
the counted number would erase them. This is exact when a shelf is counted as it stood at
the snapshot, which is how the shop counts: start counting, count each bin in one go.

Uncounted SKUs stay as they are by default: a blank on a sheet usually means nobody got to
that shelf, not that it is empty, and zeroing it would wipe real stock. "Uncounted means
zero" is a choice made when posting, for a count known to be complete.

Locks: the stocktake row first, then balances (post_moves). Starting a count locks the
warehouse row before the stocktake, so two counts of the same SKUs cannot start at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.catalog.models import Sku
from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput, NotFound
from zhanggui.core.models import AuditAction
from zhanggui.inventory.models import (
    Bin,
    MoveKind,
    SkuBin,
    StockLevel,
    StockMove,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
    Warehouse,
)
from zhanggui.inventory.services import IN_CHUNK, MoveInput, post_moves

SOURCE_TYPE: Final = "stocktake"
LINE_BATCH: Final = 2000
MAX_COUNT: Final = 1_000_000
VALUES_CHUNK: Final = 400  # rows per UPDATE ... FROM (VALUES ...): 2 parameters each
_S = StocktakeStatus
TRANSITIONS: Final[dict[StocktakeStatus, frozenset[StocktakeStatus]]] = {
    _S.DRAFT: frozenset({_S.COUNTING, _S.CANCELLED}),
    _S.COUNTING: frozenset({_S.POSTED, _S.CANCELLED}),
    _S.POSTED: frozenset(),
    _S.CANCELLED: frozenset(),
}


class StocktakeNotFound(NotFound):
    code = "stocktake_not_found"
    default_message = gettext_lazy("No such stocktake.")


class InvalidStocktakeTransition(Conflict):
    code = "invalid_transition"
    default_message = gettext_lazy("This stocktake cannot do that in its current status.")


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(stocktake_id: int) -> Stocktake:
    stocktake = Stocktake.objects.select_for_update().filter(pk=stocktake_id).first()
    if stocktake is None:
        raise StocktakeNotFound()
    return stocktake


def _check(stocktake: Stocktake, to: StocktakeStatus) -> None:
    current = StocktakeStatus(stocktake.status)
    if to not in TRANSITIONS[current]:
        raise InvalidStocktakeTransition(
            _("A stocktake cannot go from %(current)s to %(to)s.")
            % {"current": current.label, "to": to.label},
            current=current.value,
            to=to.value,
        )


def _transition(stocktake: Stocktake, to: StocktakeStatus, **values: Any) -> None:
    """Change the status of a locked stocktake; raises InvalidStocktakeTransition."""
    _check(stocktake, to)
    Stocktake.objects.filter(pk=stocktake.pk).update(status=to.value, **values)
    for name, value in {"status": to.value, **values}.items():
        setattr(stocktake, name, value)


def _status_audit(actor: Any, stocktake: Stocktake, before: str, note: str = "") -> None:
    audit.record(
        actor=actor,
        instance=stocktake,
        action=AuditAction.UPDATE,
        changes={"status": {"before": before, "after": stocktake.status}},
        note=note,
    )


@transaction.atomic
def create_stocktake(
    *,
    actor: Any,
    warehouse_id: int,
    bin_ids: Sequence[int] = (),
    sku_ids: Sequence[int] = (),
    blind: bool = True,
    note: str = "",
) -> Stocktake:
    """A draft count of a warehouse: of every SKU with stock or a bin there (no bins and no
    SKUs given), or of the SKUs placed in `bin_ids` plus `sku_ids`. Nothing is counted or
    snapshotted yet. Raises InvalidInput (warehouse, bins, skus, note)."""
    warehouse = Warehouse.objects.filter(pk=warehouse_id, is_active=True).first()
    if warehouse is None:
        raise InvalidInput({"warehouse": [_("Choose an active warehouse.")]})
    bins = list(Bin.objects.filter(pk__in=set(bin_ids)))
    if len(bins) != len(set(bin_ids)) or any(b.warehouse_id != warehouse.pk for b in bins):
        raise InvalidInput({"bins": [_("Choose bins of this warehouse.")]})
    skus = sorted(set(sku_ids))
    if len(skus) != Sku.objects.filter(pk__in=skus).count():
        raise InvalidInput({"skus": [_("Some of these SKUs do not exist.")]})
    if len(note) > 255:
        raise InvalidInput({"note": [_("The note is at most 255 characters.")]})
    stocktake = Stocktake.objects.create(
        warehouse=warehouse,
        is_full=not bins and not skus,
        blind=blind,
        note=note.strip(),
        created_by=_user(actor),
    )
    number = f"PD{timezone.localdate():%Y%m%d}-{stocktake.pk:04d}"
    Stocktake.objects.filter(pk=stocktake.pk).update(number=number)
    stocktake.number = number
    stocktake.bins.set(bins)
    stocktake.skus.set(skus)
    audit.record_creation(
        actor=actor, instance=stocktake, fields=["warehouse", "is_full", "blind", "note"]
    )
    return stocktake


def _scope(stocktake: Stocktake) -> list[int]:
    """The SKU ids a count covers, decided when counting starts."""
    warehouse_id = stocktake.warehouse_id
    if stocktake.is_full:
        stocked = StockLevel.objects.filter(warehouse_id=warehouse_id).filter(
            Q(on_hand__gt=0) | Q(reserved__gt=0)
        )
        placed = SkuBin.objects.filter(bin__warehouse_id=warehouse_id)
        ids = set(stocked.values_list("sku_id", flat=True))
        return sorted(ids | set(placed.values_list("sku_id", flat=True)))
    bin_ids = list(stocktake.bins.values_list("pk", flat=True))
    ids = set(SkuBin.objects.filter(bin_id__in=bin_ids).values_list("sku_id", flat=True))
    return sorted(ids | set(stocktake.skus.values_list("pk", flat=True)))


def _bin_codes(warehouse_id: int, sku_ids: Sequence[int]) -> dict[int, str]:
    """Each SKU's bins in this warehouse, primary first, as the sheet prints them."""
    places: dict[int, list[str]] = {}
    for chunk in _chunks(sku_ids):
        rows = SkuBin.objects.filter(bin__warehouse_id=warehouse_id, sku_id__in=chunk)
        ordered = rows.order_by("sku_id", "-is_primary", "bin__code")
        for sku_id, code in ordered.values_list("sku_id", "bin__code"):
            places.setdefault(sku_id, []).append(code)
    return {sku_id: " ".join(codes)[:200] for sku_id, codes in places.items()}


def _create_lines(
    stocktake: Stocktake, expected: Mapping[int, int], *, found: bool = False
) -> None:
    sku_ids = sorted(expected)
    bins, costs = _bin_codes(stocktake.warehouse_id, sku_ids), _costs(sku_ids)
    StocktakeLine.objects.bulk_create(
        [
            StocktakeLine(
                stocktake=stocktake,
                sku_id=sku_id,
                bin_codes=bins.get(sku_id, ""),
                expected=expected[sku_id],
                unit_cost=costs.get(sku_id),
                found_during_count=found,
            )
            for sku_id in sku_ids
        ],
        batch_size=LINE_BATCH,
    )


def _costs(sku_ids: Sequence[int]) -> dict[int, Decimal | None]:
    costs: dict[int, Decimal | None] = {}
    for chunk in _chunks(sku_ids):
        costs.update(Sku.objects.filter(pk__in=chunk).values_list("pk", "cost_price"))
    return costs


def _clashing_count(stocktake: Stocktake, sku_ids: Sequence[int]) -> str | None:
    """The number of another count of this warehouse under way that covers some of these
    SKUs: both would post the same difference. A whole-warehouse count clashes with any."""
    others = Stocktake.objects.filter(
        warehouse_id=stocktake.warehouse_id, status=StocktakeStatus.COUNTING
    ).exclude(pk=stocktake.pk)
    if stocktake.is_full or others.filter(is_full=True).exists():
        return others.values_list("number", flat=True).first()
    for chunk in _chunks(sku_ids):
        shared = StocktakeLine.objects.filter(stocktake__in=others, sku_id__in=chunk)
        number = shared.values_list("stocktake__number", flat=True).first()
        if number:
            return number
    return None


@transaction.atomic
def start_counting(*, actor: Any, stocktake_id: int) -> Stocktake:
    """Snapshot the expected on hand of every SKU in scope and open the count (draft →
    counting). Raises InvalidStocktakeTransition, or Conflict when another count of this
    warehouse that is under way covers some of the same SKUs (both would post the same
    difference)."""
    warehouse_id = Stocktake.objects.filter(pk=stocktake_id).values_list("warehouse_id").first()
    if warehouse_id is None:
        raise StocktakeNotFound()
    list(Warehouse.objects.select_for_update().filter(pk=warehouse_id[0]))
    stocktake = _lock(stocktake_id)
    _check(stocktake, StocktakeStatus.COUNTING)
    sku_ids = _scope(stocktake)
    clash = _clashing_count(stocktake, sku_ids)
    if clash:
        raise Conflict(
            _("Stocktake %(number)s is counting some of the same SKUs; post or cancel it first.")
            % {"number": clash}
        )
    on_hand = dict(
        StockLevel.objects.filter(warehouse_id=stocktake.warehouse_id).values_list(
            "sku_id", "on_hand"
        )
    )
    _create_lines(stocktake, {sku_id: on_hand.get(sku_id, 0) for sku_id in sku_ids})
    _transition(stocktake, StocktakeStatus.COUNTING, started_at=timezone.now())
    _status_audit(actor, stocktake, StocktakeStatus.DRAFT, note=f"{len(sku_ids)} SKUs")
    return stocktake


def _expected_at_start(stocktake: Stocktake, sku_ids: Sequence[int]) -> dict[int, int]:
    """On hand when counting started, from the ledger: for SKUs found on the shelves that
    the snapshot did not list (their balance may have moved since)."""
    totals: dict[int, int] = {}
    for chunk in _chunks(sku_ids):
        rows = (
            StockMove.objects.filter(
                warehouse_id=stocktake.warehouse_id,
                sku_id__in=chunk,
                created_at__lte=stocktake.started_at,
            )
            .order_by()
            .values("sku_id")
            .annotate(total=Sum("quantity"))
        )
        totals.update({row["sku_id"]: row["total"] or 0 for row in rows})
    return {sku_id: totals.get(sku_id, 0) for sku_id in sku_ids}


def _open_for_counting(stocktake_id: int) -> Stocktake:
    stocktake = _lock(stocktake_id)
    if stocktake.status != StocktakeStatus.COUNTING:
        raise InvalidStocktakeTransition(
            _("Counts are entered only while the stocktake is counting (it is %(status)s).")
            % {"status": stocktake.get_status_display()}
        )
    return stocktake


def find_sku(code: str) -> Sku | None:
    """The SKU a scanner or a person gave: merchant code first, then barcode."""
    code = code.strip()
    if not code:
        return None
    found = list(
        Sku.objects.select_related("product").filter(Q(merchant_code=code) | Q(barcode=code))
    )
    by_code = [sku for sku in found if sku.merchant_code == code]
    return next(iter(by_code or found), None)


@transaction.atomic
def record_count(
    *, actor: Any, stocktake_id: int, code: str, quantity: int = 1, set_total: bool = False
) -> StocktakeLine:
    """One scan or typed count: add `quantity` (default 1; negative undoes a double scan)
    to the SKU's count, or with `set_total` make it the SKU's counted total.

    Raises InvalidInput on `code` (unknown, or not on a count limited to some bins or SKUs)
    or `quantity` (not a whole number, total below zero), InvalidStocktakeTransition when
    the stocktake is not counting."""
    stocktake = _open_for_counting(stocktake_id)
    sku = find_sku(code)
    if sku is None:
        raise InvalidInput({"code": [_("No SKU has the code %(code)s.") % {"code": code.strip()}]})
    if not isinstance(quantity, int) or isinstance(quantity, bool) or abs(quantity) > MAX_COUNT:
        raise InvalidInput({"quantity": [_("A count is a whole number.")]})
    line = StocktakeLine.objects.filter(stocktake=stocktake, sku=sku).first()
    if line is None:
        if not stocktake.is_full:
            raise InvalidInput(
                {"code": [_("%(code)s is not on this stocktake.") % {"code": sku.merchant_code}]}
            )
        _create_lines(stocktake, _expected_at_start(stocktake, [sku.pk]), found=True)
        line = StocktakeLine.objects.get(stocktake=stocktake, sku=sku)
    total = quantity if set_total else (line.counted or 0) + quantity
    if total < 0:
        raise InvalidInput(
            {
                "quantity": [
                    _("The count of %(code)s cannot go below 0.") % {"code": sku.merchant_code}
                ]
            }
        )
    # The stocktake row lock serialises every count of this stocktake, so this
    # read-then-write cannot lose a concurrent scan.
    line.counted, line.counted_at, line.counted_by = total, timezone.now(), _user(actor)
    line.save(update_fields=["counted", "counted_at", "counted_by"])
    line.sku = sku
    return line


@transaction.atomic
def apply_counts(
    *, actor: Any, stocktake_id: int, counts: Mapping[int, int], add: bool = False
) -> int:
    """Counted totals by SKU id, as an imported sheet gives them: they replace what was
    counted before, or with `add` are added to it (two people, two sheets). SKUs not on the
    count are added to a whole-warehouse count and refused (InvalidInput) otherwise.
    Returns the number of lines changed. Callers check the values (whole, ≥ 0) first."""
    stocktake = _open_for_counting(stocktake_id)
    if any(value < 0 for value in counts.values()):
        raise InvalidInput({"counted": [_("A count cannot be negative.")]})
    lines = dict(StocktakeLine.objects.filter(stocktake=stocktake).values_list("sku_id", "pk"))
    missing = sorted(set(counts) - set(lines))
    if missing and not stocktake.is_full:
        raise InvalidInput({"sku": [_("Some SKUs are not on this stocktake.")]})
    if missing:
        _create_lines(stocktake, _expected_at_start(stocktake, missing), found=True)
        lines.update(
            StocktakeLine.objects.filter(stocktake=stocktake, sku_id__in=missing).values_list(
                "sku_id", "pk"
            )
        )
    _write_counts(lines, counts, add=add, actor_id=getattr(_user(actor), "pk", None))
    return len(counts)


def _write_counts(
    lines: Mapping[int, int], counts: Mapping[int, int], *, add: bool, actor_id: int | None
) -> None:
    """UPDATE ... FROM (VALUES ...) in chunks: one statement per few hundred lines, where
    bulk_update's CASE WHEN grows with the square of the batch and executemany pays a round
    trip per line on PostgreSQL. VALUES columns are column1, column2 on SQLite (3.33+) and
    PostgreSQL alike; the casts type them for PostgreSQL."""
    if not counts:
        return
    table = connection.ops.quote_name(StocktakeLine._meta.db_table)
    value = "COALESCE(counted, 0) + v.column2" if add else "v.column2"
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(lines[sku_id], count) for sku_id, count in counts.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), VALUES_CHUNK):
            chunk = rows[start : start + VALUES_CHUNK]
            values = ", ".join(["(CAST(%s AS bigint), CAST(%s AS integer))"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET counted = {value}, counted_at = %s, counted_by_id = %s "  # noqa: S608 (our own table name; values are parameters)
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                [stamp, actor_id, *(item for row in chunk for item in row)],
            )


def difference(expected: int, counted: int | None, *, uncounted_as_zero: bool) -> int:
    """What posting changes for one line (see the module docstring)."""
    if counted is None:
        return -expected if uncounted_as_zero else 0
    return counted - expected


@dataclass(frozen=True)
class PostResult:
    stocktake: Stocktake
    moves: int
    units_added: int
    units_removed: int


@transaction.atomic
def post_stocktake(*, actor: Any, stocktake_id: int, uncounted_as_zero: bool = False) -> PostResult:
    """Post every difference as a stocktake move (counted − expected, applied to the current
    balance) and close the count (counting → posted), all or nothing.

    Raises InsufficientStock (nothing posted) when a decrease would take stock that is
    reserved for orders or already gone; InvalidStocktakeTransition when not counting."""
    stocktake = _lock(stocktake_id)
    _check(stocktake, StocktakeStatus.POSTED)
    rows = StocktakeLine.objects.filter(stocktake=stocktake).values_list(
        "sku_id", "expected", "counted", "unit_cost"
    )
    moves = []
    for sku_id, expected, counted, unit_cost in rows.iterator(chunk_size=LINE_BATCH):
        change = difference(expected, counted, uncounted_as_zero=uncounted_as_zero)
        if change:
            moves.append(
                MoveInput(
                    sku_id,
                    change,
                    MoveKind.STOCKTAKE,
                    warehouse_id=stocktake.warehouse_id,
                    unit_cost=unit_cost,
                    source_type=SOURCE_TYPE,
                    source_id=str(stocktake.pk),
                    ref=stocktake.number or "",
                )
            )
    post_moves(actor=actor, moves=moves)
    _transition(
        stocktake,
        StocktakeStatus.POSTED,
        posted_at=timezone.now(),
        posted_by=_user(actor),
        uncounted_as_zero=uncounted_as_zero,
    )
    added = sum(move.quantity for move in moves if move.quantity > 0)
    removed = -sum(move.quantity for move in moves if move.quantity < 0)
    note = f"{len(moves)} moves, +{added} / -{removed}"
    if uncounted_as_zero:
        note += ", uncounted = 0"
    _status_audit(actor, stocktake, StocktakeStatus.COUNTING, note=note)
    return PostResult(stocktake, len(moves), added, removed)


@transaction.atomic
def cancel_stocktake(*, actor: Any, stocktake_id: int, note: str = "") -> Stocktake:
    """Drop a draft or a count under way; nothing is posted. Raises
    InvalidStocktakeTransition once posted or cancelled."""
    stocktake = _lock(stocktake_id)
    before = stocktake.status
    _transition(stocktake, StocktakeStatus.CANCELLED, cancelled_at=timezone.now())
    _status_audit(actor, stocktake, before, note=note.strip()[:255])
    return stocktake
