"""Tracking updates (物流跟踪), imported from the couriers' files (an API comes later).

Each line (运单号, 状态, 时间, 描述) becomes a TrackingEvent with the parcel status its
status words mean (已揽收/运输中/派送中 in transit, 已签收 delivered, 问题件 problem,
退回/拒收 undeliverable). A parcel takes the status of its latest event, unless a claim made
it lost or damaged or it has not shipped yet. Undeliverable parcels are marked for
deduction from the monthly bill. Imports are all or nothing and idempotent."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, ImportRejected, NotFound, RowError
from zhanggui.core.models import AuditAction
from zhanggui.core.tabular import Row, read_table
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier, Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import TrackingEvent
from zhanggui.fulfillment.services.dispatch_files import TRACKING_ALIASES, Column, SheetReader

CHUNK: Final = 1000
# Statuses tracking may change; lost/damaged belong to claims, earlier ones to the warehouse.
TRACKED_STATUSES: Final = frozenset(
    {
        ParcelStatus.SHIPPED,
        ParcelStatus.IN_TRANSIT,
        ParcelStatus.DELIVERED,
        ParcelStatus.PROBLEM,
        ParcelStatus.UNDELIVERABLE,
    }
)
# The couriers' words, most telling first: "退回签收" is a return, "未签收" a problem.
STATUS_WORDS: Final[tuple[tuple[ParcelStatus, tuple[str, ...]], ...]] = (
    (ParcelStatus.UNDELIVERABLE, ("拒收", "退回", "退件", "退签", "返回寄件人", "返件", "无法派送", "无法投递", "undeliverable", "returned", "refused", "return to sender")),
    (ParcelStatus.PROBLEM, ("问题件", "疑难", "异常", "滞留", "未签收", "签收失败", "派送失败", "投递失败", "地址错误", "延误", "problem", "exception", "failed", "delayed")),
    (ParcelStatus.DELIVERED, ("已签收", "签收", "妥投", "已取件", "已投递", "delivered", "signed")),
    (ParcelStatus.IN_TRANSIT, ("已揽收", "揽收", "揽件", "收件", "已收寄", "运输中", "在途", "转运", "中转", "到达", "发往", "已发出", "派送中", "派件", "正在派送", "待取件", "驿站", "快递柜", "in transit", "picked up", "collected", "out for delivery", "arrived", "departed")),
)  # fmt: skip
TRACKING_COLUMNS: Final = (
    Column("tracking_no", "运单号", TRACKING_ALIASES),
    Column("status", "状态", ("物流状态", "快件状态", "运单状态", "当前状态", "status")),
    Column("time", "时间", ("更新时间", "扫描时间", "操作时间", "发生时间", "最后更新时间", "time", "date", "datetime")),
    Column("description", "描述", ("详情", "物流详情", "轨迹", "跟踪信息", "物流信息", "内容", "description", "detail", "details")),
)  # fmt: skip


class ParcelNotFound(NotFound):
    code = "parcel_not_found"
    default_message = gettext_lazy("No such parcel.")


class ParcelNotTracked(Conflict):
    code = "parcel_not_tracked"
    default_message = gettext_lazy("The parcel has not left the warehouse or is under a claim.")


def status_for(word: str) -> ParcelStatus | None:
    """The parcel status a courier's status text means, or None when no word is known."""
    text = unicodedata.normalize("NFKC", word).casefold().strip()
    if not text:
        return None
    for status, words in STATUS_WORDS:
        if any(known in text for known in words):
            return status
    return None


def known_words() -> str:
    return "、".join(words[0] for _status, words in STATUS_WORDS)


@dataclass(frozen=True)
class _Line:
    row: int
    tracking_no: str
    status: ParcelStatus
    courier_status: str
    happened_at: datetime
    description: str


@dataclass
class TrackingImport:
    rows: int = 0
    added: int = 0
    already_known: int = 0  # lines imported before (or twice in this file)
    parcels_updated: int = 0
    unknown_numbers: list[str] = field(default_factory=list)
    not_shipped: list[str] = field(default_factory=list)  # events kept, status left alone
    ignored_columns: list[str] = field(default_factory=list)


