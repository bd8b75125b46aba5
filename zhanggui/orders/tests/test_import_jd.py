"""Importing JD's order export: one file, one row per order line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.orders.imports import MissingColumns, WrongFiles
from zhanggui.orders.models import HoldReason, Order, OrderStatus
from zhanggui.orders.tests.factories import make_skus
from zhanggui.orders.tests.import_files import csv_bytes, errors_of, run_import, xlsx

HEADER = [
    "订单号",
    "商品ID",
    "商品名称",
    "订购数量",
    "支付方式",
    "下单时间",
    "京东价",
    "订单金额",
    "结算金额",
    "余额支付",
    "应付金额",
    "订单状态",
    "订单类型",
    "下单帐号",
    "客户姓名",
    "客户地址",
    "联系电话",
    "订单备注",
    "发票类型",
    "发票抬头",
    "发票内容",
    "商家备注",
    "商家SKUID",
    "运费金额",
    "付款确认时间",
    "增值税发票",
    "货号",
]
NAME = "jd-orders-20261111.csv"


def jd_row(order_no: str, code: str, quantity: int, **values: str) -> list[str]:
    row = {
        "订单号": order_no,
        "商品ID": "100012345678",
        "商品名称": "京东连衣裙",
        "订购数量": str(quantity),
        "支付方式": "在线支付",
        "下单时间": "2026-11-11 00:01:05",
        "京东价": "59.00",
        "订单金额": "118.00",
        "结算金额": "118.00",
        "余额支付": "0.00",
        "应付金额": "118.00",
        "订单状态": "等待出库",
        "订单类型": "普通订单",
        "下单帐号": "jd_buyer",
        "客户姓名": "王五",
        "客户地址": "北京朝阳区望京街道阜通东大街6号院",
        "联系电话": "13912345678",
        "订单备注": "",
        "发票类型": "电子发票",
        "发票抬头": "个人",
        "发票内容": "明细",
        "商家备注": "",
        "商家SKUID": code,
        "运费金额": "0.00",
        "付款确认时间": "2026-11-11 00:02:11",
        "增值税发票": "否",
        "货号": "JD-ITEM",
    }
    row.update(values)
    return [row[name] for name in HEADER]


@pytest.fixture
def skus(manager):
    return make_skus(manager, "J-S", "J-M", on_hand=20)


def test_a_jd_order_of_two_lines_imports_as_one_order(skus):
    rows = [
        HEADER,
        jd_row("230001", "J-S", 1, 应付金额="110.00", 余额支付="5.00", 运费金额="0.00"),
        jd_row("230001", "J-M", 1, 应付金额="110.00", 余额支付="5.00", 运费金额="0.00"),
        jd_row("230002", "J-S", 2),
    ]
    summary = run_import([(NAME, csv_bytes(rows))], channel="jd")
    assert summary.as_json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    order = Order.objects.get(order_no="230001")
    assert order.channel == "jd"
    assert order.status == OrderStatus.TO_REVIEW
    assert order.channel_status == "WAIT_SELLER_STOCK_OUT"
    assert order.paid_amount == Decimal("115.00")
    assert order.discount_amount == Decimal("3.00")
    assert (order.receiver_province, order.receiver_city, order.receiver_district) == (
        "北京市",
        "北京市",
        "朝阳区",
    )
    assert [line.merchant_code for line in order.lines.all()] == ["J-S", "J-M"]
    assert sum(line.paid_amount for line in order.lines.all()) == Decimal("115.00")


def test_the_same_jd_file_twice_is_unchanged(skus):
    files = [(NAME, csv_bytes([HEADER, jd_row("230001", "J-S", 1)]))]
    run_import(files, channel="jd")
    assert run_import(files, channel="jd").unchanged == 1


def test_jd_xlsx_and_cash_on_delivery(skus):
    rows = [jd_row("230003", "J-S", 1, 支付方式="货到付款", 付款确认时间="")]
    summary = run_import([("jd.xlsx", xlsx(HEADER, rows))], channel="jd")
    assert summary.created == 1
    order = Order.objects.get()
    assert order.paid_at == order.ordered_at


def test_rows_of_one_jd_order_that_disagree_reject_it(skus):
    rows = [
        HEADER,
        jd_row("230001", "J-S", 1, 商家备注="甲"),
        jd_row("230001", "J-M", 1, 商家备注="乙"),
        jd_row("230002", "NEW-CODE", 1),
    ]
    summary = run_import([(NAME, csv_bytes(rows))], channel="jd")
    assert (summary.created, summary.rejected) == (1, 1)
    assert errors_of(summary) == [(NAME, 2, "订单号"), (NAME, 3, "订单号")]
    held = Order.objects.get()
    assert held.holds == [HoldReason.UNMATCHED]


def test_a_broken_jd_row_names_its_column(skus):
    rows = [HEADER, jd_row("230001", "J-S", 1, 下单时间="明天"), jd_row("230002", "J-S", 0)]
    summary = run_import([(NAME, csv_bytes(rows))], channel="jd")
    assert summary.rejected == 2
    assert errors_of(summary) == [(NAME, 2, "下单时间"), (NAME, 3, "订购数量")]


def test_a_jd_file_without_its_key_columns_is_refused(skus):
    header = [name for name in HEADER if name != "商家SKUID"]
    rows = [header, jd_row("230001", "J-S", 1)[:-1]]
    with pytest.raises(MissingColumns) as raised:
        run_import([(NAME, csv_bytes(rows))], channel="jd")
    assert raised.value.columns == ["商家SKUID"]


def test_jd_takes_one_file(skus):
    content = csv_bytes([HEADER, jd_row("230001", "J-S", 1)])
    with pytest.raises(WrongFiles):
        run_import([(NAME, content), (NAME, content)], channel="jd")
