"""The courier bill's report: findings counted and summed, the lines of each section, our
parcels not billed, and the XLSX export for finance (formula-safe)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core.money import round_money
from zhanggui.core.tabular import Cell, write_xlsx
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import CourierBill, CourierBillLine
from zhanggui.fulfillment.services.bill_matching import month_range

CHUNK: Final = 2000
ZERO: Final = Decimal("0.00")


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Finding:
    count: int
    amount: Decimal


@dataclass(frozen=True)
class BillSummary:
    lines: int
    billed_total: Decimal
    not_ours: Finding
    not_billed: int
    weight: Finding  # money: our table at the billed weight minus at our weight
    price: Finding  # money: billed minus our table at the billed weight
    deductions: Finding  # money: the freight billed for those parcels
    no_price: int  # our lines our price table cannot price

    @property
    def difference_total(self) -> Decimal:
        return round_money(
            self.not_ours.amount + self.weight.amount + self.price.amount + self.deductions.amount
        )

    @property
    def to_pay(self) -> Decimal:
        return round_money(self.billed_total - self.difference_total)


def _money(value: Any) -> Decimal:
    return round_money(value) if value is not None else ZERO


def not_billed(bill: CourierBill) -> QuerySet[Parcel]:
    """Our parcels of the courier shipped in the bill's month that the bill does not list."""
    start, end = month_range(bill.month)
    billed = CourierBillLine.objects.filter(bill=bill, parcel__isnull=False).values("parcel_id")
    return (
        Parcel.objects.filter(courier_id=bill.courier_id, shipped_at__gte=start, shipped_at__lt=end)
        .exclude(status=ParcelStatus.CANCELLED)
        .exclude(pk__in=billed)
        .select_related("order")
        .order_by("shipped_at", "pk")
    )


def summarize(bill: CourierBill) -> BillSummary:
    """The bill's findings counted and summed (one aggregate query, one count)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    weight_q = Q(weight_differs=True, table_amount__isnull=False, expected_amount__isnull=False)
    totals = bill.lines.aggregate(
        lines=Count("pk"),
        billed=Sum("amount"),
        not_ours=Count("pk", filter=Q(parcel__isnull=True)),
        not_ours_amount=Sum("amount", filter=Q(parcel__isnull=True)),
        weight=Count("pk", filter=Q(weight_differs=True)),
        weight_amount=Sum(F("table_amount") - F("expected_amount"), filter=weight_q, output_field=money),
        price=Count("pk", filter=Q(price_differs=True)),
        price_amount=Sum(F("amount") - F("table_amount"), filter=Q(price_differs=True), output_field=money),
        deductions=Count("pk", filter=Q(deduction=True)),
        deduction_amount=Sum("amount", filter=Q(deduction=True)),
        no_price=Count("pk", filter=Q(parcel__isnull=False, deduction=False, table_amount__isnull=True)),
    )  # fmt: skip
    return BillSummary(
        lines=totals["lines"],
        billed_total=_money(totals["billed"]),
        not_ours=Finding(totals["not_ours"], _money(totals["not_ours_amount"])),
        not_billed=not_billed(bill).count(),
        weight=Finding(totals["weight"], _money(totals["weight_amount"])),
        price=Finding(totals["price"], _money(totals["price_amount"])),
        deductions=Finding(totals["deductions"], _money(totals["deduction_amount"])),
        no_price=totals["no_price"],
    )


SECTIONS: Final[dict[str, Q]] = {
    "not_ours": Q(parcel__isnull=True),
    "weight": Q(weight_differs=True),
    "price": Q(price_differs=True),
    "deductions": Q(deduction=True),
    "no_price": Q(parcel__isnull=False, deduction=False, table_amount__isnull=True),
}


def section_lines(bill: CourierBill, section: str) -> QuerySet[CourierBillLine]:
    lines = bill.lines.select_related("parcel", "parcel__order").order_by("row_number")
    return lines.filter(SECTIONS[section]) if section in SECTIONS else lines


def findings_of(line: CourierBillLine) -> list[str]:
    if line.parcel_id is None:
        return [str(_("Not ours"))]
    found: list[str] = []
    if line.deduction:
        reason = line.deduction_reason
        label = ParcelStatus(reason).label if reason in ParcelStatus.values else reason
        found.append(_("Deduct (%(status)s)") % {"status": label})
    if line.weight_differs:
        found.append(str(_("Weight differs")))
    if line.price_differs:
        found.append(str(_("Price differs")))
    if line.table_amount is None and not line.deduction:
        found.append(str(_("No price in our table")))
    return found


# ---------------------------------------------------------------- export

EXPORT_HEADER: Final = (
    "结果", "行号", "运单号", "寄件日期", "目的省份", "计费重量(kg)", "运费", "我方重量(kg)",
    "价格表(计费重量)", "价格表(我方重量)", "差额", "订单号",
)  # fmt: skip


def _kg(grams: int | None) -> Decimal | None:
    return None if grams is None else Decimal(grams) / 1000


def _line_cells(line: CourierBillLine, order_no: str) -> list[Cell]:
    found = findings_of(line)
    difference: Decimal | None
    if line.parcel_id is None or line.deduction:
        difference = line.amount
    elif line.expected_amount is not None and (line.weight_differs or line.price_differs):
        difference = line.amount - line.expected_amount
    elif line.price_differs and line.table_amount is not None:
        difference = line.amount - line.table_amount
    else:
        difference = None
    return [
        "；".join(found) or str(_("OK")),
        line.row_number,
        line.tracking_no,
        line.sent_on,
        line.province,
        _kg(line.billed_weight_g),
        line.amount,
        _kg(line.our_weight_g),
        line.table_amount,
        line.expected_amount,
        difference,
        order_no,
    ]


def _export_rows(bill: CourierBill, summary: BillSummary) -> Iterator[list[Cell]]:
    lines = bill.lines.select_related("parcel__order").only(
        *(f.name for f in CourierBillLine._meta.concrete_fields if f.name != "bill"),
        "parcel__order__order_no",
    )
    for line in lines.order_by("row_number").iterator(chunk_size=CHUNK):
        yield _line_cells(line, line.parcel.order.order_no if line.parcel else "")
    for parcel in not_billed(bill).iterator(chunk_size=CHUNK):
        yield [
            str(_("Ours, not billed")), None, parcel.tracking_no,
            timezone.localtime(parcel.shipped_at).date() if parcel.shipped_at else None,
            parcel.order.receiver_province, None, None, _kg(parcel.weight_g), None,
            parcel.estimated_cost, None, parcel.order.order_no,
        ]  # fmt: skip
    yield []
    for label, value in (
        (_("Billed total"), summary.billed_total),
        (_("Not ours"), summary.not_ours.amount),
        (_("Weight differences"), summary.weight.amount),
        (_("Price differences"), summary.price.amount),
        (_("Deductions"), summary.deductions.amount),
        (_("Difference total"), summary.difference_total),
        (_("To pay after differences"), summary.to_pay),
    ):
        yield [str(label), None, None, None, None, None, value]


def export_bill(bill: CourierBill) -> bytes:
    """The bill with its findings as XLSX (every line, our parcels not billed, the totals);
    text cells are formula-safe."""
    summary = summarize(bill)
    return write_xlsx(
        EXPORT_HEADER,
        _export_rows(bill, summary),
        sheet_title=f"{bill.courier.code} {bill.month:%Y-%m}",
    )
