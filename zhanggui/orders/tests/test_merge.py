from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhanggui.channels.models import Shop
from zhanggui.core.audit import entries_for
from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel, StockMove
from zhanggui.orders.exceptions import WrongOrderStatus
from zhanggui.orders.models import DecisionAction, HoldReason, Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ChannelState
from zhanggui.orders.services.merge import (
    NotMergeable,
    count_merge_candidates,
    merge_candidates,
    merge_orders,
    unmerge_order,
)
from zhanggui.orders.tests.factories import RECEIVER, make_order, make_skus
from zhanggui.orders.tests.stock_checks import assert_stock_exact


@pytest.fixture
def skus(manager: Any) -> list[Any]:
    return make_skus(manager, "G1-S", "G1-M", on_hand=10)


def _two(manager: Any, **fields: Any) -> tuple[Order, Order]:
    """Two paid orders of one buyer to one receiver, the first paid an hour earlier."""
    now = timezone.now()
    first = make_order(manager, ("G1-S", 1), buyer_nick="小美", paid_at=now - timedelta(hours=1))
    second = make_order(manager, ("G1-M", 2), buyer_nick="小美", paid_at=now, **fields)
    return first, second


def _reserved(sku: Any) -> int:
    return StockLevel.objects.get(sku=sku).reserved


# ---------------------------------------------------------------- candidates


