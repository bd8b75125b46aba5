"""Handovers (交接单) and waybill stubs (底单), DOMAIN.md §6.

At pickup the courier takes the parcels we shipped (the ship step posted the stock and told
the channel): a handover lists each of them once, is printed for both sides to sign, and
keeps what the courier wrote per parcel (weight, price) to compare with our scales and our
price table. The signed stubs are filed by day and courier, counted against the day's
shipments, and archived after 15 days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, ImportRejected, InvalidInput, NotFound, RowError
from zhanggui.core.models import AuditAction
from zhanggui.core.tabular import Row, read_table
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier, Handover, Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import HandoverCheck
from zhanggui.fulfillment.services.dispatch_files import (
    TRACKING_ALIASES,
    Column,
    SheetReader,
    weight_tolerance_g,
)
from zhanggui.fulfillment.services.rates import Quoter

# Shipped parcels not yet on a handover; tracking may already say "in transit" when the
# pickup was recorded late.
HANDOVER_STATUSES: Final = (ParcelStatus.SHIPPED, ParcelStatus.IN_TRANSIT)
STUB_KEEP_DAYS: Final = 15
MAX_CHECK_ROWS: Final = 20_000


class HandoverNotFound(NotFound):
    code = "handover_not_found"
    default_message = gettext_lazy("No such handover.")


class ParcelsAlreadyHandedOver(Conflict):
    code = "parcels_already_handed_over"
    default_message = gettext_lazy("Some parcels are not waiting for a handover any more.")


# ---------------------------------------------------------------- handovers


def parcels_awaiting_handover(courier: Courier | int) -> QuerySet[Parcel]:
    """The courier's shipped parcels that no handover lists yet, oldest first."""
    return (
        Parcel.objects.filter(courier=courier, status__in=HANDOVER_STATUSES, handover__isnull=True)
        .select_related("order")
        .order_by("shipped_at", "pk")
    )


