"""The monthly courier bill (月结账单), DOMAIN.md §6: check every shipment and unit price
against the courier's statement; deduct lost, damaged and undeliverable parcels.

An import reads the statement (CSV/XLSX: 运单号, 寄件日期, 目的省份, 计费重量(kg), 运费;
aliases read), refuses it whole on any bad row or unknown column, and matches each line by
tracking number against our parcels of that courier. Each line then says: not ours; a
deduction (the parcel is lost, damaged or undeliverable: we do not pay its freight); a
weight difference (the billed weight is off ours by more than the tolerance and is not just
ours rounded up to billed kilograms); a price difference (the amount is not what our price
table asks for the billed weight). Our parcels shipped that month and not billed are listed
too (bill_report.py). Matching and writing are built for 100,000 lines in seconds
(bill_matching.py)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, ImportRejected, InvalidInput, NotFound, RowError
from zhanggui.core.models import AuditAction
from zhanggui.core.money import round_money
from zhanggui.core.tabular import Row, header_key, read_table
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier
from zhanggui.fulfillment.models_after import BillStatus, CourierBill
from zhanggui.fulfillment.services.bill_matching import (
    Line,
    insert_lines,
    match_lines,
    read_lines,
    update_matches,
)
from zhanggui.fulfillment.services.dispatch_files import (
    TRACKING_ALIASES,
    Column,
    SheetReader,
    weight_tolerance_g,
)

MAX_BILL_ROWS: Final = 200_000
MAX_TOLERANCE_G: Final = 5000
ZERO: Final = Decimal("0.00")
BILL_COLUMNS: Final = (
    Column("tracking_no", "运单号", TRACKING_ALIASES),
    Column("sent_on", "寄件日期", ("发件日期", "揽收日期", "寄件时间", "揽收时间", "发货日期", "日期", "date", "sent on", "ship date")),
    Column("province", "目的省份", ("目的地", "到达省份", "收件省份", "目的省", "省份", "province", "destination")),
    Column("weight_kg", "计费重量(kg)", ("计费重量", "结算重量", "结算重量(kg)", "重量(kg)", "重量", "billed weight", "billed weight (kg)", "weight", "weight (kg)")),
    Column("weight_g", "计费重量(g)", ("结算重量(g)", "重量(g)", "weight (g)", "weight_g")),
    Column("amount", "运费", ("金额", "运费(元)", "金额(元)", "费用", "应付金额", "结算金额", "总运费", "amount", "freight", "fee")),
)  # fmt: skip
# Columns statements carry that the check does not need: read past, never refused.
IGNORABLE_COLUMNS: Final = (
    "序号", "编号", "no", "no.", "寄件人", "收件人", "收件人电话", "收件地址", "目的城市", "城市",
    "目的市", "始发地", "始发省份", "寄件网点", "揽收网点", "网点", "备注", "件数", "实际重量",
    "实际重量(kg)", "产品类型", "业务类型", "快递公司", "付款方式", "首重", "续重", "首重价格",
    "续重价格", "体积", "订单号", "index", "remark", "note", "city", "quantity",
)  # fmt: skip
TOTAL_WORDS: Final = frozenset(header_key(word) for word in ("合计", "总计", "合计：", "total"))


class BillNotFound(NotFound):
    code = "bill_not_found"
    default_message = gettext_lazy("No such courier bill.")


class BillAlreadyImported(Conflict):
    code = "bill_already_imported"
    default_message = gettext_lazy("This courier bill is imported already.")


class BillLocked(Conflict):
    code = "bill_locked"
    default_message = gettext_lazy("The bill has gone to finance; it cannot change.")


# ---------------------------------------------------------------- reading the statement


def _reader(filename: str, content: bytes) -> tuple[SheetReader, list[Row]]:
    table = read_table(filename=filename, content=content, max_rows=MAX_BILL_ROWS)
    reader = SheetReader(
        table,
        BILL_COLUMNS,
        required=["tracking_no", ("weight_kg", "weight_g"), "amount"],
        ignorable=IGNORABLE_COLUMNS,
    )
    if reader.errors:  # a column is missing, doubled or unknown: the rows cannot be read
        raise ImportRejected(reader.errors)
    return reader, table.rows


def read_bill(*, filename: str, content: bytes) -> list[Line]:
    """The statement's lines. A total row (合计/总计 in the tracking-number column) must be
    last and equal the sum of the lines. Raises ImportRejected naming file, row and column
    of every problem (unknown columns, bad numbers, a tracking number given twice)."""
    reader, table_rows = _reader(filename, content)
    weight_field, unit = ("weight_g", 1) if reader.has("weight_g") else ("weight_kg", 1000)
    rows: list[Line] = []
    first_row: dict[str, int] = {}
    total: tuple[int, Decimal | None] | None = None
    for row in table_rows:
        if header_key(reader.cell(row, "tracking_no")) in TOTAL_WORDS:
            total = (row.number, reader.amount(row, "amount", required=False))
            continue
        if total is not None:
            reader.error(row.number, "tracking_no", _("A row after the total row."))
        number = reader.tracking_no(row)
        weight = reader.weight_g(row, weight_field, unit_g=unit)
        amount = reader.amount(row, "amount")
        sent_on = reader.day(row, "sent_on")
        if number is not None and number in first_row:
            reader.error(
                row.number,
                "tracking_no",
                _("%(number)s is also on row %(row)d.")
                % {"number": number, "row": first_row[number]},
            )
            continue
        if number is None or weight is None or amount is None:
            continue
        first_row[number] = row.number
        province = reader.cell(row, "province")
        rows.append(Line(row.number, number, sent_on, province[:20], weight, amount))
    if total is not None and total[1] is not None and not reader.errors:
        summed = sum((row.amount for row in rows), ZERO)
        if summed != total[1]:
            reader.error(
                total[0],
                "amount",
                _("The total row says %(total)s but the lines add up to %(sum)s.")
                % {"total": total[1], "sum": summed},
            )
    if reader.errors:
        raise ImportRejected(reader.errors)
    if not rows:
        raise ImportRejected(
            [RowError(file=filename, row=1, field="运单号", message=_("The bill has no lines."))]
        )
    return rows


# ---------------------------------------------------------------- import and rematch


def _check_tolerance(value: int | None) -> int:
    tolerance = weight_tolerance_g() if value is None else value
    if not 0 <= tolerance <= MAX_TOLERANCE_G:
        raise InvalidInput({"weight_tolerance_g": [_("The tolerance is 0 to 5,000 g.")]})
    return tolerance


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


@transaction.atomic
def import_bill(
    *,
    actor: Any,
    courier_id: int,
    month: date,
    filename: str,
    content: bytes,
    weight_tolerance_g: int | None = None,
) -> CourierBill:
    """Import and reconcile a courier's statement for one month (all or nothing).

    Raises BillAlreadyImported for the same file again or a second bill for the courier's
    month, ImportRejected naming every bad row or column, UnreadableFile for no table."""
    tolerance = _check_tolerance(weight_tolerance_g)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise InvalidInput({"month": [_("That month has not come yet.")]})
    # One import per courier at a time: the (courier, month) check below stays true.
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    digest = hashlib.sha256(content).hexdigest()
    _refuse_duplicate(courier, month, digest)
    rows = read_bill(filename=filename, content=content)
    now = timezone.now()
    bill = CourierBill.objects.create(
        courier=courier,
        month=month,
        filename=filename[:255],
        content_hash=digest,
        weight_tolerance_g=tolerance,
        line_count=len(rows),
        billed_total=round_money(sum((row.amount for row in rows), ZERO)),
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        reconciled_at=now,
    )
    match_lines(courier, month, rows, tolerance)
    insert_lines(bill.pk, rows)
    audit.record_creation(
        actor=actor,
        instance=bill,
        fields=("courier", "month", "filename", "line_count", "billed_total", "weight_tolerance_g"),
    )
    return bill


def _refuse_duplicate(courier: Courier, month: date, digest: str) -> None:
    same_file = CourierBill.objects.select_related("courier").filter(content_hash=digest).first()
    if same_file is not None:
        raise BillAlreadyImported(
            _("This file was imported already: the bill of %(courier)s for %(month)s (#%(id)d).")
            % {
                "courier": same_file.courier.name,
                "month": _month_label(same_file.month),
                "id": same_file.pk,
            },
            bill_id=same_file.pk,
        )
    other = CourierBill.objects.filter(courier=courier, month=month).first()
    if other is not None:
        raise BillAlreadyImported(
            _(
                "%(courier)s has a bill for %(month)s already (#%(id)d); delete it before "
                "importing a corrected statement."
            )
            % {"courier": courier.name, "month": _month_label(month), "id": other.pk},
            bill_id=other.pk,
        )


def _locked_bill(bill_id: int) -> CourierBill:
    bill = CourierBill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise BillNotFound()
    return bill


@transaction.atomic
def rematch_bill(*, actor: Any, bill_id: int, weight_tolerance_g: int | None = None) -> CourierBill:
    """Match the bill again (parcels marked lost or undeliverable since, a new tolerance or
    price table). Raises BillLocked once the bill has gone to finance."""
    bill = _locked_bill(bill_id)
    if bill.status != BillStatus.RECONCILED:
        raise BillLocked()
    tolerance = _check_tolerance(
        bill.weight_tolerance_g if weight_tolerance_g is None else weight_tolerance_g
    )
    lines = read_lines(bill.pk)
    before = {line.pk: line.matched() for line in lines}
    match_lines(bill.courier, bill.month, lines, tolerance)
    changed = [line for line in lines if before[line.pk] != line.matched()]
    update_matches(changed)
    snapshot = audit.snapshot(bill, ("weight_tolerance_g",))
    bill.weight_tolerance_g, bill.reconciled_at = tolerance, timezone.now()
    bill.save(update_fields=["weight_tolerance_g", "reconciled_at", "updated_at"])
    audit.record(
        actor=actor,
        instance=bill,
        action=AuditAction.UPDATE,
        changes={
            **audit.diff(snapshot, audit.snapshot(bill, ("weight_tolerance_g",))),
            "lines_changed": {"before": None, "after": str(len(changed))},
        },
        note=_("Reconciled again"),
    )
    return bill


def _move(actor: Any, bill: CourierBill, to: BillStatus, **fields: Any) -> CourierBill:
    names = ("status", *fields)
    before = audit.snapshot(bill, names)
    updated = CourierBill.objects.filter(pk=bill.pk, status=bill.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if updated != 1:  # pragma: no cover (the row is locked)
        raise BillLocked()
    bill.refresh_from_db()
    audit.record(
        actor=actor,
        instance=bill,
        action=AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(bill, names)),
    )
    return bill


@transaction.atomic
def send_to_finance(*, actor: Any, bill_id: int, note: str = "") -> CourierBill:
    """The reconciled bill goes to finance to be checked and paid (who and when kept)."""
    bill = _locked_bill(bill_id)
    if bill.status != BillStatus.RECONCILED:
        raise BillLocked(_("The bill was sent to finance already."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    return _move(
        actor,
        bill,
        BillStatus.SENT_TO_FINANCE,
        sent_by=user,
        sent_at=timezone.now(),
        note=note.strip()[:255] or bill.note,
    )


@transaction.atomic
def mark_checked(*, actor: Any, bill_id: int) -> CourierBill:
    """Finance has checked the bill sent to it."""
    bill = _locked_bill(bill_id)
    if bill.status != BillStatus.SENT_TO_FINANCE:
        raise BillLocked(_("Only a bill sent to finance can be marked checked."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    return _move(actor, bill, BillStatus.CHECKED, checked_by=user, checked_at=timezone.now())


@transaction.atomic
def delete_bill(*, actor: Any, bill_id: int) -> None:
    """Delete a bill not yet sent to finance (to import a corrected statement). Audited."""
    bill = _locked_bill(bill_id)
    if bill.status != BillStatus.RECONCILED:
        raise BillLocked()
    audit.record(
        actor=actor,
        instance=bill,
        action=AuditAction.DELETE,
        changes={"filename": {"before": bill.filename, "after": None}},
    )
    bill.delete()


def get_bill(bill_id: int) -> CourierBill:
    bill = (
        CourierBill.objects.select_related("courier", "imported_by", "sent_by", "checked_by")
        .filter(pk=bill_id)
        .first()
    )
    if bill is None:
        raise BillNotFound()
    return bill


def count_bills_to_check() -> int:
    return CourierBill.objects.filter(status=BillStatus.SENT_TO_FINANCE).count()


def parse_month(text: str) -> date:
    """The month written as 2026-05 (or 2026/5, 202605) as its first day; raises InvalidInput
    for anything else."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    if len(cleaned) == 6 and cleaned.isdigit():
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    try:
        year, month = (int(part) for part in cleaned.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput({"month": [_("Enter the month as 2026-05.")]}) from None
