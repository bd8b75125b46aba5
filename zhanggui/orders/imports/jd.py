"""JD's order export (京东商家后台 → 订单查询 → 导出): one file, one row per order line, the
order's own columns repeated on each of its rows. Columns are found by name; where JD
has used several names over the years, each is listed.

Amounts: 京东价 is the unit price; the buyer paid 应付金额 online plus 余额支付 from their
JD balance; 运费金额 is the post fee. Cash-on-delivery orders (支付方式 货到付款) have no
payment time: they are ours to ship from the moment they were placed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import Final

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
from zhanggui.orders.models import Flag, OrderSource
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput

ORDER_COLUMNS: Final = (
    Column("order_no", ("订单号", "订单编号"), required=True),
    Column("payment_method", ("支付方式",)),
    Column("ordered_at", ("下单时间",), required=True),
    Column("paid_at", ("付款确认时间", "付款时间", "支付时间")),
    Column("payable_amount", ("应付金额",), required=True),
    Column("balance_paid", ("余额支付",)),
    Column("post_fee", ("运费金额", "运费")),
    Column("status", ("订单状态",), required=True),
    Column("buyer_nick", ("下单帐号", "下单账号", "用户账号")),
    Column("receiver_name", ("客户姓名", "收货人姓名", "收货人"), required=True),
    Column("address", ("客户地址", "收货地址"), required=True),
    Column("phone", ("联系电话", "手机号码", "联系手机")),
    Column("buyer_message", ("订单备注", "买家备注")),
    Column("invoice_title", ("发票抬头",)),
    Column("seller_memo", ("商家备注", "卖家备注")),
    Column("flag", ("旗帜", "商家备注旗帜", "备注旗帜")),
)
LINE_COLUMNS: Final = (
    Column("order_no", ("订单号", "订单编号"), required=True),
    Column("title", ("商品名称",), required=True),
    Column("quantity", ("订购数量", "商品数量"), required=True),
    Column("price", ("京东价", "商品单价", "单价"), required=True),
    Column("merchant_code", ("商家SKUID", "商家编码", "商家SKU编码"), required=True),
)
COLUMNS: Final = ORDER_COLUMNS + LINE_COLUMNS[1:]
ORDER_KEYS: Final = tuple(column.key for column in ORDER_COLUMNS)
LINE_KEYS: Final = tuple(column.key for column in LINE_COLUMNS)
ORDER_INDEX: Final = key_index(ORDER_KEYS)
LINE_INDEX: Final = key_index(LINE_KEYS)
ORDER_FIELDS: Final = {
    "order_no": "order_no",
    "status": "status",
    "buyer_nick": "buyer_nick",
    "receiver.name": "receiver_name",
    "receiver.phone": "phone",
    "receiver.address": "address",
    "invoice_title": "invoice_title",
    "flag": "flag",
    "lines": "order_no",
    "paid_amount": "payable_amount",
    "discount_amount": "payable_amount",
    "post_fee": "post_fee",
    "paid_at": "paid_at",
}
LINE_FIELDS: Final = {
    "qty": "quantity",
    "price": "price",
    "discount": "price",
    "paid_amount": "price",
    "merchant_code": "merchant_code",
    "title": "title",
}
TEXT_LIMIT: Final = 200


@dataclass(frozen=True)
class JdReader:
    channel: str
    shop_code: str
    layout: Layout
    modified_at: datetime | None = None

    @cached_property
    def fields(self) -> FieldMap:
        return FieldMap(self.layout, self.layout, ORDER_FIELDS, LINE_FIELDS)

    @cached_property
    def kept(self) -> frozenset[str]:
        return frozenset(name for name in KEEPABLE if not self.layout.has(name))

    def trade(self, order: SpilledRow, lines: list[SpilledRow]) -> Trade:
        trade = Trade(
            order_no=order.order_no,
            order_ref=Ref(self.layout.file, order.row),
            line_refs=[Ref(self.layout.file, line.row) for line in lines],
            fields=self.fields,
            kept=self.kept,
        )
        cells = Cells(trade, trade.order_ref, self.layout, ORDER_INDEX, order.values)
        data = self._order(cells)
        line_inputs = [
            self._line(Cells(trade, ref, self.layout, LINE_INDEX, line.values))
            for ref, line in zip(trade.line_refs, lines, strict=True)
        ]
        if trade.errors:
            return trade
        goods = sum((line.price * line.quantity for line in line_inputs), cell.ZERO)
        goods_paid = goods
        if data.paid_amount is not None:
            goods_paid = max(data.paid_amount - data.post_fee, cell.ZERO)
            data = replace(
                data, discount_amount=max(goods + data.post_fee - data.paid_amount, cell.ZERO)
            )
        shares = allocate(goods_paid, [line.price * line.quantity for line in line_inputs])
        trade.data = replace(
            data,
            lines=tuple(
                replace(
                    line,
                    paid_amount=max(share, cell.ZERO),
                    discount=max(line.price * line.quantity - share, cell.ZERO),
                )
                for line, share in zip(line_inputs, shares, strict=True)
            ),
        )
        return trade

    def _order(self, cells: Cells) -> OrderInput:
        channel_status, state = cells.read("status", cell.jd_status, ("", ChannelState.PAID))
        ordered_at = cells.read("ordered_at", cell.beijing_time, None)
        paid_at = cells.read("paid_at", cell.beijing_time, None)
        if (
            paid_at is None
            and state != ChannelState.UNPAID
            and "货到付款" in cells["payment_method"]
        ):
            paid_at = ordered_at
        post_fee = cells.read("post_fee", cell.money, cell.ZERO)
        paid = None
        if paid_at is not None:
            paid = cells.read("payable_amount", cell.money, cell.ZERO) + cells.read(
                "balance_paid", cell.money, cell.ZERO
            )
        return OrderInput(
            channel=self.channel,
            order_no=cells.trade.order_no,
            state=state,
            lines=(),
            source=OrderSource.IMPORT,
            shop_code=self.shop_code,
            channel_status=channel_status,
            buyer_nick=cells["buyer_nick"],
            # JD gives the address as one text: the address parser splits it.
            receiver=ReceiverInput(
                name=cells["receiver_name"],
                phone=cell.phone(cells["phone"]),
                address=cells["address"],
            ),
            paid_amount=paid,
            post_fee=post_fee,
            ordered_at=ordered_at,
            paid_at=paid_at,
            modified_at=self.modified_at,
            buyer_message=cells["buyer_message"],
            seller_memo=cells["seller_memo"],
            flag=cells.read("flag", cell.flag, Flag.NONE.value) if cells.has("flag") else Flag.NONE,
            invoice_title=cells["invoice_title"],
        )

    def _line(self, cells: Cells) -> LineInput:
        return LineInput(
            merchant_code=cell.unwrap(cells["merchant_code"]),
            quantity=cells.read("quantity", cell.quantity, 1),
            price=cells.read("price", cell.required_money, cell.ZERO),
            title=cells["title"][:TEXT_LIMIT],
        )
