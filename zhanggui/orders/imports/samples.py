"""Writing seller-centre exports the way the seller centre writes them (CHANNELS.md §1):
GBK, every field quoted, the order number as an Excel formula `="…"`, the phone behind an
apostrophe, item rows ending in a comma. For tests, the benchmark and demo data; rows are
written as they come, so a file of 100,000 orders never sits in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Final

from zhanggui.core.money import round_money

# The 2021 order report, 67 columns (taobao_order_report_header_versions.json).
ORDER_HEADER_2021: Final = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "支付单号",
    "支付详情",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址",
    "运送方式",
    "联系电话",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "分阶段订单信息",
    "特权订金订单id",
    "是否上传合同照片",
    "是否上传小票",
    "是否代付",
    "定金排名",
    "修改后的sku",
    "修改后的收货地址",
    "异常信息",
    "天猫卡券抵扣",
    "集分宝抵扣",
    "是否是O2O交易",
    "满返红包金额",
    "新零售交易类型",
    "新零售导购门店名称",
    "新零售导购门店id",
    "新零售发货门店名称",
    "新零售发货门店id",
    "退款金额",
    "预约门店",
    "确认收货时间",
    "打款商家金额",
    "含应开票给个人的个人红包",
    "是否信用购",
    "体验期结束时间",
    "前N有礼",
    "配送类型",
    "直播返现状态",
    "返现金额",
    "新零售成交门店昵称",
    "新零售成交门店id",
    "新零售成交经销商id",
    "主订单编号",
]
ITEM_HEADER_CLASSIC: Final = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]
ITEM_HEADER_NEW: Final = [
    "子订单编号",
    "主订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
    "支付单号",
    "买家应付货款",
    "买家实际支付金额",
    "退款状态",
    "退款金额",
    "订单创建时间",
    "订单付款时间",
]
# Columns the seller centre writes as ="…" formulas, so Excel keeps every digit.
FORMULA_COLUMNS: Final = frozenset({"订单编号", "子订单编号", "主订单编号", "特权订金订单id"})


@dataclass
class SampleLine:
    merchant_code: str
    quantity: int = 1
    price: Decimal = Decimal("59.00")
    title: str = "夏季新款连衣裙"
    properties: str = "颜色分类：黑色；尺码：M"
    oid: str = ""
    refund_status: str = "没有申请退款"
    refund_amount: str = "无退款申请"


@dataclass
class SampleOrder:
    order_no: str
    lines: list[SampleLine]
    status: str = "买家已付款，等待卖家发货"
    buyer_nick: str = "tb_buyer"
    receiver_name: str = "张三"
    address: str = "浙江省 杭州市 西湖区 文三路90号东部软件园3号楼(310012)"
    mobile: str = "13812345678"
    created: str = "2017-07-08 00:40:11"
    paid: str = "2017-07-08 00:42:32"
    post_fee: Decimal = Decimal("0.00")
    discount: Decimal = Decimal("0.00")
    buyer_message: str = ""
    memo: str = ""
    courier: str = ""
    tracking_no: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def goods(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0.00"))

    @property
    def paid_amount(self) -> Decimal:
        return round_money(self.goods + self.post_fee - self.discount)


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def csv_line(header: Sequence[str], values: dict[str, str], *, trailing_comma: bool = False) -> str:
    cells = []
    for name in header:
        value = values.get(name.strip(), "")
        cells.append(f'="{value}"' if name.strip() in FORMULA_COLUMNS else quoted(value))
    return ",".join(cells) + ("," if trailing_comma else "") + "\r\n"


def order_values(order: SampleOrder) -> dict[str, str]:
    values = {
        "订单编号": order.order_no,
        "买家会员名": order.buyer_nick,
        "买家支付宝账号": f"{order.buyer_nick}@example.com",
        "买家应付货款": f"{order.goods:.2f}",
        "买家应付邮费": f"{order.post_fee:.2f}",
        "买家支付积分": "0",
        "总金额": f"{order.goods + order.post_fee:.2f}",
        "返点积分": "0",
        "买家实际支付金额": f"{order.paid_amount:.2f}" if order.paid else "0.00",
        "买家实际支付积分": "0",
        "订单状态": order.status,
        "买家留言": order.buyer_message,
        "收货人姓名": order.receiver_name,
        "收货地址": order.address,
        "运送方式": "快递",
        "联系电话": "",
        "联系手机": f"'{order.mobile}",
        "订单创建时间": order.created,
        "订单付款时间": order.paid,
        "宝贝标题": "，".join(line.title for line in order.lines),
        "宝贝种类": str(len(order.lines)),
        "物流单号": order.tracking_no,
        "物流公司": order.courier,
        "订单备注": order.memo,
        "宝贝总数量": str(sum(line.quantity for line in order.lines)),
        "店铺Id": "0",
        "店铺名称": "掌柜测试店",
        "订单关闭原因": "订单未关闭",
        "卖家服务费": "0",
        "买家服务费": "0元",
        "是否手机订单": "手机订单",
        "特权订金订单id": "",
        "是否代付": "否",
        "退款金额": "0.00",
        "打款商家金额": "0元",
        "主订单编号": order.order_no,
    }
    values.update(order.extra)
    return values


def line_values(order: SampleOrder, line: SampleLine) -> dict[str, str]:
    paid = round_money(line.price * line.quantity * order.paid_amount / order.goods)
    return {
        "订单编号": order.order_no,
        "子订单编号": line.oid,
        "主订单编号": order.order_no,
        "标题": line.title,
        "价格": f"{line.price:.2f}",
        "购买数量": str(line.quantity),
        "外部系统编号": line.merchant_code,
        "商品属性": line.properties,
        "套餐信息": "",
        "备注": "",
        "订单状态": order.status,
        "商家编码": line.merchant_code,
        "买家应付货款": f"{line.price * line.quantity:.2f}",
        "买家实际支付金额": f"{paid:.2f}",
        "退款状态": line.refund_status,
        "退款金额": line.refund_amount,
        "订单创建时间": order.created,
        "订单付款时间": order.paid,
    }


def write_order_report(
    stream: IO[bytes],
    orders: Iterable[SampleOrder],
    *,
    header: Sequence[str] = ORDER_HEADER_2021,
    encoding: str = "gbk",
) -> None:
    stream.write(",".join(quoted(name) for name in header).encode(encoding) + b"\r\n")
    for order in orders:
        stream.write(csv_line(header, order_values(order)).encode(encoding))


def write_item_report(
    stream: IO[bytes],
    orders: Iterable[SampleOrder],
    *,
    header: Sequence[str] = ITEM_HEADER_CLASSIC,
    encoding: str = "gbk",
) -> None:
    stream.write(",".join(quoted(name) for name in header).encode(encoding) + b"\r\n")
    for order in orders:
        for line in order.lines:
            stream.write(
                csv_line(header, line_values(order, line), trailing_comma=True).encode(encoding)
            )


def order_report(
    orders: Iterable[SampleOrder],
    *,
    header: Sequence[str] = ORDER_HEADER_2021,
    encoding: str = "gbk",
) -> bytes:
    buffer = io.BytesIO()
    write_order_report(buffer, orders, header=header, encoding=encoding)
    return buffer.getvalue()


def item_report(
    orders: Iterable[SampleOrder],
    *,
    header: Sequence[str] = ITEM_HEADER_CLASSIC,
    encoding: str = "gbk",
) -> bytes:
    buffer = io.BytesIO()
    write_item_report(buffer, orders, header=header, encoding=encoding)
    return buffer.getvalue()