def test_candidates_group_one_buyer_to_one_receiver(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    make_order(manager, ("G1-S", 1), buyer_nick="别人")
    elsewhere = replace(RECEIVER, address="文二路1号")
    make_order(manager, ("G1-S", 1), buyer_nick="小美", receiver=elsewhere)
    make_order(manager, ("G1-S", 1), buyer_nick="小美", state=ChannelState.UNPAID)
    groups = merge_candidates()
    assert [group.order_ids for group in groups] == [[first.pk, second.pk]]
    assert groups[0].parcel == first
    assert count_merge_candidates() == 1


def test_candidates_leave_out_printed_other_shops_and_parts_of_one_trade(
    manager: Any, skus: list[Any]
) -> None:
    first, second = _two(manager)
    lifecycle.approve_order(actor=manager, order_id=second.pk)
    lifecycle.set_status(manager, Order.objects.get(pk=second.pk), OrderStatus.PRINTED)
    Shop.objects.create(channel="taobao", code="tb-2", name="二店")
    make_order(manager, ("G1-S", 1), buyer_nick="小美", shop_code="tb-2")
    assert merge_candidates() == []
    # A part split off the first order is the same trade: not offered on its own.
    from zhanggui.orders.services.split import split_order

    both = make_order(manager, ("G1-S", 1), ("G1-M", 1), buyer_nick="阿强")
    split_order(actor=manager, order_id=both.pk, parts={both.lines.last().pk: 1})
    assert merge_candidates() == []


# ---------------------------------------------------------------- merging


def test_merge_points_the_later_order_at_the_earliest_paid(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    parcel = merge_orders(actor=manager, order_ids=[second.pk, first.pk], reason="同一地址")
    second.refresh_from_db()
    assert parcel.pk == first.pk
    assert second.merged_into_id == first.pk
    assert second.lines.count() == 1  # each order keeps its own lines
    merged = second.decisions.get(action=DecisionAction.MERGE)
    assert merged.reason == f"Merged into {first}: 同一地址"
    assert merged.actor == manager
    assert first.decisions.get(action=DecisionAction.MERGE).reason == f"Carries {second}: 同一地址"
    change = entries_for(second).filter(action="update").latest("id")
    assert change.changes == {"merged_into": {"before": None, "after": str(first)}}
    assert_stock_exact()


def test_approving_the_parcel_allocates_the_whole_group(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    with pytest.raises(WrongOrderStatus):
        lifecycle.approve_order(actor=manager, order_id=second.pk)
    lifecycle.approve_order(actor=manager, order_id=first.pk)
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.APPROVED}
    assert (_reserved(skus[0]), _reserved(skus[1])) == (1, 2)
    assert_stock_exact()
    lifecycle.ship_order(actor=manager, order_id=first.pk, courier="STO", tracking_no="77001")
    second.refresh_from_db()
    assert (second.status, second.tracking_no) == (OrderStatus.SHIPPED, "77001")
    assert StockMove.objects.filter(kind="sale").count() == 2
    assert_stock_exact()


def test_merging_approved_orders_keeps_their_reservations(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    for order in (first, second):
        lifecycle.approve_order(actor=manager, order_id=order.pk)
    before = list(Reservation.objects.values_list("pk", "status"))
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    assert list(Reservation.objects.values_list("pk", "status")) == before
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.APPROVED}
    assert_stock_exact()


def test_merging_approved_with_unapproved_takes_the_approved_back_to_review(
    manager: Any, skus: list[Any]
) -> None:
    first, second = _two(manager)
    lifecycle.approve_order(actor=manager, order_id=second.pk)
    assert _reserved(skus[1]) == 2
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    second.refresh_from_db()
    assert second.status == OrderStatus.TO_REVIEW
    assert second.approved_at is None
    assert _reserved(skus[1]) == 0
    assert Reservation.objects.get().status == ReservationStatus.RELEASED
    assert second.decisions.filter(action=DecisionAction.RELEASE).exists()
    assert_stock_exact()
    lifecycle.approve_order(actor=manager, order_id=first.pk)
    assert (_reserved(skus[0]), _reserved(skus[1])) == (1, 2)
    assert_stock_exact()


def test_the_parcel_takes_the_members_holds(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    lifecycle.hold_order(
        actor=manager, order_id=second.pk, reasons=[HoldReason.BUYER_MESSAGE], reason="留言"
    )
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    first.refresh_from_db()
    assert (first.status, first.holds) == (OrderStatus.ON_HOLD, [HoldReason.BUYER_MESSAGE])


def test_a_third_order_joins_an_existing_parcel(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    earlier = make_order(
        manager, ("G1-S", 1), buyer_nick="小美", paid_at=timezone.now() - timedelta(hours=5)
    )
    assert [group.order_ids for group in merge_candidates()] == [[earlier.pk, first.pk]]
    parcel = merge_orders(actor=manager, order_ids=[first.pk, earlier.pk])
    assert parcel.pk == earlier.pk
    assert set(Order.objects.filter(merged_into=earlier).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


@pytest.mark.parametrize("case", ["other_buyer", "other_receiver", "one_order", "unpaid"])
def test_merge_refuses_orders_that_are_not_one_parcel(
    manager: Any, skus: list[Any], case: str
) -> None:
    first, _second = _two(manager)
    if case == "other_buyer":
        other = make_order(manager, ("G1-S", 1), buyer_nick="别人")
    elif case == "other_receiver":
        moved = replace(RECEIVER, phone="13900000000")
        other = make_order(manager, ("G1-S", 1), buyer_nick="小美", receiver=moved)
    elif case == "unpaid":
        other = make_order(manager, ("G1-S", 1), buyer_nick="小美", state=ChannelState.UNPAID)
    else:
        other = first
    with pytest.raises(NotMergeable):
        merge_orders(actor=manager, order_ids=[first.pk, other.pk])
    assert not Order.objects.filter(merged_into__isnull=False).exists()
    assert not first.decisions.filter(action=DecisionAction.MERGE).exists()


@pytest.mark.parametrize("status", [OrderStatus.PRINTED, OrderStatus.SHIPPED])
def test_merge_refuses_printed_and_shipped_orders(
    manager: Any, skus: list[Any], status: str
) -> None:
    first, second = _two(manager)
    lifecycle.approve_order(actor=manager, order_id=second.pk)
    if status == OrderStatus.SHIPPED:
        lifecycle.ship_order(actor=manager, order_id=second.pk, courier="STO", tracking_no="1")
    else:
        lifecycle.set_status(manager, Order.objects.get(pk=second.pk), status)
    with pytest.raises(NotMergeable):
        merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    assert not Order.objects.filter(merged_into__isnull=False).exists()
    assert_stock_exact()


def test_merge_refuses_an_order_merged_elsewhere(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    third = make_order(manager, ("G1-S", 1), buyer_nick="小美")
    with pytest.raises(NotMergeable):
        merge_orders(actor=manager, order_ids=[second.pk, third.pk])


# ---------------------------------------------------------------- unmerging


def test_unmerge_a_member_of_an_approved_parcel_keeps_stock_exact(
    manager: Any, skus: list[Any]
) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    lifecycle.approve_order(actor=manager, order_id=first.pk)
    detached = unmerge_order(actor=manager, order_id=second.pk, reason="分开发")
    assert [order.pk for order in detached] == [second.pk]
    second.refresh_from_db()
    assert (second.merged_into_id, second.status) == (None, OrderStatus.APPROVED)
    assert second.decisions.filter(action=DecisionAction.MERGE).count() == 2
    assert_stock_exact()
    # Now each ships as its own parcel.
    lifecycle.ship_order(actor=manager, order_id=first.pk, courier="STO", tracking_no="A1")
    second.refresh_from_db()
    assert second.status == OrderStatus.APPROVED
    lifecycle.ship_order(actor=manager, order_id=second.pk, courier="STO", tracking_no="A2")
    assert_stock_exact()


def test_unmerge_on_the_parcel_order_undoes_the_whole_merge(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    unmerge_order(actor=manager, order_id=first.pk)
    assert not Order.objects.filter(merged_into__isnull=False).exists()
    with pytest.raises(NotMergeable):
        unmerge_order(actor=manager, order_id=first.pk)


def test_unmerge_refuses_a_printed_parcel(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    lifecycle.approve_order(actor=manager, order_id=first.pk)
    lifecycle.set_status(manager, Order.objects.get(pk=first.pk), OrderStatus.PRINTED)
    with pytest.raises(NotMergeable):
        unmerge_order(actor=manager, order_id=second.pk)
    second.refresh_from_db()
    assert second.merged_into_id == first.pk


def test_merge_refuses_a_parcel_carrying_a_closed_order(manager: Any, skus: list[Any]) -> None:
    first, second = _two(manager)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    lifecycle.set_status(manager, Order.objects.get(pk=second.pk), OrderStatus.CLOSED)
    third = make_order(manager, ("G1-S", 1), buyer_nick="小美")
    with pytest.raises(NotMergeable):
        merge_orders(actor=manager, order_ids=[first.pk, third.pk])
    third.refresh_from_db()
    assert third.merged_into_id is None
