"""Bulk import of products and SKUs: formats, all-or-nothing checks, permissions, audit."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from zhanggui.catalog import rules
from zhanggui.catalog.imports import CatalogImportSummary, import_catalog
from zhanggui.catalog.models import Category, Product, Sku
from zhanggui.core.errors import ImportRejected, NotAllowed
from zhanggui.core.models import AuditEntry

DATA = Path(__file__).parent / "data"
HEADER = [
    "货号",
    "标题",
    "类目",
    "产品线",
    "主打款",
    "颜色",
    "尺码",
    "商家编码",
    "价格",
    "成本价",
    "重量(克)",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(
    item_no="A1",
    title="春季新款T恤",
    code="A1-M",
    size="M",
    price="59.00",
    *,
    category="T恤",
    line="引流款",
    hero="否",
    color="黑色",
    cost="",
    weight="",
):
    return [item_no, title, category, line, hero, color, size, code, price, cost, weight]


def csv_file(*rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_file(*rows, header=HEADER):
    workbook = openpyxl.Workbook()
    for values in [header, *rows]:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary(**counts):
    return CatalogImportSummary(**counts)


def errors_of(rejected):
    return [(error.file, error.row, error.field, str(error.message)) for error in rejected.errors]


def test_import_gbk_csv_with_chinese_headers_creates_products_skus_and_audit(manager):
    content = (DATA / "products_gbk.csv").read_bytes()

    result = import_catalog(actor=manager, filename="products_gbk.csv", content=content)

    assert result == summary(products_created=2, skus_created=3, rows=3)
    tee = Product.objects.get(item_no="A1001")
    assert (tee.title, tee.category.name, tee.product_line, tee.is_hero, tee.description) == (
        "春季新款纯棉T恤女短袖",
        "T恤",
        "traffic",
        True,
        "纯棉, 透气",
    )
    skus = {sku.merchant_code: sku for sku in Sku.objects.all()}
    medium = skus["A1001-BK-M"]
    assert (medium.color, medium.size, medium.barcode, medium.price) == (
        "黑色",
        "M",
        "6901234567892",
        Decimal("59.00"),
    )
    assert (medium.vip_price, medium.cost_price, medium.weight_g) == (
        Decimal("55.00"),
        Decimal("21.50"),
        180,
    )
    assert skus["A1001-BK-L"].barcode == rules.internal_ean13(skus["A1001-BK-L"].pk)
    jeans = skus["0020027"]
    assert (jeans.product.product_line, jeans.price, jeans.vip_price) == (
        "profit",
        Decimal("129.00"),
        None,
    )
    entries = AuditEntry.objects.filter(actor=manager, action="create")
    assert entries.count() == 5
    assert entries.get(object_repr="A1001-BK-M").changes["price"] == {
        "before": None,
        "after": "59.00",
    }


def test_import_utf8_bom_csv(manager):
    content = csv_file(row(), row(code="A1-L", size="L"), encoding="utf-8-sig")
    assert import_catalog(actor=manager, filename="a.csv", content=content) == summary(
        products_created=1, skus_created=2, rows=2
    )
    assert sorted(Sku.objects.values_list("merchant_code", flat=True)) == ["A1-L", "A1-M"]


def test_import_xlsx_with_number_cells(manager):
    content = xlsx_file(
        ["B7", "碎花连衣裙", "裙子", "活动款", "是", "红色", "S", "B7-R-S", 99.9, 35, 230]
    )

    assert import_catalog(actor=manager, filename="a.xlsx", content=content) == summary(
        products_created=1, skus_created=1, rows=1
    )
    sku = Sku.objects.select_related("product").get()
    assert (sku.product.product_line, sku.product.is_hero) == ("promo", True)
    assert (sku.price, sku.cost_price, sku.weight_g) == (Decimal("99.90"), Decimal("35.00"), 230)


def test_import_matches_english_headers_with_trailing_spaces_and_any_case(manager):
    header = [
        "Item_No ",
        " TITLE",
        "Merchant Code  ",
        "price ",
        "Product_Line",
        "Is_Hero",
        "Unknown",
    ]
    content = csv_file(["C3", "Tee", "C3-1", "19.9", "traffic", "yes", "ignored"], header=header)

    import_catalog(actor=manager, filename="a.csv", content=content)

    sku = Sku.objects.select_related("product").get()
    assert (sku.product.item_no, sku.product.title, sku.product.product_line) == (
        "C3",
        "Tee",
        "traffic",
    )
    assert (sku.merchant_code, sku.price, sku.product.is_hero) == ("C3-1", Decimal("19.90"), True)


def test_import_rejects_every_bad_row_and_saves_nothing(manager):
    content = csv_file(
        row(item_no="A1", code="A1-M", price="abc"),
        row(item_no="B2", title="长" * 31, code="B2-M"),
        row(item_no="C3", code=""),
        row(item_no="D4", code="A1-M"),
        row(item_no="E5", code="E5-M", weight="heavy"),
    )
    entries = AuditEntry.objects.count()

    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="bad.csv", content=content)

    assert errors_of(rejected.value) == [
        ("bad.csv", 2, "价格", "Enter an amount in yuan, not negative, like 59.00."),
        (
            "bad.csv",
            3,
            "标题",
            "The title is 62 bytes; the channel allows 60 (30 Chinese characters).",
        ),
        ("bad.csv", 4, "商家编码", "A merchant code is required."),
        ("bad.csv", 5, "商家编码", "Merchant code A1-M is also on row 2."),
        ("bad.csv", 6, "重量(克)", "Enter the weight in whole grams."),
    ]
    assert not Product.objects.exists()
    assert not Sku.objects.exists()
    assert not Category.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_import_rejects_a_file_without_a_required_column(manager):
    content = csv_file(["A1", "T"], header=["货号", "标题"])
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="a.csv", content=content)
    assert errors_of(rejected.value) == [
        ("a.csv", 1, "商家编码", "This column is required but missing from the file.")
    ]
    assert not Product.objects.exists()


def test_import_rejects_a_column_given_twice(manager):
    content = csv_file(["A1", "A1-M", "1", "2"], header=["货号", "商家编码", "价格", "price"])
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="a.csv", content=content)
    assert errors_of(rejected.value) == [
        ("a.csv", 1, "价格", "The column appears more than once (价格, price).")
    ]


def test_import_rejects_rows_of_one_product_that_disagree(manager):
    content = csv_file(row(), row(code="A1-L", size="L", title="另一个标题"))
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="a.csv", content=content)
    assert errors_of(rejected.value) == [
        ("a.csv", 3, "标题", "Differs from row 2 of the same item number A1.")
    ]


def test_import_blank_product_cells_on_later_rows_take_the_first_rows_values(manager):
    later = row(code="A1-L", size="L", title="", category="", line="", hero="")
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row(), later))
    product = Product.objects.get()
    assert (product.title, product.category.name, product.product_line) == (
        "春季新款T恤",
        "T恤",
        "traffic",
    )
    assert product.skus.count() == 2


def test_import_rejects_merchant_code_of_another_product(manager):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row()))
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(
            actor=manager, filename="b.csv", content=csv_file(row(item_no="Z9", code="A1-M"))
        )
    assert errors_of(rejected.value) == [
        ("b.csv", 2, "商家编码", "Merchant code A1-M belongs to item number A1.")
    ]
    assert not Product.objects.filter(item_no="Z9").exists()


def test_import_rejects_colour_and_size_twice_in_one_product(manager):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row()))
    content = csv_file(row(code="A1-L", size="L"), row(code="A1-L2", size="L"), row(code="A1-M2"))
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="b.csv", content=content)
    assert errors_of(rejected.value) == [
        ("b.csv", 3, "尺码", "Colour 黑色 size L is already used by row 2."),
        ("b.csv", 4, "尺码", "Colour 黑色 size M is already used by merchant code A1-M."),
    ]
    assert Sku.objects.count() == 1


def test_import_rejects_duplicate_barcode_in_file(manager):
    header = [*HEADER, "条码"]
    content = csv_file(
        [*row(), "6901234567892"], [*row(code="A1-L", size="L"), "6901234567892"], header=header
    )
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="a.csv", content=content)
    assert errors_of(rejected.value) == [
        ("a.csv", 3, "条码", "Barcode 6901234567892 is also on row 2.")
    ]


def test_import_rejects_row_without_item_number_and_bad_words(manager):
    content = csv_file(row(item_no=""), row(item_no="B2", line="爆款", hero="maybe"))
    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=manager, filename="a.csv", content=content)
    assert errors_of(rejected.value) == [
        ("a.csv", 2, "货号", "An item number is required."),
        ("a.csv", 3, "产品线", "Use one of: 引流款, 活动款, 利润款 (traffic, promo, profit)."),
        ("a.csv", 3, "主打款", "Use one of: 是, 否 (yes, no)."),
    ]


def test_import_row_without_sku_cells_creates_a_product_only(manager):
    content = csv_file(row(code="", size="", price="", color=""))
    assert import_catalog(actor=manager, filename="a.csv", content=content) == summary(
        products_created=1, rows=1
    )
    assert Product.objects.get().skus.count() == 0


def test_reimport_of_the_same_file_changes_nothing(manager):
    content = (DATA / "products_gbk.csv").read_bytes()
    import_catalog(actor=manager, filename="p.csv", content=content)
    entries = AuditEntry.objects.count()
    stamps = list(Sku.objects.order_by("id").values_list("updated_at", flat=True))

    result = import_catalog(actor=manager, filename="p.csv", content=content)

    assert result == summary(unchanged=3, rows=3)
    assert AuditEntry.objects.count() == entries
    assert list(Sku.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


def test_modified_reimport_updates_only_the_changed_price_and_audits_it(manager):
    import_catalog(
        actor=manager, filename="a.csv", content=csv_file(row(), row(code="A1-L", size="L"))
    )

    result = import_catalog(
        actor=manager,
        filename="a.csv",
        content=csv_file(row(), row(code="A1-L", size="L", price="69.00")),
    )

    assert result == summary(skus_updated=1, unchanged=1, rows=2)
    sku = Sku.objects.get(merchant_code="A1-L")
    assert sku.price == Decimal("69.00")
    assert Sku.objects.get(merchant_code="A1-M").price == Decimal("59.00")
    entry = AuditEntry.objects.get(action="update")
    assert (entry.object_id, entry.actor, entry.changes) == (
        str(sku.pk),
        manager,
        {"price": {"before": "59.00", "after": "69.00"}},
    )


def test_import_of_some_columns_leaves_the_others_alone(manager):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row(cost="20")))
    content = csv_file(["A1", "A1-M", "250"], header=["货号", "商家编码", "重量(克)"])

    assert import_catalog(actor=manager, filename="b.csv", content=content) == summary(
        skus_updated=1, rows=1
    )
    sku = Sku.objects.get()
    assert (sku.price, sku.cost_price, sku.weight_g) == (Decimal("59.00"), Decimal("20.00"), 250)
    assert Product.objects.get().title == "春季新款T恤"


def test_warehouse_may_not_import(manager, make_user):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row()))
    with pytest.raises(NotAllowed):
        import_catalog(
            actor=make_user("warehouse"), filename="a.csv", content=csv_file(row(price="1.00"))
        )
    assert Sku.objects.get().price == Decimal("59.00")


def test_editor_cannot_change_an_existing_price_or_cost_through_import(manager, make_user):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row(cost="20")))
    content = csv_file(row(price="1.00", cost="2"), row(code="A1-L", size="L", cost="3"))

    with pytest.raises(ImportRejected) as rejected:
        import_catalog(actor=make_user("editor"), filename="a.csv", content=content)

    assert errors_of(rejected.value) == [
        ("a.csv", 2, "价格", "You may not change prices."),
        ("a.csv", 2, "成本价", "You may not change costs."),
        ("a.csv", 3, "成本价", "You may not set costs."),
    ]
    sku = Sku.objects.get()
    assert (sku.price, sku.cost_price) == (Decimal("59.00"), Decimal("20.00"))


def test_editor_sets_the_first_price_of_a_new_sku(manager, make_user):
    import_catalog(actor=manager, filename="a.csv", content=csv_file(row()))
    editor = make_user("editor")
    content = csv_file(row(), row(code="A1-L", size="L", price="65"))

    assert import_catalog(actor=editor, filename="a.csv", content=content) == summary(
        skus_created=1, unchanged=1, rows=2
    )
    assert Sku.objects.get(merchant_code="A1-L").price == Decimal("65.00")


def test_import_runs_a_constant_number_of_queries(manager, django_assert_max_num_queries):
    rows = [row(item_no=f"P{n}", code=f"P{n}-{s}", size=s) for n in range(50) for s in "SML"]
    with django_assert_max_num_queries(30):
        result = import_catalog(actor=manager, filename="a.csv", content=csv_file(*rows))
    assert result == summary(products_created=50, skus_created=150, rows=150)


def test_import_products_command_prints_one_json_object(manager, tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes((DATA / "products_gbk.csv").read_bytes())

    call_command("import_products", str(path), "--json", "--as", "manager")

    assert json.loads(capsys.readouterr().out) == {
        "products_created": 2,
        "products_updated": 0,
        "skus_created": 3,
        "skus_updated": 0,
        "unchanged": 0,
        "rows": 3,
    }


def test_import_products_command_prints_every_error_and_fails(db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(row(price="abc"), row(code="", size="L")))

    with pytest.raises(CommandError) as error:
        call_command("import_products", str(path))

    assert error.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "bad.csv row 2, 价格: Enter an amount in yuan, not negative, like 59.00.",
        "bad.csv row 3, 商家编码: A merchant code is required.",
    ]
    assert not Product.objects.exists()


def test_import_products_command_json_lists_errors(db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(row(price="abc")))

    with pytest.raises(CommandError):
        call_command("import_products", str(path), "--json")

    assert json.loads(capsys.readouterr().out) == {
        "error": "import_rejected",
        "detail": "The file has errors; nothing was imported.",
        "errors": [
            {
                "file": "bad.csv",
                "row": 2,
                "field": "价格",
                "message": "Enter an amount in yuan, not negative, like 59.00.",
            }
        ],
    }
