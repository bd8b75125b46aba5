"""TOP trade JSON -> OrderInput (no network, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from zhanggui.channels.connectors.taobao import TradeUnreadable, map_refund, map_trade
from zhanggui.channels.tests.fake_top import BEIJING, trade
from zhanggui.orders.models import Flag, OrderSource, RefundStatus
from zhanggui.orders.services.inputs import ChannelState

MODIFIED = datetime(2026, 11, 11, 0, 5, 0, tzinfo=BEIJING)


def _map(record):
    return map_trade(record, channel="taobao", shop_code="tb-main")


def test_a_paid_trade_maps_to_an_order_input_with_its_lines_and_receiver():
    record = trade(
        3028689418086124,
        modified=MODIFIED,
        lines=[("K1-S", 2, "59.00"), ("K2-M", 1, "120.50")],
        post_fee="8.00",
        discount_fee="10.00",
        point_fee=150,
        buyer_message="请发韵达",
        seller_memo="已核对",
        seller_flag=1,
        receiver_town="西溪街道",
    )
    record["orders"]["order"][0].update(discount_fee="3.00", divide_order_fee="112.00")
    data = _map(record)
    assert data.channel == "taobao"
    assert data.shop_code == "tb-main"
    assert data.order_no == "3028689418086124"
    assert data.state == ChannelState.PAID
    assert data.channel_status == "WAIT_SELLER_SEND_GOODS"
    assert data.source == OrderSource.SYNC
    assert data.goods_amount == Decimal("238.50")
    assert data.paid_amount == Decimal("236.50")
    assert data.post_fee == Decimal("8.00")
    assert data.discount_amount == Decimal("10.00")
    assert data.points_used == 150
    assert data.buyer_message == "请发韵达"
    assert data.seller_memo == "已核对"
    assert data.flag == Flag.RED
    # Beijing 00:05 on the 11th is 16:05 UTC on the 10th.
    assert data.modified_at == datetime(2026, 11, 10, 16, 5, tzinfo=UTC)
    assert data.ordered_at == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert data.paid_at == datetime(2026, 11, 10, 16, 1, tzinfo=UTC)
    receiver = data.receiver
    assert (receiver.name, receiver.phone, receiver.postcode) == ("张三", "13812345678", "310012")
    assert (receiver.province, receiver.city, receiver.district) == ("浙江省", "杭州市", "西湖区")
    assert receiver.address == "西溪街道文三路90号东部软件园3号楼"
    first, second = data.lines
    assert first.merchant_code == "K1-S"
    assert first.oid == "302868941808612401"
    assert (first.quantity, first.price, first.discount) == (2, Decimal("59.00"), Decimal("3.00"))
    assert first.paid_amount == Decimal("112.00")
    assert first.properties == "颜色分类:黑色;尺码:S"
    assert first.title == "测试连衣裙 K1-S"
    assert first.refund_status == RefundStatus.NONE
    assert (second.merchant_code, second.quantity, second.paid_amount) == (
        "K2-M",
        1,
        Decimal("120.50"),
    )


@pytest.mark.parametrize(
    ("seller_flag", "flag"),
    [
        (0, Flag.NONE),
        (1, Flag.RED),
        (2, Flag.YELLOW),
        (3, Flag.GREEN),
        (4, Flag.BLUE),
        (5, Flag.PURPLE),
        (7, Flag.NONE),
    ],
)
def test_seller_flags_map_to_the_shops_colours(seller_flag, flag):
    assert _map(trade(1, modified=MODIFIED, seller_flag=seller_flag)).flag == flag


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("TRADE_NO_CREATE_PAY", ChannelState.UNPAID),
        ("WAIT_BUYER_PAY", ChannelState.UNPAID),
        ("PAID_FORBID_CONSIGN", ChannelState.UNPAID),
        ("WAIT_SELLER_SEND_GOODS", ChannelState.PAID),
        ("SELLER_CONSIGNED_PART", ChannelState.PAID),
        ("WAIT_BUYER_CONFIRM_GOODS", ChannelState.SHIPPED),
        ("TRADE_BUYER_SIGNED", ChannelState.SHIPPED),
        ("TRADE_FINISHED", ChannelState.FINISHED),
        ("TRADE_CLOSED", ChannelState.CLOSED),
        ("TRADE_CLOSED_BY_TAOBAO", ChannelState.CLOSED),
    ],
)
def test_trade_statuses_map_to_channel_states(status, state):
    data = _map(trade(1, modified=MODIFIED, status=status))
    assert data.state == state
    assert data.channel_status == status


@pytest.mark.parametrize(
    ("refund_status", "expected"),
    [
        ("NO_REFUND", RefundStatus.NONE),
        ("WAIT_SELLER_AGREE", RefundStatus.REQUESTED),
        ("WAIT_BUYER_RETURN_GOODS", RefundStatus.REQUESTED),
        ("WAIT_SELLER_CONFIRM_GOODS", RefundStatus.REQUESTED),
        ("SELLER_REFUSE_BUYER", RefundStatus.REFUSED),
        ("CLOSED", RefundStatus.CANCELLED),
        ("SUCCESS", RefundStatus.REFUNDED),
        ("SOMETHING_NEW", RefundStatus.REQUESTED),
    ],
)
def test_line_refund_statuses_map_to_ours(refund_status, expected):
    record = trade(1, modified=MODIFIED)
    record["orders"]["order"][0]["refund_status"] = refund_status
    assert _map(record).lines[0].refund_status == expected


def test_a_shipped_trade_carries_its_courier_and_waybill():
    record = trade(1, modified=MODIFIED, status="WAIT_BUYER_CONFIRM_GOODS")
    record["orders"]["order"][0].update(logistics_company="韵达快递", invoice_no="4312345678901")
    data = _map(record)
    assert (data.courier, data.tracking_no) == ("韵达快递", "4312345678901")


def test_an_unpaid_trade_has_no_payment_time():
    data = _map(trade(1, modified=MODIFIED, status="WAIT_BUYER_PAY"))
    assert data.paid_at is None


def test_placeholder_postcode_and_item_code_fallback():
    record = trade(1, modified=MODIFIED, receiver_zip="000000", receiver_mobile="")
    record["receiver_phone"] = "0571-88888888"
    del record["orders"]["order"][0]["outer_sku_id"]
    record["orders"]["order"][0]["outer_iid"] = "ITEM-9"
    data = _map(record)
    assert data.receiver.postcode == ""
    assert data.receiver.phone == "0571-88888888"
    assert data.lines[0].merchant_code == "ITEM-9"


def test_an_invoice_title_is_read_when_the_gateway_sends_one():
    record = trade(1, modified=MODIFIED)
    record["invoice_name"] = "杭州某某科技有限公司"
    assert _map(record).invoice_title == "杭州某某科技有限公司"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "NOT_A_STATUS"}, "unknown trade status"),
        ({"orders": {"order": []}}, "orders.order is empty"),
        ({"payment": "12.3.4"}, "payment"),
        ({"modified": "2026/11/11"}, "modified"),
    ],
)
def test_unreadable_trades_name_the_field(change, message):
    record = trade(1, modified=MODIFIED)
    record.update(change)
    with pytest.raises(TradeUnreadable, match=message):
        _map(record)


def test_a_line_without_a_price_is_unreadable():
    record = trade(1, modified=MODIFIED)
    del record["orders"]["order"][0]["price"]
    with pytest.raises(TradeUnreadable, match="price is missing"):
        _map(record)


def test_a_refund_maps_to_its_line_status_and_amount():
    refund = map_refund(
        {
            "refund_id": "83477",
            "tid": 2231884277,
            "oid": 223188427701,
            "status": "SUCCESS",
            "refund_fee": "10.00",
            "modified": "2026-11-11 10:00:00",
        }
    )
    assert (refund.order_no, refund.sub_order_no) == ("2231884277", "223188427701")
    assert refund.refund_status == RefundStatus.REFUNDED
    assert refund.refund_amount == Decimal("10.00")
