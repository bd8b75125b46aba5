"""Catalog export: the import's format, cost only for those who may see it, safe in Excel."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from zhanggui.catalog import services
from zhanggui.catalog.exports import export_catalog
from zhanggui.catalog.imports import CatalogImportSummary, import_catalog
from zhanggui.catalog.models import Product
from zhanggui.core.errors import InvalidInput, NotAllowed
from zhanggui.core.models import AuditEntry
from zhanggui.core.tabular import read_table

HEADERS = ["货号", "标题", "类目", "产品线", "主打款", "描述", "颜色", "尺码", "商家编码", "条码"]
PRICES = ["价格", "会员价", "成本价", "重量(克)"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(manager):
    services.create_product(
        actor=manager,
        data=services.ProductInput(
            item_no="A1001",
            title='=HYPERLINK("http://evil")',
            category="T恤",
            product_line="traffic",
            is_hero=True,
            description='纯棉, "透气"\r\n第二行\n',  # as typed in a browser textarea
        ),
        skus=[
            services.SkuInput(
                merchant_code="A1001-BK-M", color="黑色", size="M", price="59", cost_price="21.5"
            ),
            services.SkuInput(
                merchant_code="0012",
                color="黑色",
                size="L",
                price="59.90",
                vip_price="55",
                weight_g=180,
                barcode="6901234567892",
            ),
        ],
    )
    services.create_product(
        actor=manager, data=services.ProductInput(item_no="B2", title="+1 裙子")
    )


def rows_of(export):
    table = read_table(filename=export.filename, content=export.content)
    return list(table.header), [list(row.values) for row in table.rows]


def test_export_xlsx_has_the_import_columns_and_one_row_per_sku(catalog, manager):
    export = export_catalog(user=manager, fmt="xlsx")

    assert export.filename.endswith(".xlsx")
    assert (
        export.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert export.rows == 3
    header, rows = rows_of(export)
    assert header == HEADERS + PRICES
    assert rows[0][:9] == [
        "A1001",
        '=HYPERLINK("http://evil")',
        "T恤",
        "引流款",
        "是",
        '纯棉, "透气"\n第二行',
        "黑色",
        "M",
        "A1001-BK-M",
    ]
    assert rows[0][10:] == ["59", "", "21.5", ""]
    assert rows[1][8:] == ["0012", "6901234567892", "59.9", "55", "", "180"]
    assert rows[2] == ["B2", "+1 裙子", "", "利润款", "否", "", "", "", "", "", "", "", "", ""]


def test_export_neutralises_formulas_in_xlsx(catalog, manager):
    content = export_catalog(user=manager, fmt="xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    titles = [
        (cell.value, cell.data_type) for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2)
    ]
    assert titles == [
        ('\'=HYPERLINK("http://evil")', "s"),
        ('\'=HYPERLINK("http://evil")', "s"),
        ("'+1 裙子", "s"),
    ]
    price = sheet.cell(row=2, column=11)
    assert (price.value, price.data_type) == (59, "n")


@pytest.mark.parametrize(("encoding", "codec"), [("utf-8-sig", "utf-8-sig"), ("gbk", "gbk")])
def test_export_csv_neutralises_formulas_and_opens_in_excel(catalog, manager, encoding, codec):
    export = export_catalog(user=manager, fmt="csv", encoding=encoding)

    text = export.content.decode(codec)
    assert export.content.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(HEADERS + PRICES)
    assert lines[1].startswith('A1001,"\'=HYPERLINK(""http://evil"")",T恤,')
    assert lines[-2].startswith("B2,'+1 裙子,")
    # Excel keeps leading zeros and all 13 digits of text written as ="..."
    assert ',"=""0012""","=""6901234567892""",59.90,55.00,,180\r\n' in text


def test_export_without_view_cost_has_no_cost_column(catalog, make_user):
    header, rows = rows_of(export_catalog(user=make_user("editor"), fmt="csv"))
    assert header == HEADERS + ["价格", "会员价", "重量(克)"]
    assert all(len(row) == 13 for row in rows)


def test_export_of_a_queryset_has_only_its_products(catalog, manager):
    export = export_catalog(user=manager, fmt="csv", queryset=Product.objects.filter(item_no="B2"))
    assert [row[0] for row in rows_of(export)[1]] == ["B2"]


def test_export_refused_without_export_permission(catalog, make_user):
    with pytest.raises(NotAllowed):
        export_catalog(user=make_user("warehouse"), fmt="xlsx")


def test_export_rejects_an_unknown_format(catalog, manager):
    with pytest.raises(InvalidInput) as error:
        export_catalog(user=manager, fmt="pdf")
    assert error.value.fields == {"format": ["Choose xlsx or csv."]}


@pytest.mark.parametrize(
    ("fmt", "encoding"), [("xlsx", "utf-8-sig"), ("csv", "utf-8-sig"), ("csv", "gbk")]
)
def test_export_then_import_changes_nothing(catalog, manager, fmt, encoding):
    export = export_catalog(user=manager, fmt=fmt, encoding=encoding)
    entries = AuditEntry.objects.count()

    result = import_catalog(actor=manager, filename=export.filename, content=export.content)

    assert result == CatalogImportSummary(unchanged=3, rows=3)
    assert AuditEntry.objects.count() == entries


def test_export_by_editor_reimports_unchanged_without_touching_costs(catalog, make_user):
    editor = make_user("editor")
    export = export_catalog(user=editor, fmt="xlsx")
    result = import_catalog(actor=editor, filename=export.filename, content=export.content)
    assert result == CatalogImportSummary(unchanged=3, rows=3)


def test_export_products_command_writes_the_file(catalog, tmp_path, capsys):
    out = tmp_path / "catalog.csv"

    call_command(
        "export_products", "--format", "csv", "--encoding", "gbk", "--out", str(out), "--json"
    )

    assert json.loads(capsys.readouterr().out) == {"rows": 3, "file": str(out)}
    assert out.read_bytes().decode("gbk").startswith("货号,标题,")
