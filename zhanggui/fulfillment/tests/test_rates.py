"""Price tables: quote arithmetic, priced-as couriers, XLSX/CSV import and export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import ImportRejected, InvalidInput
from zhanggui.core.tabular import UnreadableFile, read_table
from zhanggui.fulfillment.models import Courier, CourierRate
from zhanggui.fulfillment.services import rates
from zhanggui.fulfillment.services.rates import NoRate


@pytest.fixture
def sto(db):
    courier = Courier.objects.get(code="STO")
    CourierRate.objects.create(
        courier=courier,
        province="浙江省",
        first_price=Decimal("8"),
        extra_price_per_kg=Decimal("2"),
    )
    CourierRate.objects.create(
        courier=courier,
        province="新疆维吾尔自治区",
        first_weight_g=500,
        first_price=Decimal("15"),
        extra_price_per_kg=Decimal("12.5"),
    )
    return courier


def _csv(*rows: str, header: str = "省份,首重(kg),首重价格,续重价格(元/kg)") -> bytes:
    return "\r\n".join([header, *rows]).encode("utf-8-sig")


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- arithmetic (no DB)


@pytest.mark.parametrize(
    ("weight_g", "first_g", "billed_g"),
    [
        (0, 1000, 1000),
        (350, 1000, 1000),
        (1000, 1000, 1000),
        (1001, 1000, 2000),
        (1200, 1000, 2000),
        (2000, 1000, 2000),
        (2001, 1000, 3000),
        (500, 500, 500),
        (501, 500, 1500),
    ],
)
def test_extra_weight_is_billed_per_started_kilogram(weight_g, first_g, billed_g):
    assert rates.billed_weight_g(weight_g, first_g) == billed_g


def test_a_negative_weight_is_refused():
    with pytest.raises(InvalidInput):
        rates.billed_weight_g(-1)


# ---------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("province", "weight_g", "price"),
    [
        ("浙江省", 300, "8.00"),  # within the first kilogram
        ("浙江省", 1000, "8.00"),
        ("浙江", 1200, "10.00"),  # 1.2 kg bills 2 kg; short province name
        ("浙江省", 3500, "14.00"),  # 4 kg: 8 + 3 × 2
        ("新疆", 400, "15.00"),  # first weight 0.5 kg
        ("新疆维吾尔自治区", 1200, "27.50"),  # 0.5 kg + 0.7 kg started: 15 + 12.5
        ("新疆维吾尔自治区", 1600, "40.00"),  # 0.5 kg + 1.1 kg: 15 + 2 × 12.5
    ],
)
def test_quote_adds_each_started_extra_kilogram(sto, province, weight_g, price):
    assert rates.quote(sto, province, weight_g) == Decimal(price)


def test_a_courier_priced_as_another_uses_its_table(sto):
    yto = Courier.objects.get(code="YTO")
    assert rates.quote(yto, "浙江省", 1200) == Decimal("10.00")
    CourierRate.objects.create(
        courier=yto, province="浙江省", first_price=Decimal("99"), extra_price_per_kg=Decimal("9")
    )
    assert rates.quote(yto, "浙江省", 1200) == Decimal("10.00")  # its own table is not used


def test_a_province_without_a_price_is_a_clear_error(sto):
    with pytest.raises(NoRate) as missing:
        rates.quote(sto, "西藏", 1000)
    assert "西藏自治区" in str(missing.value.message)
    assert "申通" in str(missing.value.message)


def test_the_quoter_reads_each_table_once(sto, django_assert_num_queries):
    quoter = rates.Quoter()
    sf = Courier.objects.select_related("priced_as").get(code="SF")
    yto = Courier.objects.select_related("priced_as").get(code="YTO")
    with django_assert_num_queries(2):  # STO's table (for YTO), EMS's table (for SF)
        assert quoter.quote(yto, "浙江省", 1200) == Decimal("10.00")
        assert quoter.quote(yto, "浙江", 100) == Decimal("8.00")
        assert quoter.quote(sto, "新疆维吾尔自治区", 100) == Decimal("15.00")
        assert quoter.quote(sf, "浙江省", 100) is None


# ---------------------------------------------------------------- one row by hand


def test_one_province_is_set_and_audited(manager, sto):
    rate = rates.save_rate(
        actor=manager,
        courier_id=sto.pk,
        data=rates.RateInput("浙江", Decimal("7"), Decimal("2")),
    )
    assert rate.first_price == Decimal("7.00")
    assert entries_for(rate).get(action="update").changes == {
        "first_price": {"before": "8.00", "after": "7.00"}
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (rates.RateInput("火星", Decimal("7"), Decimal("2")), "province"),
        (rates.RateInput("浙江", Decimal("-1"), Decimal("2")), "first_price"),
        (rates.RateInput("浙江", Decimal("7"), Decimal("2"), 0), "first_weight_g"),
    ],
)
def test_a_bad_province_row_is_refused(manager, sto, data, field):
    with pytest.raises(InvalidInput) as refused:
        rates.save_rate(actor=manager, courier_id=sto.pk, data=data)
    assert field in refused.value.fields


# ---------------------------------------------------------------- import / export


def test_export_lists_every_mainland_province_in_order(sto):
    table = read_table(filename="rates.xlsx", content=rates.export_rates(sto))
    assert table.header == ("省份", "首重(kg)", "首重价格", "续重价格(元/kg)")
    provinces = [row.values[0] for row in table.rows]
    assert len(provinces) == 31
    assert provinces[0] == "北京市"
    assert provinces[-1] == "新疆维吾尔自治区"
    by_province = {row.values[0]: row.values[1:] for row in table.rows}
    assert by_province["浙江省"] == ("1", "8", "2")
    assert by_province["新疆维吾尔自治区"] == ("0.5", "15", "12.5")
    assert by_province["北京市"] == ("1", "", "")


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_exported_table_imports_unchanged(manager, sto, file_format):
    content = rates.export_rates(sto, file_format=file_format)
    ems = Courier.objects.get(code="EMS")
    summary = rates.import_rates(
        actor=manager, courier_id=ems.pk, filename=f"rates.{file_format}", content=content
    )
    assert (summary.rows, summary.created, summary.updated, summary.blank) == (31, 2, 0, 29)
    copied = {
        rate.province: (rate.first_weight_g, rate.first_price, rate.extra_price_per_kg)
        for rate in CourierRate.objects.filter(courier=ems)
    }
    assert copied == {
        "浙江省": (1000, Decimal("8.00"), Decimal("2.00")),
        "新疆维吾尔自治区": (500, Decimal("15.00"), Decimal("12.50")),
    }
    again = rates.import_rates(
        actor=manager, courier_id=ems.pk, filename=f"rates.{file_format}", content=content
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_reads_short_names_and_english_headers_and_audits(manager, sto):
    content = _csv(
        "广西,1,10,4",
        "内蒙古,,12,5",
        "浙江,1,8.5,2",
        header="Province,First weight (kg),First price,Extra price per kg",
    )
    summary = rates.import_rates(
        actor=manager, courier_id=sto.pk, filename="r.csv", content=content
    )
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 0)
    assert CourierRate.objects.get(courier=sto, province="广西壮族自治区").first_price == Decimal(
        "10.00"
    )
    assert CourierRate.objects.get(courier=sto, province="内蒙古自治区").first_weight_g == 1000
    zhejiang = CourierRate.objects.get(courier=sto, province="浙江省")
    assert entries_for(zhejiang).get(action="update").changes == {
        "first_price": {"before": "8.00", "after": "8.50"}
    }
    assert "r.csv" in entries_for(sto).get().note


def test_import_of_xlsx_with_numbers_and_yuan_marks(manager, sto):
    content = _xlsx(
        [["省份", "首重(kg)", "首重价格", "续重价格(元/kg)"], ["四川省", 1, 9.5, "¥3元"]]
    )
    rates.import_rates(actor=manager, courier_id=sto.pk, filename="r.xlsx", content=content)
    rate = CourierRate.objects.get(courier=sto, province="四川省")
    assert (rate.first_price, rate.extra_price_per_kg) == (Decimal("9.50"), Decimal("3.00"))


def test_bad_rows_are_named_and_nothing_is_saved(manager, sto):
    content = _csv(
        "火星,1,10,4",  # row 2: unknown province
        "广东,1,-3,4",  # row 3: negative price
        "福建,1,十元,4",  # row 4: text in a price column
        "浙江,1,7,",  # row 5: one price missing
        "湖南,0,7,2",  # row 6: first weight 0
        "广东省,1,7,2",  # row 7: 广东 again
        ",1,7,2",  # row 8: no province
        "江西,1,7.555,2",  # row 9: more than fen
    )
    with pytest.raises(ImportRejected) as rejected:
        rates.import_rates(actor=manager, courier_id=sto.pk, filename="bad.csv", content=content)
    found = {(error.row, error.field) for error in rejected.value.errors}
    assert found == {
        (2, "省份"),
        (3, "首重价格"),
        (4, "首重价格"),
        (5, "续重价格(元/kg)"),
        (6, "首重(kg)"),
        (7, "省份"),
        (8, "省份"),
        (9, "首重价格"),
    }
    assert all(error.file == "bad.csv" for error in rejected.value.errors)
    messages = {error.row: str(error.message) for error in rejected.value.errors}
    assert "火星" in messages[2]
    assert "十元" in messages[4]
    assert "3" in messages[7]
    assert CourierRate.objects.filter(courier=sto).count() == 2
    assert CourierRate.objects.get(courier=sto, province="浙江省").first_price == Decimal("8.00")
    assert not entries_for(sto).exists()


def test_a_file_without_a_required_column_is_refused(manager, sto):
    with pytest.raises(ImportRejected) as rejected:
        rates.import_rates(
            actor=manager,
            courier_id=sto.pk,
            filename="r.csv",
            content=_csv("浙江,1,8", header="省份,首重,首重价格"),
        )
    assert [(e.row, e.field) for e in rejected.value.errors] == [(1, "续重价格(元/kg)")]


def test_a_file_that_is_no_table_is_unreadable(manager, sto):
    with pytest.raises(UnreadableFile):
        rates.import_rates(
            actor=manager, courier_id=sto.pk, filename="r.xlsx", content=b"%PDF-1.4 junk"
        )


def test_exported_xlsx_has_numbers_not_text(sto):
    workbook = load_workbook(io.BytesIO(rates.export_rates(sto)))
    rows = {row[0]: row[1:] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert rows["浙江省"] == (1, 8, 2)
