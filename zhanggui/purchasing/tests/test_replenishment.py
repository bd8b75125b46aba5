from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhanggui.core import schedule
from zhanggui.core.errors import Conflict
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import MoveKind
from zhanggui.inventory.services import MoveInput
from zhanggui.purchasing import services
from zhanggui.purchasing.models import (
    PurchaseOrder,
    ReplenishmentLine,
    ReplenishmentRun,
    Supplier,
)
from zhanggui.purchasing.replenishment import (
    compute_replenishment,
    count_open_lines_this_week,
    create_draft_orders,
    grouped_lines,
)
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def move(code, quantity, kind):
    from zhanggui.catalog.models import Sku

    sku = Sku.objects.get(merchant_code=code)
    stock.post_move(actor=None, move=MoveInput(sku.pk, quantity, kind))


@pytest.fixture
def shop(db):
    """Four SKUs, worked out by hand with the default policy (30-day window, review every
    7 days; hot ≥ 30 sold with safety 10, steady with safety 4, slow ≤ 3 with safety 0):

    S: hot (30 sold), 5 available, 5 on order from A (8 ordered, 3 received), lead 7:
       ceil(30/30 × (7+7)) + 10 − 5 − 5 = 14
    M: steady (6 sold), 2 available, latest line from B (a draft), lead 14:
       ceil(6/30 × (14+7)) = ceil(4.2) = 5, + 4 − 2 − 0 = 7
    L: slow (3 sold), 0 available, never bought: default lead 7:
       ceil(3/30 × 14) = ceil(1.4) = 2, + 0 − 0 − 0 = 2
    XL: nothing sold, 10 available: ceil(0) + 0 − 10 → nothing to order
    """
    make_product("R-1", sizes=("S", "M", "L", "XL"))
    supplier_a = make_supplier("甲服饰", lead_time_days=7)
    supplier_b = make_supplier("乙服饰", lead_time_days=14)
    open_order = placed_order(supplier_a, [("R-1-W-S", 8, "21.00")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=open_order.pk, counts=counts(open_order, R_1_W_S=3)
    )
    earlier = placed_order(supplier_a, [("R-1-W-M", 2, "19.00")])
    services.receive_purchase_order(
        actor=None, purchase_order_id=earlier.pk, counts=counts(earlier, R_1_W_M=2)
    )
    make_order(supplier_b, [("R-1-W-M", 1, "18.00")])  # the buyer's latest choice
    for code, received, sold in (("R-1-W-S", 32, 30), ("R-1-W-M", 6, 6), ("R-1-W-L", 3, 3)):
        move(code, received, MoveKind.RECEIPT)
        move(code, -sold, MoveKind.SALE)
    move("R-1-W-XL", 10, MoveKind.RECEIPT)
    return {"A": supplier_a, "B": supplier_b}


def figures(run):
    return {
        line.sku.merchant_code: (
            line.supplier.name if line.supplier else None,
            line.velocity,
            line.units_sold,
            line.available,
            line.on_order,
            line.lead_time_days,
            line.safety_stock,
            line.suggested_quantity,
            line.unit_cost,
        )
        for line in run.lines.select_related("sku", "supplier")
    }


def test_quantities_match_the_hand_computed_examples(shop, manager):
    run = compute_replenishment(actor=manager)
    assert (run.created_by, run.window_days, run.review_days) == (manager, 30, 7)
    assert figures(run) == {
        "R-1-W-S": ("甲服饰", "hot", 30, 5, 5, 7, 10, 14, Decimal("21.00")),
        "R-1-W-M": ("乙服饰", "steady", 6, 2, 0, 14, 4, 7, Decimal("19.00")),
        "R-1-W-L": (None, "slow", 3, 0, 0, 7, 0, 2, Decimal("20.00")),
    }


def test_lines_are_grouped_by_supplier_with_no_supplier_last(shop):
    groups = grouped_lines(compute_replenishment())
    assert [
        (
            group.supplier.name if group.supplier else None,
            [line.sku.merchant_code for line in group.lines],
            group.units,
        )
        for group in groups
    ] == [("乙服饰", ["R-1-W-M"], 7), ("甲服饰", ["R-1-W-S"], 14), (None, ["R-1-W-L"], 2)]
    assert groups[1].amount == Decimal("294.00")


def test_reserved_stock_is_not_available(shop):
    from zhanggui.catalog.models import Sku

    sku = Sku.objects.get(merchant_code="R-1-W-S")
    stock.reserve(actor=None, sku_id=sku.pk, quantity=4, source_type="order_line", source_id="9")
    line = compute_replenishment().lines.get(sku=sku)
    # 14 + 10 − 1 available − 5 on order
    assert (line.available, line.suggested_quantity) == (1, 18)


def test_sales_outside_the_window_do_not_count(shop):
    later = datetime(2099, 1, 1, tzinfo=SHANGHAI)
    run = compute_replenishment(as_of=later)
    # Nothing sold in the window: only safety stock is missing, and no class needs any.
    assert figures(run) == {}


def test_draft_orders_one_per_supplier_at_suggested_quantities_and_last_cost(shop, manager):
    run = compute_replenishment()
    result = create_draft_orders(actor=manager, run_id=run.pk)
    orders = {
        order.supplier.name: [
            (line.sku.merchant_code, line.quantity, line.unit_cost) for line in order.lines.all()
        ]
        for order in result.orders
    }
    assert orders == {
        "甲服饰": [("R-1-W-S", 14, Decimal("21.00"))],
        "乙服饰": [("R-1-W-M", 7, Decimal("19.00"))],
    }
    assert {order.status for order in result.orders} == {"draft"}
    assert {order.created_by for order in result.orders} == {manager}
    assert result.orders[0].note == f"From replenishment list #{run.pk}"
    assert (result.without_supplier, result.inactive_suppliers) == (1, [])
    run.refresh_from_db()
    assert (run.converted_by, run.converted_at is not None) == (manager, True)


def test_draft_orders_are_made_once_per_list(shop, manager):
    run = compute_replenishment()
    create_draft_orders(actor=manager, run_id=run.pk)
    drafts = PurchaseOrder.objects.filter(status="draft").count()
    with pytest.raises(Conflict):
        create_draft_orders(actor=manager, run_id=run.pk)
    assert PurchaseOrder.objects.filter(status="draft").count() == drafts


def test_draft_orders_skip_an_inactive_supplier(shop, manager):
    Supplier.objects.filter(pk=shop["B"].pk).update(is_active=False)
    result = create_draft_orders(actor=manager, run_id=compute_replenishment().pk)
    assert [order.supplier.name for order in result.orders] == ["甲服饰"]
    assert result.inactive_suppliers == ["乙服饰"]


def test_home_queue_counts_the_lines_of_this_weeks_list(shop, manager):
    assert count_open_lines_this_week() == 0
    run = compute_replenishment()
    assert count_open_lines_this_week() == 3
    create_draft_orders(actor=manager, run_id=run.pk)
    assert count_open_lines_this_week() == 0


def test_home_queue_forgets_last_weeks_list(shop, time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 7, 0, tzinfo=SHANGHAI))
    compute_replenishment()
    assert count_open_lines_this_week() == 3
    time_machine.move_to(datetime(2026, 11, 30, 0, 1, tzinfo=SHANGHAI))  # next Monday
    assert count_open_lines_this_week() == 0


def test_thursday_schedule_makes_the_list(shop, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    wednesday = datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)
    schedule.enqueue_due(wednesday)  # claims last week's occurrence
    ReplenishmentRun.objects.all().delete()
    assert "purchasing.replenishment" not in schedule.enqueue_due(wednesday)
    assert ReplenishmentRun.objects.count() == 0
    thursday = datetime(2026, 11, 26, 7, 0, tzinfo=SHANGHAI)
    assert "purchasing.replenishment" in schedule.enqueue_due(thursday)
    run = ReplenishmentRun.objects.get()
    assert run.created_by is None
    assert ReplenishmentLine.objects.filter(run=run).count() == 3