def _read(filename: str, content: bytes) -> tuple[list[_Line], list[str]]:
    table = read_table(filename=filename, content=content)
    reader = SheetReader(table, TRACKING_COLUMNS, required=["tracking_no", "status", "time"])
    if reader.errors:
        raise ImportRejected(reader.errors)
    lines = [line for row in table.rows if (line := _line(reader, row)) is not None]
    if reader.errors:
        raise ImportRejected(reader.errors)
    return lines, reader.ignored


def _line(reader: SheetReader, row: Row) -> _Line | None:
    number = reader.tracking_no(row)
    word = reader.cell(row, "status")
    status = status_for(word)
    if not word:
        reader.error(row.number, "status", _("The status is missing."))
    elif status is None:
        reader.error(
            row.number,
            "status",
            _("Unknown status %(value)s; known words: %(words)s.")
            % {"value": word, "words": known_words()},
        )
    happened_at = reader.moment(row, "time")
    if happened_at is not None and happened_at > timezone.now() + timedelta(days=1):
        reader.error(
            row.number,
            "time",
            _("%(value)s is in the future.") % {"value": reader.cell(row, "time")},
        )
        happened_at = None
    if number is None or status is None or happened_at is None:
        return None
    description = reader.cell(row, "description")[:255]
    return _Line(row.number, number, status, word[:40], happened_at, description)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _parcels(numbers: Iterable[str], courier: Courier | None) -> dict[str, list[Parcel]]:
    """Live parcels by tracking number, locked: a claim may be changing one meanwhile."""
    found: dict[str, list[Parcel]] = {}
    for chunk in _chunks(sorted(set(numbers))):
        parcels = Parcel.objects.filter(tracking_no__in=chunk).exclude(
            status=ParcelStatus.CANCELLED
        )
        if courier is not None:
            parcels = parcels.filter(courier=courier)
        for parcel in parcels.select_for_update().order_by("pk"):
            found.setdefault(parcel.tracking_no, []).append(parcel)
    return found


def fingerprint(parcel_id: int, line: _Line) -> str:
    key = "|".join(
        (str(parcel_id), line.happened_at.isoformat(), line.courier_status, line.description)
    )
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def import_tracking(
    *, actor: Any, filename: str, content: bytes, courier_id: int | None = None
) -> TrackingImport:
    """Import a tracking file (CSV/XLSX: 运单号, 状态, 时间, optional 描述; aliases read).

    Tracking numbers we do not know are listed, not refused. Raises ImportRejected (nothing
    saved) naming file, row and column of every bad line, or a tracking number that belongs
    to parcels of several couriers when no courier is chosen."""
    courier = None
    if courier_id is not None:
        courier = Courier.objects.filter(pk=courier_id).first()
        if courier is None:
            raise CourierNotFound()
    lines, ignored = _read(filename, content)
    parcels = _parcels((line.tracking_no for line in lines), courier)
    ambiguous = [
        _ambiguous(filename, line) for line in lines if len(parcels.get(line.tracking_no, [])) > 1
    ]
    if ambiguous:
        raise ImportRejected(ambiguous)
    result = TrackingImport(rows=len(lines), ignored_columns=ignored)
    result.unknown_numbers = sorted({line.tracking_no for line in lines} - set(parcels))
    events = _new_events(actor, filename, lines, parcels, result)
    TrackingEvent.objects.bulk_create(events, batch_size=CHUNK)
    touched = sorted({event.parcel_id for event in events})
    by_id = {parcel.pk: parcel for group in parcels.values() for parcel in group}
    changed = _apply_latest([by_id[pk] for pk in touched])
    result.parcels_updated = len(changed)
    result.not_shipped = sorted(
        {by_id[pk].tracking_no for pk in touched if by_id[pk].status not in TRACKED_STATUSES}
    )
    return result


def _ambiguous(filename: str, line: _Line) -> RowError:
    return RowError(
        file=filename,
        row=line.row,
        field="运单号",
        message=_("%(number)s belongs to parcels of several couriers: choose the courier.")
        % {"number": line.tracking_no},
    )


