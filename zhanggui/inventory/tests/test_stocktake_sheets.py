from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhanggui.catalog import services as catalog
from zhanggui.core.errors import ImportRejected
from zhanggui.core.tabular import write_csv, write_xlsx
from zhanggui.inventory import services
from zhanggui.inventory.models import Bin, MoveKind, SkuBin, Warehouse
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.stocktake_sheets import count_sheet, import_counts
from zhanggui.inventory.stocktakes import (
    InvalidStocktakeTransition,
    create_stocktake,
    record_count,
    start_counting,
)

HEADER = ["商家编码", "条码", "标题", "颜色", "尺码", "库位", "实盘数量"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def main(db):
    return Warehouse.objects.get(code="main")


@pytest.fixture
def stocktake(manager, main):
    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="SH1", title="盘点表衬衫"),
        skus=[
            catalog.SkuInput(
                merchant_code=f"SH1-{size}",
                color="白色",
                size=size,
                barcode=f"69100000000{index}",
                price="99",
            )
            for index, size in enumerate("SML")
        ],
    )
    skus = {sku.size: sku for sku in product.skus.all()}
    for size, quantity in (("S", 5), ("M", 7)):
        services.post_move(actor=None, move=MoveInput(skus[size].pk, quantity, MoveKind.RECEIPT))
    shelf = Bin.objects.create(warehouse=main, code="A-01")
    SkuBin.objects.create(sku=skus["M"], bin=shelf)
    draft = create_stocktake(
        actor=manager, warehouse_id=main.pk, sku_ids=[skus["S"].pk, skus["M"].pk]
    )
    return start_counting(actor=manager, stocktake_id=draft.pk)


def counted(stocktake):
    return {
        line.sku.merchant_code: line.counted
        for line in stocktake.lines.select_related("sku").order_by("sku__merchant_code")
    }


def sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Read-only sheets end a row at its last value.
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def test_blind_sheet_has_no_expected_column_and_sorts_by_bin(stocktake):
    rows = sheet_rows(count_sheet(stocktake, with_expected=False))
    assert rows == [
        HEADER,
        ["SH1-S", "691000000000", "盘点表衬衫", "白色", "S", None, None],
        ["SH1-M", "691000000001", "盘点表衬衫", "白色", "M", "A-01", None],
    ]


def test_sheet_with_expected_shows_the_snapshot(stocktake):
    rows = sheet_rows(count_sheet(stocktake, with_expected=True))
    assert rows[0] == [*HEADER[:6], "账面数量", "实盘数量"]
    assert [row[6] for row in rows[1:]] == [5, 7]


def test_import_of_the_filled_sheet_sets_the_counts(stocktake, manager):
    content = write_xlsx(
        HEADER, [["SH1-S", "", "", "", "", "", 4], ["SH1-M", "", "", "", "", "", 7]]
    )
    summary = import_counts(
        actor=manager, stocktake_id=stocktake.pk, filename="a.xlsx", content=content
    )
    assert (summary.rows, summary.counted, summary.blank) == (2, 2, 0)
    assert counted(stocktake) == {"SH1-M": 7, "SH1-S": 4}
    assert stocktake.lines.get(sku__merchant_code="SH1-S").counted_by == manager


def test_import_reads_gbk_csv_by_barcode_and_skips_blank_counts(stocktake, manager):
    content = write_csv(
        ["条码", "实盘数量"], [["691000000001", "3"], ["691000000000", ""]], encoding="gbk"
    )
    summary = import_counts(
        actor=manager, stocktake_id=stocktake.pk, filename="b.csv", content=content
    )
    assert (summary.counted, summary.blank) == (1, 1)
    assert counted(stocktake) == {"SH1-M": 3, "SH1-S": None}


def test_import_replaces_scanned_counts_or_adds_to_them(stocktake, manager):
    record_count(actor=manager, stocktake_id=stocktake.pk, code="SH1-S", quantity=2)
    content = write_csv(["商家编码", "实盘数量"], [["SH1-S", "3"]])
    import_counts(actor=manager, stocktake_id=stocktake.pk, filename="c.csv", content=content)
    assert counted(stocktake)["SH1-S"] == 3
    import_counts(
        actor=manager, stocktake_id=stocktake.pk, filename="c.csv", content=content, add=True
    )
    assert counted(stocktake)["SH1-S"] == 6


def test_import_rejects_every_bad_row_and_saves_nothing(stocktake, manager):
    rows = [
        ["SH1-S", "", "", "", "", "", "-1"],
        ["SH1-M", "", "", "", "", "", "2.5"],
        ["GHOST", "", "", "", "", "", "1"],
        ["", "", "", "", "", "", "1"],
        ["SH1-L", "", "", "", "", "", "1"],
        ["SH1-S", "691000000001", "", "", "", "", "1"],
        ["SH1-M", "", "", "", "", "", "3"],
        ["GHOST-2", "", "", "", "", "", "two"],
    ]
    with pytest.raises(ImportRejected) as caught:
        import_counts(
            actor=manager,
            stocktake_id=stocktake.pk,
            filename="bad.csv",
            content=write_csv(HEADER, rows),
        )
    assert [(e.row, e.field, str(e.message)) for e in caught.value.errors] == [
        (2, "实盘数量", "A count cannot be negative (-1)."),
        (3, "实盘数量", "A count is a whole number, not 2.5."),
        (4, "商家编码", "No SKU has the code GHOST."),
        (5, "商家编码", "Give the merchant code or the barcode."),
        (6, "商家编码", "SH1-L is not on this stocktake."),
        (7, "条码", "691000000001 is not the barcode of SH1-S."),
        (8, "商家编码", "SH1-M is already counted on row 3."),
        (9, "实盘数量", "two is not a number."),
        (9, "商家编码", "No SKU has the code GHOST-2."),
    ]
    assert {e.file for e in caught.value.errors} == {"bad.csv"}
    assert counted(stocktake) == {"SH1-M": None, "SH1-S": None}


def test_import_without_a_count_column_is_rejected(stocktake, manager):
    with pytest.raises(ImportRejected) as caught:
        import_counts(
            actor=manager,
            stocktake_id=stocktake.pk,
            filename="d.csv",
            content=write_csv(["商家编码", "数量"], [["SH1-S", "1"]]),
        )
    assert [(e.row, e.field) for e in caught.value.errors] == [(1, "实盘数量")]


def test_import_to_a_whole_count_adds_skus_found_on_the_shelves(manager, main, stocktake):
    whole = start_counting(
        actor=manager,
        stocktake_id=create_stocktake(
            actor=manager, warehouse_id=Warehouse.objects.create(code="b", name="B").pk
        ).pk,
    )
    content = write_csv(["商家编码", "实盘数量"], [["SH1-L", "2"]])
    import_counts(actor=manager, stocktake_id=whole.pk, filename="e.csv", content=content)
    line = whole.lines.get()
    assert (line.sku.merchant_code, line.expected, line.counted, line.found_during_count) == (
        "SH1-L",
        0,
        2,
        True,
    )


def test_import_after_posting_is_refused(stocktake, manager):
    from zhanggui.inventory.stocktakes import post_stocktake

    post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    with pytest.raises(InvalidStocktakeTransition):
        import_counts(
            actor=manager,
            stocktake_id=stocktake.pk,
            filename="f.csv",
            content=write_csv(["商家编码", "实盘数量"], [["SH1-S", "1"]]),
        )
    assert counted(stocktake) == {"SH1-M": None, "SH1-S": None}
