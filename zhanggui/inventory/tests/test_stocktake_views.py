from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhanggui.catalog import services as catalog
from zhanggui.core.tabular import write_csv
from zhanggui.inventory import services
from zhanggui.inventory.models import MoveKind, StockLevel, StockMove, Stocktake, Warehouse
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.stocktake_selectors import count_warehouses_due, warehouses_due
from zhanggui.inventory.stocktakes import (
    create_stocktake,
    post_stocktake,
    record_count,
    start_counting,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def main(db):
    return Warehouse.objects.get(code="main")


@pytest.fixture
def sku(manager):
    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="V1", title="页面裤"),
        skus=[
            catalog.SkuInput(
                merchant_code="V1-30",
                size="30",
                barcode="6920000000005",
                price="99",
                cost_price="35",
            )
        ],
    )
    sku = product.skus.get()
    services.post_move(actor=None, move=MoveInput(sku.pk, 10, MoveKind.RECEIPT))
    return sku


@pytest.fixture
def counting(manager, main, sku):
    draft = create_stocktake(actor=manager, warehouse_id=main.pk)
    return start_counting(actor=manager, stocktake_id=draft.pk)


def url(stocktake, name):
    return f"/stock/stocktakes/{stocktake.pk}/{name}/"


def on_hand(sku):
    return StockLevel.objects.get(sku=sku, warehouse__code="main").on_hand


def test_warehouse_creates_a_count_of_some_skus(client_for, main, sku):
    client = client_for("warehouse")
    response = client.post(
        "/stock/stocktakes/new/", {"warehouse": main.pk, "skus": "6920000000005", "blind": "on"}
    )
    stocktake = Stocktake.objects.get()
    assert response.status_code == 302
    assert response.url == f"/stock/stocktakes/{stocktake.pk}/"
    assert (stocktake.is_full, stocktake.blind, list(stocktake.skus.all())) == (False, True, [sku])


def test_create_names_unknown_bins_and_codes(client_for, main):
    response = client_for("manager").post(
        "/stock/stocktakes/new/", {"warehouse": main.pk, "bins": "Z-9", "skus": "NOPE"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "bins": ["No such bin here: Z-9"],
        "skus": ["No SKU has the code NOPE."],
    }
    assert Stocktake.objects.count() == 0


def test_scan_page_opens_with_the_code_input_focused(client_for, counting):
    body = client_for("warehouse").get(url(counting, "count")).content.decode()
    assert 'name="code" autofocus' in body
    assert "inventory/stocktake_count.js" in body


def test_scan_page_adds_one_per_scan_and_answers_with_the_panel(client_for, counting):
    client = client_for("warehouse")
    response = client.post(
        url(counting, "count"), {"code": "6920000000005"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "inventory/stocktake_count_panel.html"
    assert response.context["feedback"]["ok"] is True
    body = response.content.decode()
    assert "1 added, counted 1" in body
    assert "1 of 1 SKUs counted" in body
    client.post(url(counting, "count"), {"code": "12*V1-30"}, HTTP_HX_REQUEST="true")
    assert counting.lines.get().counted == 13


def test_scan_page_sets_a_total_and_rejects_an_unknown_code(client_for, counting):
    client = client_for("warehouse")
    client.post(
        url(counting, "count"),
        {"code": "V1-30", "quantity": "7", "set_total": "1"},
        HTTP_HX_REQUEST="true",
    )
    response = client.post(url(counting, "count"), {"code": "XX-1"}, HTTP_HX_REQUEST="true")
    assert response.context["feedback"] == {
        "ok": False,
        "message": "No SKU has the code XX-1.",
    }
    assert 'role="alert"' in response.content.decode()
    assert counting.lines.get().counted == 7


def test_scan_without_htmx_redirects_back_with_a_message(client_for, counting):
    response = client_for("warehouse").post(
        url(counting, "count"), {"code": "V1-30", "quantity": "x"}
    )
    assert (response.status_code, response.url) == (302, url(counting, "count"))
    assert counting.lines.get().counted is None


def test_sheet_download_is_an_xlsx_named_after_the_count(client_for, counting):
    response = client_for("warehouse").get(url(counting, "sheet"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{counting.number}.xlsx" in response["Content-Disposition"]


def test_import_page_shows_every_bad_row_and_saves_nothing(client_for, counting):
    content = write_csv(["商家编码", "实盘数量"], [["V1-30", "-2"], ["GHOST", "1"]], encoding="gbk")
    response = client_for("warehouse").post(
        url(counting, "import"), {"file": SimpleUploadedFile("盘点.csv", content)}
    )
    body = response.content.decode()
    assert [(e.row, e.field) for e in response.context["row_errors"]] == [
        (2, "实盘数量"),
        (3, "商家编码"),
    ]
    assert "A count cannot be negative (-2)." in body
    assert "No SKU has the code GHOST." in body
    assert counting.lines.get().counted is None


def test_import_page_reports_what_was_counted(client_for, counting):
    content = write_csv(["商家编码", "实盘数量"], [["V1-30", "9"]])
    response = client_for("warehouse").post(
        url(counting, "import"), {"file": SimpleUploadedFile("a.csv", content)}
    )
    assert (response.context["summary"].counted, counting.lines.get().counted) == (1, 9)


def test_variance_shows_money_to_finance_only(client_for, main, sku, manager):
    open_count = create_stocktake(actor=manager, warehouse_id=main.pk, blind=False)
    counting = start_counting(actor=manager, stocktake_id=open_count.pk)
    record_count(actor=manager, stocktake_id=counting.pk, code="V1-30", quantity=8)
    finance = client_for("finance").get(url(counting, "variance"))
    assert finance.context["report"].net_value == -70
    assert "Value of the difference" in finance.content.decode()
    assert "¥-70.00" in finance.content.decode()
    warehouse = client_for("warehouse").get(url(counting, "variance"))
    assert [row.difference for row in warehouse.context["report"].rows] == [-2]
    assert "Value of the difference" not in warehouse.content.decode()
    assert "¥" not in warehouse.content.decode()


def test_manager_posts_from_the_page(client_for, counting, sku, manager):
    record_count(actor=manager, stocktake_id=counting.pk, code="V1-30", quantity=12)
    client = client_for("manager")
    response = client.post(url(counting, "post"))
    assert response.status_code == 302
    assert on_hand(sku) == 12
    page = client.get(response.url)
    assert "Posted: 1 differences, 2 units added, 0 removed." in page.content.decode()


def test_post_below_reserved_shows_why_and_posts_nothing(client_for, counting, sku, manager):
    services.reserve(actor=None, sku_id=sku.pk, quantity=9, source_type="order_line", source_id="5")
    record_count(actor=manager, stocktake_id=counting.pk, code="V1-30", quantity=4)
    client = client_for("manager")
    page = client.get(client.post(url(counting, "post")).url)
    assert "V1-30: the count would take 6 but only 1 are free" in page.content.decode()
    assert not StockMove.objects.filter(kind=MoveKind.STOCKTAKE).exists()
    assert on_hand(sku) == 10


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (datetime(2026, 11, 27, 23, 59, tzinfo=SHANGHAI), 0),
        (datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI), 1),
        (datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI), 1),
        (datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI), 0),
        (datetime(2027, 2, 28, 9, 0, tzinfo=SHANGHAI), 1),
    ],
)
def test_reminder_counts_warehouses_on_the_28th_to_31st_shop_time(main, moment, due):
    assert count_warehouses_due(moment) == due
    assert [w.code for w in warehouses_due(moment)] == ["main"] * due


