from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.orders.models import (
    Flag,
    HoldReason,
    MerchantCodeMapping,
    Order,
    OrderLine,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services.inputs import ChannelState, LineInput, ReceiverInput
from zhanggui.orders.services.intake import Outcome, receive_order
from zhanggui.orders.tests.factories import make_skus, order_input


@pytest.fixture
def skus(manager):
    return make_skus(manager, "D1-S", "D1-M", on_hand=10)


def test_a_paid_order_arrives_to_review_with_its_lines_matched(manager, skus):
    data = order_input(("D1-S", 2), ("D1-M", 1), post_fee=Decimal("8.00"))
    result = receive_order(actor=manager, data=data)
    order = result.order
    assert result.outcome == Outcome.CREATED
    assert order.status == OrderStatus.TO_REVIEW
    assert order.holds == []
    assert [(line.sku_id, line.quantity) for line in order.lines.all()] == [
        (skus[0].pk, 2),
        (skus[1].pk, 1),
    ]
    assert order.goods_amount == Decimal("177.00")
    assert order.paid_amount == Decimal("185.00")
    assert order.shop.channel == "taobao"
    assert entries_for(order).count() == 1


def test_the_same_order_twice_is_unchanged_and_never_duplicated(manager, skus):
    data = order_input(("D1-S", 1))
    first = receive_order(actor=manager, data=data)
    second = receive_order(actor=manager, data=data)
    assert second.outcome == Outcome.UNCHANGED
    assert second.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1


def test_a_newer_record_updates_memo_flag_and_refunds(manager, skus):
    data = order_input(("D1-S", 1), ("D1-M", 1))
    order = receive_order(actor=manager, data=data).order
    newer = replace(
        data,
        seller_memo="要红色",
        flag=Flag.RED,
        lines=(data.lines[0], replace(data.lines[1], refund_status=RefundStatus.REQUESTED)),
    )
    result = receive_order(actor=manager, data=newer)
    order.refresh_from_db()
    assert result.outcome == Outcome.UPDATED
    assert (order.seller_memo, order.flag) == ("要红色", Flag.RED)
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.REFUND]
    assert Order.objects.count() == 1


def test_an_unpaid_order_becomes_to_review_when_paid(manager, skus):
    unpaid = order_input(("D1-S", 1), state=ChannelState.UNPAID)
    order = receive_order(actor=manager, data=unpaid).order
    assert order.status == OrderStatus.AWAITING_PAYMENT
    paid = order_input(("D1-S", 1), order_no=unpaid.order_no)
    receive_order(actor=manager, data=paid)
    order.refresh_from_db()
    assert order.status == OrderStatus.TO_REVIEW
    assert order.paid_at is not None


def test_unknown_merchant_code_holds_the_order_until_mapped(manager, skus):
    order = receive_order(actor=manager, data=order_input(("NOPE-1", 1))).order
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.UNMATCHED]
    assert order.lines.get().sku_id is None
    MerchantCodeMapping.objects.create(channel="taobao", merchant_code="NOPE-1", sku=skus[0])
    again = receive_order(actor=manager, data=order_input(("NOPE-1", 1))).order
    assert again.lines.get().sku_id == skus[0].pk
    assert again.status == OrderStatus.TO_REVIEW


def test_an_address_that_does_not_resolve_holds_the_order(manager, skus):
    receiver = ReceiverInput(name="李四", phone="13900000000", address="火星 乌托邦 1号")
    order = receive_order(actor=manager, data=order_input(("D1-S", 1), receiver=receiver)).order
    assert order.status == OrderStatus.ON_HOLD
    assert HoldReason.ADDRESS_UNRESOLVED in order.holds


def test_short_division_names_are_made_official(manager, skus):
    receiver = ReceiverInput(
        name="王五",
        phone="13700000000",
        province="广西",
        city="南宁",
        district="青秀区",
        address="民族大道100号",
    )
    order = receive_order(actor=manager, data=order_input(("D1-S", 1), receiver=receiver)).order
    assert (order.receiver_province, order.receiver_city, order.receiver_district) == (
        "广西壮族自治区",
        "南宁市",
        "青秀区",
    )
    assert order.status == OrderStatus.TO_REVIEW


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineInput(merchant_code="D1-S", quantity=0, price=Decimal("1.00")), "lines[1].qty"),
        (LineInput(merchant_code="D1-S", quantity=-2, price=Decimal("1.00")), "lines[1].qty"),
        (LineInput(merchant_code="D1-S", quantity=1, price=Decimal("-1.00")), "lines[1].price"),
        (LineInput(merchant_code="D1-S", quantity=1, price=Decimal("1.005")), "lines[1].price"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(manager, skus, line, field):
    data = replace(order_input(("D1-S", 1)), lines=(line,))
    with pytest.raises(InvalidInput) as refused:
        receive_order(actor=manager, data=data)
    assert field in refused.value.fields
    assert Order.objects.count() == 0


def test_a_channel_that_already_shipped_creates_a_shipped_order_without_stock(manager, skus):
    data = order_input(("D1-S", 1), state=ChannelState.SHIPPED, courier="STO", tracking_no="1")
    order = receive_order(actor=manager, data=data).order
    assert order.status == OrderStatus.SHIPPED
    assert skus[0].stock_levels.get().on_hand == 10


def test_a_closed_trade_closes_the_order(manager, skus):
    data = order_input(("D1-S", 1))
    order = receive_order(actor=manager, data=data).order
    receive_order(actor=manager, data=replace(data, state=ChannelState.CLOSED))
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED


def test_an_unpaid_order_with_an_unknown_code_is_held_once_paid(manager, skus):
    unpaid = order_input(("NOPE-2", 1), state=ChannelState.UNPAID)
    order = receive_order(actor=manager, data=unpaid).order
    assert order.status == OrderStatus.AWAITING_PAYMENT
    receive_order(actor=manager, data=order_input(("NOPE-2", 1), order_no=unpaid.order_no))
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.UNMATCHED]


def test_a_new_buyer_message_waits_for_an_answer_again(manager, skus):
    from django.utils import timezone

    data = order_input(("D1-S", 1), buyer_message="发顺丰")
    order = receive_order(actor=manager, data=data).order
    Order.objects.filter(pk=order.pk).update(buyer_message_answered_at=timezone.now())
    receive_order(actor=manager, data=replace(data, buyer_message="改发圆通"))
    order.refresh_from_db()
    assert order.buyer_message_answered_at is None
