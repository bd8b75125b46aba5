from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.inventory.models import StockLevel
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.models import (
    DecisionAction,
    Flag,
    HoldReason,
    Order,
    OrderSource,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import LineInput
from zhanggui.orders.services.intake import receive_order
from zhanggui.orders.services.merge import merge_orders
from zhanggui.orders.services.split import (
    NotSplittable,
    share,
    split_order,
    split_out_of_stock,
)
from zhanggui.orders.tests.factories import make_order, make_skus, order_input
from zhanggui.orders.tests.stock_checks import assert_stock_exact

AMOUNTS = ("goods_amount", "paid_amount", "post_fee", "discount_amount", "points_used")


@pytest.fixture
def skus(manager: Any) -> list[Any]:
    return make_skus(manager, "P1-S", "P1-M", "P1-L", on_hand=10)


def _uneven_order(manager: Any) -> Order:
    """Three lines whose amounts do not divide evenly, with a post fee, a discount and
    points, so every share needs rounding."""
    lines = (
        LineInput("P1-S", 3, Decimal("33.33"), oid="11", paid_amount=Decimal("99.98")),
        LineInput("P1-M", 1, Decimal("59.00"), oid="12", discount=Decimal("0.01")),
        LineInput("P1-L", 7, Decimal("0.10"), oid="13"),
    )
    data = order_input(("X", 1), post_fee=Decimal("10.00"), discount_amount=Decimal("3.33"))
    data = replace(data, lines=lines, points_used=101, buyer_message="要红色")
    return receive_order(actor=manager, data=data).order


def _totals(orders: list[Order]) -> dict[str, Any]:
    return {name: sum(getattr(order, name) for order in orders) for name in AMOUNTS}


def _line(order: Order, code: str) -> Any:
    return order.lines.get(merchant_code=code)


def test_share_rounds_half_up_to_the_cent() -> None:
    assert share(Decimal("10.00"), 1, 3) == Decimal("3.33")
    assert share(Decimal("0.05"), 1, 2) == Decimal("0.03")
    assert share(Decimal("99.98"), 3, 3) == Decimal("99.98")


def test_split_moves_units_into_a_new_part_of_the_same_trade(manager: Any, skus: list[Any]) -> None:
    order = _uneven_order(manager)
    before = _totals([order])
    line_paid = {line.oid: line.paid_amount for line in order.lines.all()}
    part = split_order(
        actor=manager,
        order_id=order.pk,
        parts={_line(order, "P1-S").pk: 1, _line(order, "P1-L").pk: 7},
        reason="先发有货的",
    )
    order.refresh_from_db()
    assert (part.order_no, part.channel, part.shop_id) == (
        order.order_no,
        order.channel,
        order.shop_id,
    )
    assert (part.part, part.split_from_id, part.source) == (1, order.pk, OrderSource.SPLIT)
    assert (part.receiver_name, part.receiver_address, part.buyer_message) == (
        order.receiver_name,
        order.receiver_address,
        "要红色",
    )
    assert sorted(part.lines.values_list("oid", "quantity")) == [("11", 1), ("13", 7)]
    assert sorted(order.lines.values_list("oid", "quantity")) == [("11", 2), ("12", 1)]
    # To the cent: the parts add up to what the channel's order said, line by line too.
    assert _totals([order, part]) == before
    for oid, paid in line_paid.items():
        assert (
            sum(
                line.paid_amount
                for line in [*order.lines.all(), *part.lines.all()]
                if line.oid == oid
            )
            == paid
        )
    assert _line(part, "P1-S").paid_amount == Decimal("33.33")
    assert part.paid_amount + order.paid_amount == before["paid_amount"]
    decision = part.decisions.get(action=DecisionAction.SPLIT)
    assert decision.reason == f"Split from {order}: P1-S×1, P1-L×7: 先发有货的"
    assert order.decisions.get(action=DecisionAction.SPLIT).actor == manager
    assert entries_for(part).filter(action="create").exists()
    assert entries_for(order).filter(note=f"Split into {part}").count() == 2
    assert_stock_exact()


def test_parts_are_numbered_in_turn_and_point_at_the_channel_order(
    manager: Any, skus: list[Any]
) -> None:
    order = make_order(manager, ("P1-S", 3), ("P1-M", 2))
    first = split_order(
        actor=manager,
        order_id=order.pk,
        parts={_line(order, "P1-S").pk: 1, _line(order, "P1-M").pk: 2},
    )
    second = split_order(actor=manager, order_id=first.pk, parts={_line(first, "P1-M").pk: 1})
    assert (first.part, second.part) == (1, 2)
    assert first.split_from_id == second.split_from_id == order.pk
    assert str(second) == f"{order.order_no}-2"
    assert sorted(Order.objects.values_list("part", flat=True)) == [0, 1, 2]


def test_splitting_an_approved_order_gives_the_moved_units_back(
    manager: Any, skus: list[Any]
) -> None:
    order = make_order(manager, ("P1-S", 3), ("P1-M", 2))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    part = split_order(
        actor=manager,
        order_id=order.pk,
        parts={_line(order, "P1-S").pk: 1, _line(order, "P1-M").pk: 2},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert (part.status, part.holds) == (OrderStatus.TO_REVIEW, [])
    assert StockLevel.objects.get(sku=skus[0]).reserved == 2
    assert StockLevel.objects.get(sku=skus[1]).reserved == 0
    assert_stock_exact()
    lifecycle.approve_order(actor=manager, order_id=part.pk)
    assert StockLevel.objects.get(sku=skus[0]).reserved == 3
    assert_stock_exact()
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="S1")
    assert StockLevel.objects.get(sku=skus[0]).on_hand == 8
    assert_stock_exact()


def test_split_out_of_stock_ships_what_is_there(manager: Any, skus: list[Any]) -> None:
    short = make_skus(manager, "Q1-S")[0]  # none on hand
    order = make_order(manager, ("P1-S", 12), ("Q1-S", 1), ("P1-M", 1))
    with pytest.raises(OrderOutOfStock):
        lifecycle.approve_order(actor=manager, order_id=order.pk)
    part = split_out_of_stock(actor=manager, order_id=order.pk)
    order.refresh_from_db()
    assert sorted(part.lines.values_list("merchant_code", "quantity")) == [
        ("P1-S", 2),
        ("Q1-S", 1),
    ]
    assert (part.status, part.holds, part.flag) == (
        OrderStatus.ON_HOLD,
        [HoldReason.OUT_OF_STOCK],
        Flag.YELLOW,
    )
    assert (order.status, order.holds) == (OrderStatus.TO_REVIEW, [])
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    assert StockLevel.objects.get(sku=skus[0]).reserved == 10
    assert not StockLevel.objects.filter(sku=short, reserved__gt=0).exists()
    assert_stock_exact()


def test_a_requested_refund_hold_follows_its_line(manager: Any, skus: list[Any]) -> None:
    lines = (
        LineInput("P1-S", 1, Decimal("59.00"), oid="1"),
        LineInput("P1-M", 1, Decimal("59.00"), oid="2", refund_status=RefundStatus.REQUESTED),
    )
    data = order_input(("X", 1))
    data = replace(data, lines=lines)
    order = receive_order(actor=manager, data=data).order
    assert order.holds == [HoldReason.REFUND]
    part = split_order(actor=manager, order_id=order.pk, parts={_line(order, "P1-M").pk: 1})
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.TO_REVIEW, [])
    assert (part.status, part.holds) == (OrderStatus.ON_HOLD, [HoldReason.REFUND])