def _new_events(
    actor: Any,
    filename: str,
    lines: Sequence[_Line],
    parcels: dict[str, list[Parcel]],
    result: TrackingImport,
) -> list[TrackingEvent]:
    wanted: dict[str, TrackingEvent] = {}
    user = actor if getattr(actor, "is_authenticated", False) else None
    for line in lines:
        group = parcels.get(line.tracking_no)
        if not group:
            continue
        parcel = group[0]
        key = fingerprint(parcel.pk, line)
        if key in wanted:
            result.already_known += 1
            continue
        wanted[key] = TrackingEvent(
            parcel=parcel,
            status=line.status,
            courier_status=line.courier_status,
            description=line.description,
            happened_at=line.happened_at,
            fingerprint=key,
            source=filename[:255],
            imported_by=user,
        )
    known: set[str] = set()
    for chunk in _chunks(list(wanted)):
        known.update(
            TrackingEvent.objects.filter(fingerprint__in=chunk).values_list(
                "fingerprint", flat=True
            )
        )
    result.already_known += len(known)
    result.added = len(wanted) - len(known)
    return [event for key, event in wanted.items() if key not in known]


def _latest_events(parcel_ids: Sequence[int]) -> dict[int, tuple[str, datetime]]:
    """Parcel id -> (status, time) of its latest event; ties go to the later import."""
    latest: dict[int, tuple[str, datetime]] = {}
    for chunk in _chunks(list(parcel_ids)):
        rows = (
            TrackingEvent.objects.filter(parcel_id__in=chunk)
            .order_by("parcel_id", "-happened_at", "-pk")
            .values_list("parcel_id", "status", "happened_at")
        )
        for parcel_id, status, happened_at in rows:
            latest.setdefault(parcel_id, (status, happened_at))
    return latest


def _apply_latest(parcels: Sequence[Parcel]) -> list[Parcel]:
    latest = _latest_events([parcel.pk for parcel in parcels])
    now = timezone.now()
    changed: list[Parcel] = []
    for parcel in parcels:
        if parcel.status not in TRACKED_STATUSES or parcel.pk not in latest:
            continue
        status, happened_at = latest[parcel.pk]
        delivered_at = happened_at if status == ParcelStatus.DELIVERED else parcel.delivered_at
        deduct = parcel.deduct_from_bill or status == ParcelStatus.UNDELIVERABLE
        if (parcel.status, parcel.delivered_at, parcel.deduct_from_bill) == (
            status,
            delivered_at,
            deduct,
        ):
            continue
        parcel.status, parcel.delivered_at, parcel.deduct_from_bill = status, delivered_at, deduct
        parcel.updated_at = now
        changed.append(parcel)
    Parcel.objects.bulk_update(
        changed, ["status", "delivered_at", "deduct_from_bill", "updated_at"], batch_size=CHUNK
    )
    return changed


@transaction.atomic
def mark_undeliverable(*, actor: Any, parcel_id: int, note: str = "") -> Parcel:
    """A parcel that cannot be delivered (returned, refused): undeliverable, and marked for
    deduction from the courier's monthly bill. Audited.

    Raises ParcelNotTracked unless the parcel has shipped and is not under a claim."""
    parcel = Parcel.objects.select_for_update().filter(pk=parcel_id).first()
    if parcel is None:
        raise ParcelNotFound()
    if parcel.status not in TRACKED_STATUSES:
        raise ParcelNotTracked()
    before = audit.snapshot(parcel, ("status", "deduct_from_bill"))
    parcel.status = ParcelStatus.UNDELIVERABLE
    parcel.deduct_from_bill = True
    parcel.save(update_fields=["status", "deduct_from_bill", "updated_at"])
    audit.record(
        actor=actor,
        instance=parcel,
        action=AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(parcel, ("status", "deduct_from_bill"))),
        note=note.strip() or _("Marked undeliverable"),
    )
    return parcel


def events_of(parcel: Parcel) -> list[TrackingEvent]:
    return list(parcel.tracking_events.order_by("-happened_at", "-pk"))
