"""The Taobao/Tmall seller-centre export: 订单报表 (one row per order) and 宝贝报表 (one row
per order line), as CHANNELS.md §1 describes them. Every header version (41 to 67 columns)
is read by column name; the item report in its classic 10-column form and the newer form
(子订单编号, 主订单编号, amounts and refund status per line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Final

from django.utils.translation import gettext as _

from zhanggui.orders.imports import values as cell
from zhanggui.orders.imports.files import Column, Layout
from zhanggui.orders.imports.spill import SpilledRow
from zhanggui.orders.imports.trades import (
    KEEPABLE,
    Cells,
    FieldMap,
    Ref,
    Trade,
    allocate,
    key_index,
)
from zhanggui.orders.models import Flag, OrderSource, RefundStatus
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput

ORDER_COLUMNS: Final = (
    Column("order_no", ("订单编号",), required=True),
    Column("buyer_nick", ("买家会员名",), required=True),
    Column("goods_amount", ("买家应付货款",), required=True),
    Column("post_fee", ("买家应付邮费",), required=True),
    Column("paid_amount", ("买家实际支付金额",), required=True),
    Column("points", ("买家实际支付积分",)),
    Column("status", ("订单状态",), required=True),
    Column("buyer_message", ("买家留言",)),
    Column("receiver_name", ("收货人姓名",), required=True),
    Column("address", ("收货地址",), required=True),
    Column("changed_address", ("修改后的收货地址",)),
    Column("phone", ("联系电话",)),
    Column("mobile", ("联系手机",), required=True),
    Column("ordered_at", ("订单创建时间",), required=True),
    Column("paid_at", ("订单付款时间",), required=True),
    Column("courier", ("物流公司",)),
    Column("tracking_no", ("物流单号",)),
    Column("seller_memo", ("订单备注", "卖家备注")),
    Column("quantity", ("宝贝总数量",)),
    Column("invoice_title", ("发票抬头",)),
    # No seller-centre version has a flag column; a seller's own report tool may add one.
    Column("flag", ("旗帜", "备注旗帜", "卖家旗帜", "订单旗帜", "插旗")),
)
LINE_COLUMNS: Final = (
    Column("order_no", ("主订单编号", "订单编号"), required=True),
    Column("oid", ("子订单编号",)),
    Column("title", ("标题", "宝贝标题"), required=True),
    Column("price", ("价格", "单价"), required=True),
    Column("quantity", ("购买数量",), required=True),
    Column("merchant_code", ("商家编码", "外部系统编号"), required=True),
    Column("outer_code", ("外部系统编号",)),
    Column("properties", ("商品属性", "销售属性")),
    Column("package", ("套餐信息",)),
    Column("paid_amount", ("买家实际支付金额",)),
    Column("refund_status", ("退款状态",)),
    Column("refund_amount", ("退款金额",)),
)
ORDER_KEYS: Final = tuple(column.key for column in ORDER_COLUMNS)
LINE_KEYS: Final = tuple(column.key for column in LINE_COLUMNS)
ORDER_INDEX: Final = key_index(ORDER_KEYS)
LINE_INDEX: Final = key_index(LINE_KEYS)
# Intake's field names -> our column keys, to name the column of a problem intake finds.
ORDER_FIELDS: Final = {
    "order_no": "order_no",
    "status": "status",
    "buyer_nick": "buyer_nick",
    "receiver.name": "receiver_name",
    "receiver.phone": "mobile",
    "receiver.address": "address",
    "invoice_title": "invoice_title",
    "courier": "courier",
    "tracking_no": "tracking_no",
    "flag": "flag",
    "lines": "order_no",
    "goods_amount": "goods_amount",
    "paid_amount": "paid_amount",
    "post_fee": "post_fee",
    "discount_amount": "paid_amount",
    "points_used": "points",
    "paid_at": "paid_at",
}
LINE_FIELDS: Final = {
    "qty": "quantity",
    "price": "price",
    "discount": "price",
    "paid_amount": "paid_amount",
    "refund_status": "refund_status",
    "refund_amount": "refund_amount",
    "merchant_code": "merchant_code",
    "title": "title",
    "properties": "properties",
    "oid": "oid",
}
# Cash on delivery: paid on arrival, so the export has no payment time; the order is ours to
# ship from the moment the buyer confirmed it, and its shipping clock starts then.
CASH_ON_DELIVERY: Final = frozenset(
    {"买家已确认，等待卖家发货", "卖家已发货，等待买家确认收货并付款"}
)
TEXT_LIMIT: Final = 200


@dataclass(frozen=True)
class TaobaoReader:
    """Builds trades from the spilled rows of one order report and one item report."""

    channel: str
    shop_code: str
    orders: Layout
    items: Layout
    modified_at: datetime | None = None

    @cached_property
    def fields(self) -> FieldMap:
        return FieldMap(self.orders, self.items, ORDER_FIELDS, LINE_FIELDS)

    @cached_property
    def kept(self) -> frozenset[str]:
        return frozenset(name for name in KEEPABLE if not self.orders.has(name))

    def trade(self, order: SpilledRow, lines: list[SpilledRow]) -> Trade:
        trade = Trade(
            order_no=order.order_no,
            order_ref=Ref(self.orders.file, order.row),
            line_refs=[Ref(self.items.file, line.row) for line in lines],
            fields=self.fields,
            kept=self.kept,
        )
        cells = Cells(trade, trade.order_ref, self.orders, ORDER_INDEX, order.values)
        if not lines:
            trade.add_error(
                trade.order_ref,
                self.orders.label("order_no"),
                _("The item report has no rows for this order."),
            )
            return trade
        values = self._order(cells)
        line_values = [
            self._line(Cells(trade, ref, self.items, LINE_INDEX, line.values))
            for ref, line in zip(trade.line_refs, lines, strict=True)
        ]
        self._check_quantity(cells, line_values)
        if trade.errors:
            return trade
        self._allocate(values, line_values)
        trade.data = OrderInput(**values, lines=tuple(LineInput(**line) for line in line_values))
        return trade

    def _order(self, cells: Cells) -> dict[str, Any]:
        channel_status, state = cells.read("status", cell.taobao_status, ("", ChannelState.PAID))
        ordered_at = cells.read("ordered_at", cell.beijing_time, None)
        paid_at = cells.read("paid_at", cell.beijing_time, None)
        cash_on_delivery = cells["status"].replace(",", "，") in CASH_ON_DELIVERY
        if paid_at is None and state != ChannelState.UNPAID and cash_on_delivery:
            paid_at = ordered_at
        goods = cells.read("goods_amount", cell.money, cell.ZERO)
        post_fee = cells.read("post_fee", cell.money, cell.ZERO)
        paid = cells.read("paid_amount", cell.money, cell.ZERO) if paid_at else None
        address = cells["changed_address"] or cells["address"]
        province, city, district, detail, postcode = cell.split_taobao_address(address)
        return {
            "channel": self.channel,
            "order_no": cells.trade.order_no,
            "state": state,
            "source": OrderSource.IMPORT,
            "shop_code": self.shop_code,
            "channel_status": channel_status,
            "buyer_nick": cells["buyer_nick"],
            "receiver": ReceiverInput(
                name=cells["receiver_name"],
                phone=cell.phone(cells["mobile"]) or cell.phone(cells["phone"]),
                province=province,
                city=city,
                district=district,
                address=detail,
                postcode=postcode,
            ),
            "goods_amount": goods,
            "paid_amount": paid,
            "post_fee": post_fee,
            "discount_amount": (
                max(goods + post_fee - paid, cell.ZERO) if paid is not None else cell.ZERO
            ),
            "points_used": cells.read("points", cell.whole_number, 0),
            "ordered_at": ordered_at,
            "paid_at": paid_at,
            "modified_at": self.modified_at,
            "buyer_message": cells["buyer_message"],
            "seller_memo": cells["seller_memo"],
            "flag": cells.read("flag", cell.flag, Flag.NONE.value)
            if cells.has("flag")
            else Flag.NONE,
            "invoice_title": cells["invoice_title"],
            "courier": cell.courier(cells["courier"]),
            "tracking_no": cell.tracking_number(cells["tracking_no"]),
        }

    def _line(self, cells: Cells) -> dict[str, Any]:
        paid = None
        if cells.has("paid_amount"):
            paid = cells.read("paid_amount", cell.money, cell.ZERO)
        refund_amount = cell.ZERO
        if cells.has("refund_amount") and any(ch.isdigit() for ch in cells["refund_amount"]):
            refund_amount = cells.read("refund_amount", cell.money, cell.ZERO)
        properties = "；".join(text for text in (cells["properties"], cells["package"]) if text)
        return {
            "merchant_code": (
                cell.unwrap(cells["merchant_code"]) or cell.unwrap(cells["outer_code"])
            ),
            "quantity": cells.read("quantity", cell.quantity, 1),
            "price": cells.read("price", cell.required_money, cell.ZERO),
            "oid": cells.read("oid", cell.order_number, "") if cells["oid"] else "",
            "title": cells["title"][:TEXT_LIMIT],
            "properties": properties[:TEXT_LIMIT],
            "paid_amount": paid,
            "refund_status": cells.read(
                "refund_status", cell.refund_status, RefundStatus.NONE.value
            ),
            "refund_amount": refund_amount,
        }

    def _allocate(self, order: dict[str, Any], lines: list[dict[str, Any]]) -> None:
        """What the buyer paid for each line. The newer item report says it; the classic one
        gives list prices only, so the order's goods payment is spread over the lines."""
        if any(line["paid_amount"] is None for line in lines):
            if order["paid_amount"] is not None:
                goods_paid = max(order["paid_amount"] - order["post_fee"], cell.ZERO)
            else:
                goods_paid = order["goods_amount"]
            shares = allocate(goods_paid, [line["price"] * line["quantity"] for line in lines])
            for line, share in zip(lines, shares, strict=True):
                line["paid_amount"] = max(share, cell.ZERO)
        for line in lines:
            line["discount"] = max(
                line["price"] * line["quantity"] - line["paid_amount"], cell.ZERO
            )

    def _check_quantity(self, cells: Cells, lines: list[dict[str, Any]]) -> None:
        """宝贝总数量 against the item rows: fewer units means rows of the order are missing
        from the item report, and half an order is never imported."""
        if not cells["quantity"]:
            return
        expected = cells.read("quantity", cell.whole_number, 0)
        found = sum(line["quantity"] for line in lines)
        if expected and expected != found:
            cells.trade.add_error(
                cells.ref,
                self.orders.label("quantity"),
                _("The order report says %(expected)d units; its item rows add up to %(found)d.")
                % {"expected": expected, "found": found},
            )