def count_awaiting_by_courier() -> dict[int, int]:
    """Courier id -> shipped parcels waiting for a handover (one query)."""
    rows = (
        Parcel.objects.filter(status__in=HANDOVER_STATUSES, handover__isnull=True)
        .values_list("courier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def count_parcels_awaiting_handover() -> int:
    return Parcel.objects.filter(status__in=HANDOVER_STATUSES, handover__isnull=True).count()


@transaction.atomic
def create_handover(
    *, actor: Any, courier_id: int, parcel_ids: Sequence[int] | None = None, note: str = ""
) -> Handover:
    """A handover of the courier's shipped parcels: the ones given, or every parcel waiting.

    All or nothing: raises ParcelsAlreadyHandedOver (naming them) when a given parcel is not
    a shipped parcel of this courier waiting for a handover, InvalidInput when none is."""
    # Two people recording the same pickup queue up on the courier row.
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    waiting = parcels_awaiting_handover(courier)
    if parcel_ids is not None:
        wanted = set(parcel_ids)
        chosen = list(waiting.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = wanted - set(chosen)
        if missing:
            numbers = sorted(
                Parcel.objects.filter(pk__in=missing).values_list("tracking_no", flat=True)
            )
            raise ParcelsAlreadyHandedOver(
                _("Not waiting for a handover with %(courier)s: %(numbers)s.")
                % {"courier": courier.name, "numbers": ", ".join(numbers) or "—"},
                tracking_numbers=numbers,
            )
    else:
        chosen = list(waiting.values_list("pk", flat=True))
    if not chosen:
        raise InvalidInput(
            {
                "parcels": [
                    _("No shipped parcels of %(courier)s are waiting.") % {"courier": courier.name}
                ]
            }
        )
    handover = Handover.objects.create(courier=courier, created_by=_user(actor), note=note.strip())
    moved = Parcel.objects.filter(
        pk__in=chosen, handover__isnull=True, status__in=HANDOVER_STATUSES
    ).update(handover=handover, updated_at=timezone.now())
    if moved != len(chosen):  # another pickup took some meanwhile: nothing by half
        raise ParcelsAlreadyHandedOver()
    audit.record(
        actor=actor,
        instance=handover,
        action=AuditAction.CREATE,
        changes={
            "courier": {"before": None, "after": courier.code},
            "parcels": {"before": None, "after": str(moved)},
            "note": {"before": None, "after": handover.note},
        },
    )
    return handover


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def get_handover(handover_id: int) -> Handover:
    handover = (
        Handover.objects.select_related("courier", "created_by").filter(pk=handover_id).first()
    )
    if handover is None:
        raise HandoverNotFound()
    return handover


# ---------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class ManifestRow:
    parcel_id: int
    order_id: int
    tracking_no: str
    order_no: str
    province: str
    city: str
    weight_g: int  # our scales, else the estimate
    weighed: bool


@dataclass
class Manifest:
    handover: Handover
    rows: list[ManifestRow]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def total_weight_g(self) -> int:
        return sum(row.weight_g for row in self.rows)


def manifest(handover: Handover) -> Manifest:
    """The parcels of a handover as printed for signing, in tracking-number order."""
    parcels = (
        handover.parcels.select_related("order")
        .only(
            "pk",
            "tracking_no",
            "weight_g",
            "estimated_weight_g",
            "order__id",
            "order__order_no",
            "order__receiver_province",
            "order__receiver_city",
        )
        .order_by("tracking_no")
    )
    rows = [
        ManifestRow(
            parcel_id=parcel.pk,
            order_id=parcel.order.pk,
            tracking_no=parcel.tracking_no,
            order_no=parcel.order.order_no,
            province=parcel.order.receiver_province,
            city=parcel.order.receiver_city,
            weight_g=parcel.weight_g if parcel.weight_g is not None else parcel.estimated_weight_g,
            weighed=parcel.weight_g is not None,
        )
        for parcel in parcels
    ]
    return Manifest(handover=handover, rows=rows)


# ---------------------------------------------------------------- the courier's figures


@dataclass(frozen=True)
class CheckInput:
    tracking_no: str
    weight_g: int | None
    price: Decimal | None
    row: int = 0


CHECK_COLUMNS: Final = (
    Column("tracking_no", "运单号", TRACKING_ALIASES),
    Column("weight_kg", "重量(kg)", ("重量", "称重", "称重重量", "实际重量", "快递员称重", "计费重量", "weight", "weight (kg)", "weight_kg")),
    Column("weight_g", "重量(g)", ("重量(克)", "weight (g)", "weight_g", "克重")),
    Column("price", "运费", ("价格", "费用", "金额", "运费(元)", "price", "freight", "amount")),
)  # fmt: skip


def read_checks(*, filename: str, content: bytes) -> list[CheckInput]:
    """The courier's weights and prices per tracking number from a CSV/XLSX file (运单号,
    重量(kg) or 重量(g), 运费). Other columns are ignored.

    Raises ImportRejected naming every bad row, UnreadableFile for a file that is no table."""
    table = read_table(filename=filename, content=content, max_rows=MAX_CHECK_ROWS)
    reader = SheetReader(table, CHECK_COLUMNS, required=["tracking_no"])
    if not (reader.has("weight_kg") or reader.has("weight_g") or reader.has("price")):
        reader.error(table.header_row, "weight_kg", _("Give the weight or the price column."))
    if reader.has("weight_kg") and reader.has("weight_g"):
        reader.error(table.header_row, "weight_g", _("Give the weight in kg or in g, not both."))
    if reader.errors:
        raise ImportRejected(reader.errors)
    entries = [entry for row in table.rows if (entry := _check_row(reader, row)) is not None]
    if reader.errors:
        raise ImportRejected(reader.errors)
    return entries


def _check_row(reader: SheetReader, row: Row) -> CheckInput | None:
    known_errors = len(reader.errors)
    number = reader.tracking_no(row)
    if reader.has("weight_g"):
        weight = reader.weight_g(row, "weight_g", unit_g=1, required=False)
    else:
        weight = reader.weight_g(row, "weight_kg", unit_g=1000, required=False)
    price = reader.amount(row, "price", required=False)
    if number is None:
        return None
    if weight is None and price is None and len(reader.errors) == known_errors:
        reader.error(row.number, "weight_kg", _("Give the weight or the price."))
        return None
    return CheckInput(number, weight, price, row.number)


def parse_checks_text(text: str) -> list[CheckInput]:
    """Pasted lines "tracking number, weight in kg[, price]" (spaces, tabs or commas).

    Raises ImportRejected naming every bad line."""
    lines = ["运单号,重量(kg),运费"]
    for line in text.splitlines():
        parts = [part for part in line.replace("\t", " ").replace(",", " ").split(" ") if part]
        lines.append(",".join(parts[:3]) if parts else "")
    if len(lines) == 1 or not any(lines[1:]):
        raise InvalidInput({"checks": [_("Enter at least one line.")]})
    content = "\n".join(lines).encode()
    # Line 1 of the text is row 2 of the table made from it: errors name the line.
    try:
        entries = read_checks(filename=_("pasted lines"), content=content)
    except ImportRejected as rejected:
        for error in rejected.errors:
            error.row -= 1
        raise ImportRejected(rejected.errors) from None
    return [
        CheckInput(entry.tracking_no, entry.weight_g, entry.price, entry.row - 1)
        for entry in entries
    ]


@dataclass(frozen=True)
class ChecksSaved:
    saved: int
    unchanged: int


@transaction.atomic
def record_checks(*, actor: Any, handover_id: int, entries: Sequence[CheckInput]) -> ChecksSaved:
    """Save what the courier wrote for parcels of this handover (a later entry for the
    same parcel replaces the earlier one). All or nothing: raises ImportRejected naming each
    tracking number that is not on this handover or that is given twice."""
    handover = Handover.objects.select_for_update().filter(pk=handover_id).first()
    if handover is None:
        raise HandoverNotFound()
    parcels = {number: pk for pk, number in handover.parcels.values_list("pk", "tracking_no")}
    problems: list[RowError] = []
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.tracking_no not in parcels:
            problems.append(_error(entry, _("%(number)s is not on this handover.")))
        elif entry.tracking_no in seen:
            problems.append(
                _error(entry, _("%(number)s is also on row %(row)d."), row=seen[entry.tracking_no])
            )
        else:
            seen[entry.tracking_no] = entry.row
    if problems:
        raise ImportRejected(problems)
    existing = {check.parcel_id: check for check in handover.checks.all()}
    saved = unchanged = 0
    for entry in entries:
        parcel_id = parcels[entry.tracking_no]
        check = existing.get(parcel_id)
        if check and (check.courier_weight_g, check.courier_price) == (entry.weight_g, entry.price):
            unchanged += 1
            continue
        HandoverCheck.objects.update_or_create(
            parcel_id=parcel_id,
            defaults={
                "handover": handover,
                "courier_weight_g": entry.weight_g,
                "courier_price": entry.price,
                "entered_by": _user(actor),
            },
        )
        saved += 1
    if saved:
        audit.record(
            actor=actor,
            instance=handover,
            action=AuditAction.UPDATE,
            changes={"courier_figures": {"before": None, "after": str(saved)}},
            note=_("Courier's weights and prices entered"),
        )
    return ChecksSaved(saved=saved, unchanged=unchanged)


def _error(entry: CheckInput, message: str, **extra: Any) -> RowError:
    text = message % {"number": entry.tracking_no, **extra}
    return RowError(row=entry.row, field="运单号", message=text)


@dataclass(frozen=True)
class CheckRow:
    manifest: ManifestRow
    courier_weight_g: int | None
    courier_price: Decimal | None
    our_price: Decimal | None  # our price table at our weight
    weight_difference_g: int | None
    price_difference: Decimal | None
    weight_differs: bool
    price_differs: bool


@dataclass
class Comparison:
    rows: list[CheckRow]
    tolerance_g: int
    entered: int = 0
    differences: list[CheckRow] = field(default_factory=list)


def compare_checks(handover: Handover, *, tolerance_g: int | None = None) -> Comparison:
    """Each parcel of the handover with what the courier wrote next to ours: the weight
    differs when it is off by more than the tolerance; the price when it is not what our
    price table asks for our weight (to the parcel's province)."""
    tolerance = weight_tolerance_g() if tolerance_g is None else tolerance_g
    listed = manifest(handover).rows
    checks = {check.parcel_id: check for check in handover.checks.all()}
    quoter = Quoter()
    result = Comparison(rows=[], tolerance_g=tolerance)
    for row in listed:
        check = checks.get(row.parcel_id)
        courier_weight = check.courier_weight_g if check else None
        courier_price = check.courier_price if check else None
        our_price = quoter.quote(handover.courier, row.province, row.weight_g)
        weight_diff = None if courier_weight is None else courier_weight - row.weight_g
        price_diff = (
            None if courier_price is None or our_price is None else courier_price - our_price
        )
        compared = CheckRow(
            manifest=row,
            courier_weight_g=courier_weight,
            courier_price=courier_price,
            our_price=our_price,
            weight_difference_g=weight_diff,
            price_difference=price_diff,
            weight_differs=weight_diff is not None and abs(weight_diff) > tolerance,
            price_differs=bool(price_diff),
        )
        result.rows.append(compared)
        if check:
            result.entered += 1
        if compared.weight_differs or compared.price_differs:
            result.differences.append(compared)
    return result


# ---------------------------------------------------------------- stubs


@dataclass
class StubDay:
    day: date
    courier_id: int
    courier_code: str = ""
    courier_name: str = ""
    shipped: int = 0  # parcels of this courier shipped that day
    handed_over: int = 0  # parcels on that day's handovers (the stubs kept)
    handovers: int = 0
    unarchived: int = 0  # handovers whose stubs are not archived yet

    @property
    def missing(self) -> int:
        return self.shipped - self.handed_over

    @property
    def archived(self) -> bool:
        return self.handovers > 0 and self.unarchived == 0

    def is_due(self, today: date) -> bool:
        return self.unarchived > 0 and self.day <= today - timedelta(days=STUB_KEEP_DAYS)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def archive_due_before() -> datetime:
    """Handovers made before this moment have stubs due for archiving (15 full days)."""
    today = timezone.localdate()
    return _local_midnight(today - timedelta(days=STUB_KEEP_DAYS - 1))


def stub_days(*, first_day: date, last_day: date, due_only: bool = False) -> list[StubDay]:
    """Per day and courier (the shop's days): parcels shipped, parcels on handovers (stubs),
    handovers and how many are not archived. Newest day first. `due_only` keeps the days
    with stubs due for archiving, whatever their age."""
    zone = timezone.get_current_timezone()
    days: dict[tuple[date, int], StubDay] = {}
    start, end = _local_midnight(first_day), _local_midnight(last_day + timedelta(days=1))
    if due_only:
        start, end = _local_midnight(date(2000, 1, 1)), archive_due_before()
    handovers = Handover.objects.filter(created_at__gte=start, created_at__lt=end)
    if due_only:
        handovers = handovers.filter(stubs_archived_at__isnull=True)
    for day, courier_id, count, unarchived in (
        handovers.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "courier")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(stubs_archived_at__isnull=True)))
        .values_list("day", "courier", "n", "open")
        .order_by()
    ):
        entry = days.setdefault((day, courier_id), StubDay(day, courier_id))
        entry.handovers, entry.unarchived = count, unarchived
    for day, courier_id, count in (
        Parcel.objects.filter(handover__in=handovers)
        .annotate(day=TruncDate("handover__created_at", tzinfo=zone))
        .values("day", "handover__courier")
        .annotate(n=Count("pk"))
        .values_list("day", "handover__courier", "n")
        .order_by()
    ):
        days.setdefault((day, courier_id), StubDay(day, courier_id)).handed_over = count
    shipped = Parcel.objects.filter(shipped_at__gte=start, shipped_at__lt=end).exclude(
        status=ParcelStatus.CANCELLED
    )
    for day, courier_id, count in (
        shipped.annotate(day=TruncDate("shipped_at", tzinfo=zone))
        .values("day", "courier")
        .annotate(n=Count("pk"))
        .values_list("day", "courier", "n")
        .order_by()
    ):
        if due_only and (day, courier_id) not in days:
            continue
        days.setdefault((day, courier_id), StubDay(day, courier_id)).shipped = count
    couriers = {c.pk: c for c in Courier.objects.filter(pk__in={key[1] for key in days})}
    for entry in days.values():
        entry.courier_code = couriers[entry.courier_id].code
        entry.courier_name = couriers[entry.courier_id].name
    return sorted(days.values(), key=lambda entry: (-entry.day.toordinal(), entry.courier_code))


