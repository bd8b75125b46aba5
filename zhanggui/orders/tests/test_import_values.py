"""Cells of channel exports, read the way the channels write them (no database)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import datetime
from decimal import Decimal

import pytest

from zhanggui.orders.imports import values
from zhanggui.orders.imports.trades import allocate
from zhanggui.orders.models import Flag, RefundStatus
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput
from zhanggui.orders.services.intake import content_hash

BEIJING = values.BEIJING


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ('="35153131473293579"', "35153131473293579"),
        ("35153131473293579", "35153131473293579"),
        ("'3515313147329357912", "3515313147329357912"),
        (' ="3515313147329357912" ', "3515313147329357912"),
    ],
)
def test_order_numbers_lose_the_excel_marks_and_keep_every_digit(cell, number):
    assert values.order_number(cell) == number


@pytest.mark.parametrize("cell", ["", '=""', "3.5153131473293578e+16", "T2017-001", "合计"])
def test_a_cell_that_is_no_order_number_is_refused(cell):
    with pytest.raises(values.CellError):
        values.order_number(cell)


def test_phones_lose_the_apostrophe_that_kept_excel_off_them():
    assert values.phone("'13925130165") == "13925130165"
    assert values.phone("0571-88886666") == "0571-88886666"


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("201.12", "201.12"),
        ("0.00", "0.00"),
        ("0元", "0.00"),
        ("1,299.00元", "1299.00"),
        ("", "0.00"),
    ],
)
def test_amounts_as_the_seller_centre_writes_them(cell, amount):
    assert values.money(cell) == Decimal(amount)


@pytest.mark.parametrize("cell", ["abc", "-5.00", "1e400", "¥¥"])
def test_a_broken_amount_is_refused(cell):
    with pytest.raises(values.CellError):
        values.money(cell)


def test_an_empty_price_is_refused():
    with pytest.raises(values.CellError):
        values.required_money("")


@pytest.mark.parametrize(
    ("cell", "moment"),
    [
        ("2017-07-08 00:42:32", datetime(2017, 7, 8, 0, 42, 32, tzinfo=BEIJING)),
        ("2016/5/23 22:02", datetime(2016, 5, 23, 22, 2, tzinfo=BEIJING)),
        ("2017-07-08T00:42:32", datetime(2017, 7, 8, 0, 42, 32, tzinfo=BEIJING)),
        ("", None),
        ("1970-01-01 08:00:00", None),
    ],
)
def test_times_are_beijing_time_in_both_styles(cell, moment):
    assert values.beijing_time(cell) == moment


@pytest.mark.parametrize("cell", ["2017-13-45 25:00:00", "昨天", "2017-07-08 00:42:32 extra"])
def test_a_broken_time_is_refused(cell):
    with pytest.raises(values.CellError):
        values.beijing_time(cell)


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        (
            "浙江省 杭州市 西湖区 文三路90号 3号楼(310012)",
            ("浙江省", "杭州市", "西湖区", "文三路90号 3号楼", "310012"),
        ),
        (
            "广东省 广州市 其它区 北京路188号(000000)",
            ("广东省", "广州市", "", "北京路188号", ""),
        ),
        ("北京 北京市 朝阳区 望京街道(100102)", ("北京", "北京市", "朝阳区", "望京街道", "100102")),
        ("上海浦东新区张江路665号", ("", "", "", "上海浦东新区张江路665号", "")),
    ],
)
def test_addresses_split_on_the_first_three_spaces(cell, parts):
    assert values.split_taobao_address(cell) == parts


@pytest.mark.parametrize(
    ("text", "code", "state"),
    [
        ("买家已付款，等待卖家发货", "WAIT_SELLER_SEND_GOODS", ChannelState.PAID),
        ("买家已付款,等待卖家发货", "WAIT_SELLER_SEND_GOODS", ChannelState.PAID),
        ("等待买家付款", "WAIT_BUYER_PAY", ChannelState.UNPAID),
        ("没有创建支付宝交易", "TRADE_NO_CREATE_PAY", ChannelState.UNPAID),
        ("卖家已发货，等待买家确认", "WAIT_BUYER_CONFIRM_GOODS", ChannelState.SHIPPED),
        ("买家已签收，回款至卖家", "TRADE_BUYER_SIGNED", ChannelState.SHIPPED),
        ("交易成功", "TRADE_FINISHED", ChannelState.FINISHED),
        ("交易关闭", "TRADE_CLOSED", ChannelState.CLOSED),
        ("交易被淘宝关闭", "TRADE_CLOSED_BY_TAOBAO", ChannelState.CLOSED),
    ],
)
def test_status_texts_map_to_the_channel_state(text, code, state):
    assert values.taobao_status(text) == (code, state)


def test_an_unknown_status_text_is_refused():
    with pytest.raises(values.CellError):
        values.taobao_status("<script>alert(1)</script>")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("没有申请退款", RefundStatus.NONE),
        ("", RefundStatus.NONE),
        ("退款成功", RefundStatus.REFUNDED),
        ("退款关闭", RefundStatus.CANCELLED),
        ("卖家拒绝退款", RefundStatus.REFUSED),
        ("买家已经申请退款，等待卖家同意", RefundStatus.REQUESTED),
        ("买家已经退货，等待卖家确认收货", RefundStatus.REQUESTED),
    ],
)
def test_refund_texts_map_to_refund_status(text, status):
    assert values.refund_status(text) == status


@pytest.mark.parametrize(
    ("cell", "flag"),
    [
        ("", Flag.NONE),
        ("0", Flag.NONE),
        ("1", Flag.RED),
        ("红旗", Flag.RED),
        ("黄色", Flag.YELLOW),
        ("5", Flag.PURPLE),
        ("粉红", Flag.PURPLE),
        ("green", Flag.GREEN),
    ],
)
def test_flags_by_number_or_colour(cell, flag):
    assert values.flag(cell) == flag


def test_couriers_get_their_taobao_code():
    assert values.courier("中通快递") == "ZTO"
    assert values.courier("韵达快递") == "YUNDA"
    assert values.courier("EMS经济快递") == "EMS"
    assert values.courier("某某物流有限公司很长很长的名字") == "某某物流有限公司很长很长的名字"[:16]


def test_allocation_sums_to_the_cent():
    shares = allocate(Decimal("201.12"), [Decimal("239.00"), Decimal("59.00"), Decimal("59.00")])
    assert sum(shares) == Decimal("201.12")
    assert shares[1] == shares[2]


def _reference_hash(data: OrderInput) -> str:
    payload = asdict(replace(data, source=""))
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_content_hash_is_the_digest_of_the_whole_input():
    data = OrderInput(
        channel="taobao",
        order_no="3515313147329357912",
        state=ChannelState.PAID,
        lines=(
            LineInput("K-S", 2, Decimal("59.00"), oid="1", paid_amount=Decimal("100.12")),
            LineInput("K-M", 1, Decimal("9.90"), refund_status=RefundStatus.REQUESTED),
        ),
        receiver=ReceiverInput(name="张三", province="浙江省", address="文三路"),
        paid_at=datetime(2017, 7, 8, 0, 42, 32, tzinfo=BEIJING),
        buyer_message="=cmd|' /C calc'!A0",
        flag=Flag.RED,
    )
    assert content_hash(data) == _reference_hash(data)
    assert content_hash(replace(data, seller_memo="x")) != content_hash(data)
