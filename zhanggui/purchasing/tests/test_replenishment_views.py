from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import MoveKind
from zhanggui.inventory.services import MoveInput
from zhanggui.purchasing.models import PurchaseOrder, ReplenishmentRun
from zhanggui.purchasing.replenishment import compute_replenishment
from zhanggui.purchasing.tests.factories import make_order, make_supplier


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def shop(db):
    """Two SKUs selling 30 a month with nothing in stock: 14 + 10 safety each. One of them
    has a title a spreadsheet would run as a formula."""
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="RV1", title='=HYPERLINK("http://x")'),
        skus=[
            catalog.SkuInput(merchant_code=f"RV1-{size}", size=size, price="59", cost_price="20")
            for size in ("S", "M")
        ],
    )
    supplier = make_supplier("丙服饰", lead_time_days=7)
    make_order(supplier, [("RV1-S", 1, "22.00")])
    for sku in product.skus.all():
        stock.post_move(actor=None, move=MoveInput(sku.pk, 30, MoveKind.RECEIPT))
        stock.post_move(actor=None, move=MoveInput(sku.pk, -30, MoveKind.SALE))
    return supplier


def test_buyer_makes_the_list_with_the_button(client_for, shop):
    client = client_for("buyer")
    response = client.post("/purchasing/replenishment/run/")
    run = ReplenishmentRun.objects.get()
    assert (response.status_code, response.url) == (302, f"/purchasing/replenishment/{run.pk}/")
    page = client.get(response.url)
    groups = page.context["groups"]
    assert [(g.supplier.name if g.supplier else None, g.units) for g in groups] == [
        ("丙服饰", 24),
        (None, 24),
    ]
    body = page.content.decode()
    assert "No supplier yet" in body
    assert "Turn into draft purchase orders" in body


def test_analyst_reads_the_list_without_the_order_button(client_for, shop):
    run = compute_replenishment()
    page = client_for("analyst").get(f"/purchasing/replenishment/{run.pk}/")
    assert page.status_code == 200
    assert "Turn into draft purchase orders" not in page.content.decode()


def test_export_is_grouped_by_supplier_and_formula_safe(client_for, shop):
    run = compute_replenishment()
    response = client_for("buyer").get(f"/purchasing/replenishment/{run.pk}/export/")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Supplier", "Merchant code"]
    assert rows[0][-3:] == ["Suggested quantity", "Last cost", "Amount"]
    assert [(row[0], row[1], row[3], row[12], row[14]) for row in rows[1:]] == [
        ("丙服饰", "RV1-S", '\'=HYPERLINK("http://x")', 24, 480),
        ("No supplier yet", "RV1-M", '\'=HYPERLINK("http://x")', 24, 480),
    ]


def test_buyer_turns_the_list_into_draft_orders(client_for, shop):
    run = compute_replenishment()
    client = client_for("buyer")
    response = client.post(f"/purchasing/replenishment/{run.pk}/orders/")
    order = PurchaseOrder.objects.get(lines__quantity=24)
    assert order.supplier == shop
    page = client.get(response.url).content.decode()
    assert f"1 draft purchase orders made: {order.number}." in page
    assert "1 SKUs have no supplier yet: order them by hand." in page
    client.post(f"/purchasing/replenishment/{run.pk}/orders/")
    assert PurchaseOrder.objects.filter(lines__quantity=24).count() == 1


def test_home_shows_the_buyer_this_weeks_list(client_for, shop):
    compute_replenishment()
    response = client_for("buyer").get("/")
    rows = {str(q.label): (q.count, q.url) for s in response.context["sections"] for q in s.queues}
    assert rows["Replenishment list of this week"] == (2, "/purchasing/replenishment/")
