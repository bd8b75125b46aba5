"""The monthly courier bill: read strictly (unknown columns, bad weights, duplicates, a wrong
total row: nothing saved), matched by tracking number, every finding counted and summed,
exported, sent to finance."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import ImportRejected, InvalidInput
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.models_after import BillStatus, CourierBill, CourierBillLine
from zhanggui.fulfillment.services import bill_report, bills
from zhanggui.fulfillment.services.bills import BillAlreadyImported, BillLocked
from zhanggui.fulfillment.tests.factories_dispatch import (
    courier,
    csv_file,
    make_parcel,
    price_table,
)

pytestmark = pytest.mark.django_db
HEADER = ["运单号", "寄件日期", "目的省份", "计费重量(kg)", "运费"]
MONTH = date(2026, 4, 1)
IN_APRIL = timezone.make_aware(datetime(2026, 4, 10, 15, 0))  # noqa: DTZ001 (the shop's time)


def _import(rows, *, header=HEADER, actor=None, filename="sto-2026-04.csv", **options):
    return bills.import_bill(
        actor=actor,
        courier_id=courier().pk,
        month=MONTH,
        filename=filename,
        content=csv_file(header, rows),
        **options,
    )


@pytest.fixture
def april():
    """Six STO parcels shipped in April to Zhejiang (8.00 + 2.00 per started kg)."""
    price_table()
    return {
        name: make_parcel(tracking_no=number, weight_g=weight, shipped_at=IN_APRIL, **extra)
        for name, number, weight, extra in (
            ("ok", "7700000000101", 800, {}),
            ("heavier", "7700000000102", 900, {}),
            ("dearer", "7700000000103", 1500, {}),
            ("lost", "7700000000104", 800, {"status": ParcelStatus.LOST, "deduct_from_bill": True}),
            ("returned", "7700000000105", 800, {"status": ParcelStatus.UNDELIVERABLE}),
            ("not_billed", "7700000000106", 800, {}),
        )
    }


def _april_rows():
    return [
        ["7700000000101", "2026-04-10", "浙江", "1", "8.00"],
        ["7700000000102", "2026-04-10", "浙江省", "1.1", "10.00"],  # we weighed 0.9 kg
        ["7700000000103", "2026-04-10", "浙江省", "2", "12.50"],  # table: 10.00
        ["7700000000104", "2026-04-10", "浙江省", "1", "8.00"],
        ["7700000000105", "2026-04-10", "浙江省", "1", "8.00"],
        ["7799999999999", "2026-04-11", "浙江省", "1", "8.00"],  # not ours
    ]


def test_a_bill_is_matched_and_every_finding_summed(april, manager):
    bill = _import(_april_rows(), actor=manager)
    assert (bill.line_count, bill.billed_total, bill.status) == (
        6,
        Decimal("54.50"),
        BillStatus.RECONCILED,
    )
    lines = {line.tracking_no: line for line in bill.lines.all()}
    ok = lines["7700000000101"]
    assert (ok.parcel_id, ok.our_weight_g, ok.expected_amount, ok.table_amount) == (
        april["ok"].pk,
        800,
        Decimal("8.00"),
        Decimal("8.00"),
    )
    assert (ok.weight_differs, ok.price_differs, ok.deduction) == (False, False, False)
    heavier = lines["7700000000102"]
    assert (heavier.weight_differs, heavier.price_differs) == (True, False)
    assert (heavier.table_amount, heavier.expected_amount) == (Decimal("10.00"), Decimal("8.00"))
    dearer = lines["7700000000103"]
    assert (dearer.weight_differs, dearer.price_differs) == (False, True)
    assert lines["7700000000104"].deduction_reason == "lost"
    assert lines["7700000000105"].deduction_reason == "undeliverable"
    assert lines["7799999999999"].parcel_id is None

    summary = bill_report.summarize(bill)
    assert summary.not_ours == bill_report.Finding(1, Decimal("8.00"))
    assert summary.weight == bill_report.Finding(1, Decimal("2.00"))
    assert summary.price == bill_report.Finding(1, Decimal("2.50"))
    assert summary.deductions == bill_report.Finding(2, Decimal("16.00"))
    assert summary.not_billed == 1
    assert summary.difference_total == Decimal("28.50")
    assert summary.to_pay == Decimal("26.00")
    assert [p.pk for p in bill_report.not_billed(bill)] == [april["not_billed"].pk]
    assert entries_for(bill).get().action == "create"


def test_rounding_up_to_billed_kilograms_is_no_weight_difference(april):
    bill = _import([["7700000000103", "2026-04-10", "浙江省", "2", "10.00"]])
    line = bill.lines.get()
    assert (line.weight_differs, line.price_differs) == (False, False)


def test_the_tolerance_decides_a_weight_difference(april):
    rows = [["7700000000102", "2026-04-10", "浙江省", "1.1", "10.00"]]
    bill = _import(rows, weight_tolerance_g=300)
    assert not bill.lines.get().weight_differs


def test_the_province_of_our_order_prices_a_line_without_one(april):
    bill = _import([["7700000000101", "8.00", "1"]], header=["运单号", "运费", "计费重量(kg)"])
    line = bill.lines.get()
    assert (line.table_amount, line.price_differs) == (Decimal("8.00"), False)


def test_a_province_without_a_price_is_counted(april):
    bill = _import([["7700000000101", "2026-04-10", "西藏", "1", "30.00"]])
    line = bill.lines.get()
    assert line.table_amount is None
    assert bill_report.summarize(bill).no_price == 1


def test_the_same_bill_twice_is_refused(april):
    _import(_april_rows())
    with pytest.raises(BillAlreadyImported) as refused:
        _import(_april_rows())
    assert "sto-2026-04.csv" not in str(refused.value.message)
    assert CourierBill.objects.count() == 1
    assert CourierBillLine.objects.count() == 6


def test_a_second_statement_for_the_month_is_refused_until_the_first_is_deleted(april, manager):
    first = _import(_april_rows())
    corrected = [*_april_rows()[:-1]]
    with pytest.raises(BillAlreadyImported):
        _import(corrected)
    bills.delete_bill(actor=manager, bill_id=first.pk)
    assert _import(corrected).line_count == 5


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            [*HEADER, "快递员手机"],
            ["7700000000101", "2026-04-10", "浙江省", "1", "8.00", "139"],
            (1, "快递员手机"),
        ),
        (
            ["运单号", "寄件日期", "目的省份", "运费"],
            ["7700000000101", "2026-04-10", "浙江省", "8"],
            (1, "计费重量(kg)"),
        ),
        (HEADER, ["7700000000101", "2026-04-10", "浙江省", "一公斤", "8.00"], (2, "计费重量(kg)")),
        (HEADER, ["7700000000101", "2026-04-10", "浙江省", "-1", "8.00"], (2, "计费重量(kg)")),
        (HEADER, ["7700000000101", "2026-04-10", "浙江省", "1.0004", "8.00"], (2, "计费重量(kg)")),
        (HEADER, ["7700000000101", "2026-04-10", "浙江省", "1", "-8.00"], (2, "运费")),
        (HEADER, ["7700000000101", "2026-04-10", "浙江省", "1", "8.001"], (2, "运费")),
        (HEADER, ["7700000000101", "四月十日", "浙江省", "1", "8.00"], (2, "寄件日期")),
        (HEADER, ["", "2026-04-10", "浙江省", "1", "8.00"], (2, "运单号")),
    ],
)
def test_a_bad_statement_names_file_row_and_column_and_saves_nothing(header, row, expected):
    with pytest.raises(ImportRejected) as rejected:
        _import([row], header=header)
    errors = [(error.row, error.field) for error in rejected.value.errors]
    assert errors == [expected]
    assert rejected.value.errors[0].file == "sto-2026-04.csv"
    assert not CourierBill.objects.exists()


def test_a_tracking_number_twice_in_one_bill_names_both_rows():
    rows = [
        ["7700000000101", "2026-04-10", "浙江省", "1", "8.00"],
        ["7700000000102", "2026-04-10", "浙江省", "1", "8.00"],
        ["7700000000101", "2026-04-11", "浙江省", "1", "8.00"],
    ]
    with pytest.raises(ImportRejected) as rejected:
        _import(rows)
    [error] = rejected.value.errors
    assert (error.row, error.field) == (4, "运单号")
    assert "row 2" in str(error.message)
    assert not CourierBill.objects.exists()


def test_a_total_row_must_add_up():
    rows = [
        ["7700000000101", "2026-04-10", "浙江省", "1", "8.00"],
        ["7700000000102", "2026-04-10", "浙江省", "1", "8.00"],
    ]
    assert _import([*rows, ["合计", "", "", "", "16.00"]]).line_count == 2
    CourierBill.objects.all().delete()
    with pytest.raises(ImportRejected) as rejected:
        _import([*rows, ["合计", "", "", "", "17.00"]])
    assert [(error.row, error.field) for error in rejected.value.errors] == [(4, "运费")]


def test_a_row_after_the_total_row_is_refused():
    rows = [
        ["合计", "", "", "", "8.00"],
        ["7700000000101", "2026-04-10", "浙江省", "1", "8.00"],
    ]
    with pytest.raises(ImportRejected) as rejected:
        _import(rows)
    assert rejected.value.errors[0].row == 3


def test_known_statement_columns_are_ignored_and_grams_read():
    header = ["序号", "运单号", "收件人", "计费重量(g)", "金额", "备注"]
    bill = _import([["1", "7700000000101", "张三", "1200", "10.00", ""]], header=header)
    assert bill.lines.get().billed_weight_g == 1200


@pytest.mark.parametrize("tolerance", [-1, 5001])
def test_a_tolerance_out_of_range_is_refused(tolerance):
    with pytest.raises(InvalidInput):
        _import(
            [["7700000000101", "2026-04-10", "浙江省", "1", "8.00"]], weight_tolerance_g=tolerance
        )


def test_a_month_to_come_is_refused():
    with pytest.raises(InvalidInput):
        bills.import_bill(
            actor=None,
            courier_id=courier().pk,
            month=date(2999, 1, 1),
            filename="x.csv",
            content=csv_file(HEADER, [["7700000000101", "", "", "1", "8"]]),
        )


def test_matching_again_picks_up_parcels_marked_since(april, manager):
    bill = _import(_april_rows())
    april["ok"].status = ParcelStatus.DAMAGED
    april["ok"].save()
    bills.rematch_bill(actor=manager, bill_id=bill.pk, weight_tolerance_g=300)
    assert bill_report.summarize(bill).deductions.count == 3
    bill.refresh_from_db()
    assert bill.weight_tolerance_g == 300
    assert not bill.lines.filter(weight_differs=True).exists()


def test_the_bill_goes_to_finance_and_then_cannot_change(april, manager):
    bill = _import(_april_rows())
    bill = bills.send_to_finance(actor=manager, bill_id=bill.pk, note="四月申通")
    assert (bill.status, bill.sent_by, bill.note) == (
        BillStatus.SENT_TO_FINANCE,
        manager,
        "四月申通",
    )
    assert bill.sent_at is not None
    assert bills.count_bills_to_check() == 1
    for change in (bills.rematch_bill, bills.delete_bill, bills.send_to_finance):
        with pytest.raises(BillLocked):
            change(actor=manager, bill_id=bill.pk)
    bill = bills.mark_checked(actor=manager, bill_id=bill.pk)
    assert (bill.status, bill.checked_by) == (BillStatus.CHECKED, manager)
    assert bills.count_bills_to_check() == 0
    assert entries_for(bill).filter(action="update").count() == 2


def test_the_export_lists_findings_parcels_not_billed_and_totals(april):
    rows = _april_rows()
    rows[0][2] = "=1+1"  # no province we know: priced to our order's, exported as text
    bill = _import(rows)
    book = load_workbook(io.BytesIO(bill_report.export_bill(bill)))
    rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert rows[0][:3] == ["结果", "行号", "运单号"]
    by_number = {row[2]: row for row in rows[1:] if row[2]}
    assert by_number["7799999999999"][0] == "Not ours"
    assert by_number["7700000000106"][0] == "Ours, not billed"
    assert by_number["7700000000103"][10] == 2.5
    totals = {row[0]: row[6] for row in rows if row[0] and row[1] is None and row[6] is not None}
    assert float(totals["Difference total"]) == 28.5
    assert float(totals["To pay after differences"]) == 26.0
    assert by_number["7700000000101"][4] == "'=1+1"
    assert by_number["7700000000101"][0] == "OK"


def test_parse_month_reads_common_spellings():
    assert bills.parse_month("2026-05") == date(2026, 5, 1)
    assert bills.parse_month("2026/5") == date(2026, 5, 1)
    assert bills.parse_month("202605") == date(2026, 5, 1)
    with pytest.raises(InvalidInput):
        bills.parse_month("May")
