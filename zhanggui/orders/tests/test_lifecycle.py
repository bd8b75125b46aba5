from __future__ import annotations

import pytest

from zhanggui.inventory.models import (
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
)
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.exceptions import OrderBlocked, OrderOutOfStock, WrongOrderStatus
from zhanggui.orders.models import DecisionAction, Flag, HoldReason, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture
def skus(manager):
    return make_skus(manager, "L1-S", "L1-M", on_hand=5)


def _level(sku):
    return StockLevel.objects.get(sku=sku)


def test_approval_reserves_every_line(manager, skus):
    order = make_order(manager, ("L1-S", 2), ("L1-M", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert (_level(skus[0]).reserved, _level(skus[1]).reserved) == (2, 1)
    assert order.decisions.filter(action=DecisionAction.APPROVE).exists()
    # Approving again changes nothing.
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    assert _level(skus[0]).reserved == 2


def test_out_of_stock_leaves_stock_untouched_and_flags_yellow(manager, skus):
    order = make_order(manager, ("L1-S", 2), ("L1-M", 6))
    with pytest.raises(OrderOutOfStock) as refused:
        lifecycle.approve_order(actor=manager, order_id=order.pk)
    assert refused.value.lines[0]["merchant_code"] == "L1-M"
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.OUT_OF_STOCK]
    assert order.flag == Flag.YELLOW
    assert (_level(skus[0]).reserved, _level(skus[1]).reserved) == (0, 0)
    assert not Reservation.objects.exists()


def test_blocking_holds_must_be_cleared_before_approval(manager, skus):
    order = make_order(manager, ("UNKNOWN", 1))
    with pytest.raises(OrderBlocked):
        lifecycle.approve_order(actor=manager, order_id=order.pk)


def test_review_holds_can_be_released_then_approved(manager, skus):
    order = make_order(manager, ("L1-S", 1))
    lifecycle.hold_order(
        actor=manager, order_id=order.pk, reasons=[HoldReason.MANUAL], reason="等买家确认"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    lifecycle.release_holds(actor=manager, order_id=order.pk)
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.TO_REVIEW, [])


def test_closing_an_approved_order_gives_its_stock_back(manager, skus):
    order = make_order(manager, ("L1-S", 3))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.close_order(actor=manager, order_id=order.pk, reason="买家取消")
    assert _level(skus[0]).reserved == 0
    assert Reservation.objects.get().status == ReservationStatus.RELEASED


def test_shipping_posts_the_sale_once(manager, skus):
    order = make_order(manager, ("L1-S", 2))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="7700001")
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="7700001")
    level = _level(skus[0])
    assert (level.on_hand, level.reserved) == (3, 0)
    sale = StockMove.objects.get(kind=MoveKind.SALE)
    assert (sale.quantity, sale.ref) == (-2, "7700001")
    assert ledger_differences() == []
    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_no) == ("shipped", "STO", "7700001")


def test_an_order_not_approved_cannot_ship(manager, skus):
    order = make_order(manager, ("L1-S", 1))
    with pytest.raises(WrongOrderStatus):
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="1")


def test_a_refunded_line_releases_its_stock(manager, skus):
    order = make_order(manager, ("L1-S", 1), ("L1-M", 2))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    line = order.lines.get(merchant_code="L1-M")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status="refunded", refund_amount=line.paid_amount
    )
    assert (_level(skus[0]).reserved, _level(skus[1]).reserved) == (1, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