def count_stubs_to_archive() -> int:
    """Handovers older than 15 days whose stubs are not archived (one COUNT)."""
    return Handover.objects.filter(
        created_at__lt=archive_due_before(), stubs_archived_at__isnull=True
    ).count()


@transaction.atomic
def archive_stubs(*, actor: Any, courier_id: int, day: date) -> int:
    """Mark the stubs of the courier's handovers of that day (the shop's day) archived;
    returns how many handovers were marked. Days to come cannot be archived."""
    if day > timezone.localdate():
        raise InvalidInput({"day": [_("That day has not come yet.")]})
    if not Courier.objects.filter(pk=courier_id).exists():
        raise CourierNotFound()
    handovers = list(
        Handover.objects.select_for_update().filter(
            courier_id=courier_id,
            created_at__gte=_local_midnight(day),
            created_at__lt=_local_midnight(day + timedelta(days=1)),
            stubs_archived_at__isnull=True,
        )
    )
    if not handovers:
        raise InvalidInput({"day": [_("No stubs of that day are waiting to be archived.")]})
    now = timezone.now()
    Handover.objects.filter(pk__in=[h.pk for h in handovers]).update(
        stubs_archived_at=now, updated_at=now
    )
    for handover in handovers:
        audit.record(
            actor=actor,
            instance=handover,
            action=AuditAction.UPDATE,
            changes={"stubs_archived_at": {"before": None, "after": now.isoformat()}},
        )
    return len(handovers)
