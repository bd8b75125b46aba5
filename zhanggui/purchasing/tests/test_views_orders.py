from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from zhanggui.inventory.models import StockMove
from zhanggui.purchasing import services
from zhanggui.purchasing.models import PurchaseOrder
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def supplier():
    make_product("T-100")
    return make_supplier()


def _form(supplier, *lines, scan="", action="save", total=None):
    data = {
        "supplier": str(supplier.pk),
        "transport_cost": "10",
        "note": "",
        "expected_on": "",
        "scan": scan,
        "action": action,
        "lines-TOTAL_FORMS": str(total if total is not None else len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    for index, (code, quantity, cost) in enumerate(lines):
        data |= {
            f"lines-{index}-merchant_code": code,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_cost": cost,
        }
    return data


def test_create_page_saves_a_draft_with_lines(client_for, supplier):
    client = client_for("buyer")
    response = client.post(
        reverse("purchasing:order_create"), _form(supplier, ("T-100-W-S", "2", "18.5"))
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("purchasing:order_detail", kwargs={"pk": order.pk})
    assert [(x.sku.merchant_code, x.quantity, x.unit_cost) for x in order.lines.all()] == [
        ("T-100-W-S", 2, Decimal("18.50"))
    ]
    assert order.transport_cost == Decimal("10.00")


def test_scanning_adds_one_piece_or_raises_the_line_and_stays_on_the_page(client_for, supplier):
    client = client_for("buyer")
    response = client.post(reverse("purchasing:order_create"), _form(supplier, scan="T-100-W-S"))
    order = PurchaseOrder.objects.get()
    assert response.url == reverse("purchasing:order_edit", kwargs={"pk": order.pk})
    barcode = order.lines.get().sku.barcode
    client.post(
        reverse("purchasing:order_edit", kwargs={"pk": order.pk}),
        _form(supplier, ("T-100-W-S", "1", "20"), scan=barcode, action="scan"),
    )
    assert order.lines.get().quantity == 2


def test_create_page_shows_a_bad_line_next_to_its_row(client_for, supplier):
    response = client_for("buyer").post(
        reverse("purchasing:order_create"), _form(supplier, ("NOPE-1", "2", "18"))
    )
    assert response.status_code == 200
    assert "No SKU has the code NOPE-1." in response.content.decode()
    assert not PurchaseOrder.objects.exists()


def test_place_over_first_order_cap_needs_the_checkbox(client_for, supplier):
    order = make_order(supplier, [("T-100-W-S", 5, "18")])
    client = client_for("buyer")
    detail = client.get(reverse("purchasing:order_detail", kwargs={"pk": order.pk}))
    assert "First order of a new style" in detail.content.decode()
    url = reverse("purchasing:order_status", kwargs={"pk": order.pk})
    client.post(url, {"action": "place"})
    order.refresh_from_db()
    assert order.status == "draft"
    client.post(url, {"action": "place", "confirm_over_first_order_cap": "on"})
    order.refresh_from_db()
    assert order.status == "ordered"


def test_detail_hides_costs_from_the_warehouse(client_for, supplier):
    order = placed_order(supplier, [("T-100-W-S", 2, "18.88")])
    warehouse = client_for("warehouse").get(
        reverse("purchasing:order_detail", kwargs={"pk": order.pk})
    )
    page = warehouse.content.decode()
    assert "T-100-W-S" in page
    assert "18.88" not in page
    assert "Receive goods" in page
    listing = client_for("warehouse").get(reverse("purchasing:order_list")).content.decode()
    assert order.number in listing
    assert "37.76" not in listing


def test_list_filters_orders_waiting_for_goods(client_for, supplier):
    waiting = placed_order(supplier, [("T-100-W-S", 2, "18")])
    draft = make_order(supplier, [("T-100-W-M", 2, "18")])
    page = client_for("buyer").get(reverse("purchasing:order_list") + "?status=to_receive")
    assert [o.pk for o in page.context["orders"]] == [waiting.pk]
    assert draft.number not in page.content.decode()


def test_receive_page_posts_the_grid(client_for, supplier):
    order = placed_order(supplier, [("T-100-W-S", 3, "18"), ("T-100-W-M", 3, "18")])
    line = order.lines.get(sku__merchant_code="T-100-W-S")
    url = reverse("purchasing:order_receive", kwargs={"pk": order.pk})
    client = client_for("warehouse")
    assert "Received so far" in client.get(url).content.decode()
    response = client.post(
        url, {"warehouse": "main", f"received_{line.pk}": "3", f"defective_{line.pk}": "1"}
    )
    assert response.status_code == 302
    kinds = sorted(StockMove.objects.values_list("kind", "quantity"))
    assert kinds == [("exchange_out", -1), ("receipt", 3)]


def test_receive_page_shows_over_receipt_on_its_row(client_for, supplier):
    order = placed_order(supplier, [("T-100-W-S", 3, "18")])
    line = order.lines.get()
    response = client_for("warehouse").post(
        reverse("purchasing:order_receive", kwargs={"pk": order.pk}),
        {"warehouse": "main", f"received_{line.pk}": "4"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"received_{line.pk}"][0].startswith("T-100-W-S: ")
    assert not StockMove.objects.exists()


def test_receipt_pdf_downloads(client_for, supplier):
    order = placed_order(supplier, [("T-100-W-S", 3, "18")])
    receipt = services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=3)
    )
    response = client_for("warehouse").get(
        reverse("purchasing:receipt_pdf", kwargs={"pk": receipt.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert receipt.number in response["Content-Disposition"]


def test_flag_reorder_from_detail_and_editor_marks_it_done(client_for, supplier):
    placed_order(supplier, [("T-100-W-S", 2, "18")])
    order = placed_order(supplier, [("T-100-W-S", 10, "18")])
    product_id = order.lines.get().sku.product_id
    client_for("buyer").post(
        reverse("purchasing:review_create", kwargs={"pk": order.pk}),
        {"product": str(product_id), "price_differs": "on", "note": "涨价2元"},
    )
    editor = client_for("editor")
    home = editor.get(reverse("home")).content.decode()
    assert "Re-ordered batches to review" in home
    page = editor.get(reverse("purchasing:review_list") + "?status=open")
    review = page.context["reviews"][0]
    assert review.note == "涨价2元"
    editor.post(reverse("purchasing:review_done", kwargs={"pk": review.pk}), {"note": "改价"})
    review.refresh_from_db()
    assert review.status == "done"


def test_home_shows_buyer_and_warehouse_queues(client_for, supplier):
    placed_order(supplier, [("T-100-W-S", 2, "18")])
    buyer_home = client_for("buyer").get(reverse("home"))
    rows = {str(q.label): q.count for s in buyer_home.context["sections"] for q in s.queues}
    assert rows["Purchase orders waiting for goods"] == 1
    assert rows["Purchase orders past their expected date"] == 0
    assert rows["Open supplier exchange lists"] == 0
    warehouse_home = client_for("warehouse").get(reverse("home"))
    rows = {str(q.label): q.count for s in warehouse_home.context["sections"] for q in s.queues}
    assert rows["Purchase orders to receive"] == 1


def test_edit_of_an_ordered_po_goes_back_to_its_page(client_for, supplier):
    order = placed_order(supplier, [("T-100-W-S", 2, "18")])
    response = client_for("buyer").post(
        reverse("purchasing:order_edit", kwargs={"pk": order.pk}),
        _form(supplier, ("T-100-W-S", "9", "18")),
    )
    assert response.url == reverse("purchasing:order_detail", kwargs={"pk": order.pk})
    assert order.lines.get().quantity == 2