@pytest.mark.parametrize("status", [OrderStatus.PRINTED, OrderStatus.SHIPPED, OrderStatus.CLOSED])
def test_split_refuses_orders_past_review(manager: Any, skus: list[Any], status: str) -> None:
    order = make_order(manager, ("P1-S", 2))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    if status == OrderStatus.SHIPPED:
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="9")
    elif status == OrderStatus.CLOSED:
        lifecycle.close_order(actor=manager, order_id=order.pk)
    else:
        lifecycle.set_status(manager, Order.objects.get(pk=order.pk), status)
    with pytest.raises(NotSplittable):
        split_order(actor=manager, order_id=order.pk, parts={_line(order, "P1-S").pk: 1})
    assert Order.objects.count() == 1
    assert _line(order, "P1-S").quantity == 2
    assert_stock_exact()


def test_split_refuses_a_merged_order(manager: Any, skus: list[Any]) -> None:
    first = make_order(manager, ("P1-S", 2), buyer_nick="小美")
    second = make_order(manager, ("P1-M", 2), buyer_nick="小美")
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    member = Order.objects.get(merged_into__isnull=False)
    with pytest.raises(NotSplittable):
        split_order(actor=manager, order_id=member.pk, parts={member.lines.get().pk: 1})


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        ("all", NotSplittable),
        ("too_many", InvalidInput),
        ("zero", InvalidInput),
        ("other_order", InvalidInput),
        ("nothing", InvalidInput),
    ],
)
def test_split_refuses_bad_quantities(
    manager: Any, skus: list[Any], parts: str, error: type[Exception]
) -> None:
    order = make_order(manager, ("P1-S", 2), ("P1-M", 1))
    other = make_order(manager, ("P1-S", 1))
    small, medium = _line(order, "P1-S").pk, _line(order, "P1-M").pk
    chosen = {
        "all": {small: 2, medium: 1},
        "too_many": {small: 3},
        "zero": {small: 0},
        "other_order": {other.lines.get().pk: 1},
        "nothing": {},
    }[parts]
    with pytest.raises(error):
        split_order(actor=manager, order_id=order.pk, parts=chosen)
    assert Order.objects.count() == 2
    assert not order.decisions.filter(action=DecisionAction.SPLIT).exists()


def test_split_out_of_stock_refuses_when_there_is_nothing_to_split(
    manager: Any, skus: list[Any]
) -> None:
    in_stock = make_order(manager, ("P1-S", 2))
    with pytest.raises(NotSplittable):
        split_out_of_stock(actor=manager, order_id=in_stock.pk)
    make_skus(manager, "Z1-S")
    nothing = make_order(manager, ("Z1-S", 1))
    with pytest.raises(NotSplittable):
        split_out_of_stock(actor=manager, order_id=nothing.pk)
    lifecycle.approve_order(actor=manager, order_id=in_stock.pk)
    with pytest.raises(NotSplittable):
        split_out_of_stock(actor=manager, order_id=in_stock.pk)
    assert Order.objects.count() == 2