def test_reminder_goes_once_a_whole_count_is_posted_this_month(manager, main, sku, time_machine):
    time_machine.move_to(datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI))
    partial = start_counting(
        actor=manager,
        stocktake_id=create_stocktake(actor=manager, warehouse_id=main.pk, sku_ids=[sku.pk]).pk,
    )
    post_stocktake(actor=manager, stocktake_id=partial.pk)
    assert count_warehouses_due() == 1  # a few SKUs are not the monthly count
    whole = start_counting(
        actor=manager, stocktake_id=create_stocktake(actor=manager, warehouse_id=main.pk).pk
    )
    post_stocktake(actor=manager, stocktake_id=whole.pk)
    assert count_warehouses_due() == 0
    time_machine.move_to(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    assert count_warehouses_due() == 1  # last month's count does not do for this one


def test_home_page_shows_the_reminder_to_the_warehouse(client_for, main, time_machine):
    time_machine.move_to(datetime(2026, 11, 29, 9, 0, tzinfo=SHANGHAI))
    response = client_for("warehouse").get("/")
    rows = {str(q.label): (q.count, q.url) for s in response.context["sections"] for q in s.queues}
    assert rows["Warehouses to count this month (28th-31st)"] == (1, "/stock/stocktakes/")
    page = client_for("warehouse").get("/stock/stocktakes/")
    assert [w.code for w in page.context["due"]] == ["main"]


def test_blind_count_hides_the_variance_from_counters_until_posted(client_for, counting, manager):
    record_count(actor=manager, stocktake_id=counting.pk, code="V1-30", quantity=8)
    warehouse = client_for("warehouse")
    hidden = warehouse.get(url(counting, "variance"))
    assert hidden.context["report"] is None
    assert "blind count" in hidden.content.decode()
    assert client_for("manager").get(url(counting, "variance")).context["report"].net_units == -2
    post_stocktake(actor=manager, stocktake_id=counting.pk)
    shown = warehouse.get(url(counting, "variance"))
    assert [row.difference for row in shown.context["report"].rows] == [-2]
