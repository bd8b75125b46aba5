"""Taobao and Tmall through the Taobao Open Platform (CHANNELS.md §2; field names as in
formats/top/*.tsv).

Changed trades come from taobao.trades.sold.increment.get, at most one day of modified
times per call, read from the last page backwards: a trade modified while we read leaves
the window, and every later trade moves up a place, so reading forwards would skip one.
Reading backwards only meets some twice, which intake takes as unchanged."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from zhanggui.channels.connectors.base import (
    ChannelDay,
    ChannelError,
    PulledOrder,
    PulledRefund,
    ShipmentPush,
    StockPush,
)
from zhanggui.channels.connectors.top_client import (
    TopClient,
    parse_top_money,
    parse_top_time,
)
from zhanggui.channels.couriers import top_company_code
from zhanggui.orders.models import Flag, OrderSource, RefundStatus
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput

PAGE_SIZE: Final = 100  # TOP's maximum
# Taking a window again when its trade count grew while we read it: at most this often.
MAX_PASSES: Final = 3
SKUS_PER_CALL: Final = 20  # taobao.skus.quantity.update takes at most 20

TRADE_FIELDS: Final = (
    "tid",
    "status",
    "created",
    "modified",
    "pay_time",
    "buyer_nick",
    "payment",
    "total_fee",
    "post_fee",
    "discount_fee",
    "point_fee",
    "buyer_message",
    "seller_memo",
    "seller_flag",
    "receiver_name",
    "receiver_state",
    "receiver_city",
    "receiver_district",
    "receiver_town",
    "receiver_address",
    "receiver_zip",
    "receiver_mobile",
    "receiver_phone",
)
ORDER_FIELDS: Final = (
    "oid",
    "status",
    "title",
    "outer_sku_id",
    "outer_iid",
    "num",
    "price",
    "discount_fee",
    "payment",
    "divide_order_fee",
    "refund_status",
    "sku_properties_name",
    "logistics_company",
    "invoice_no",
)
FIELDS: Final = ",".join((*TRADE_FIELDS, *(f"orders.{name}" for name in ORDER_FIELDS)))
# Without these a listed trade cannot be stored: ask taobao.trade.fullinfo.get for it.
NEEDED_IN_LIST: Final = ("tid", "status", "modified", "orders")
REFUND_FIELDS: Final = "refund_id,tid,oid,status,refund_fee,modified,order_status"

STATE_BY_STATUS: Final = {
    "TRADE_NO_CREATE_PAY": ChannelState.UNPAID,
    "WAIT_BUYER_PAY": ChannelState.UNPAID,
    "PAY_PENDING": ChannelState.UNPAID,
    "WAIT_PRE_AUTH_CONFIRM": ChannelState.UNPAID,
    # Paid, but the channel forbids shipping yet (a group buy still forming): not ours to
    # ship until it turns WAIT_SELLER_SEND_GOODS.
    "PAID_FORBID_CONSIGN": ChannelState.UNPAID,
    "WAIT_SELLER_SEND_GOODS": ChannelState.PAID,
    # Some parcels left (a split order shipped in parts): the rest is still ours to ship,
    # so the order must not be marked shipped from the channel.
    "SELLER_CONSIGNED_PART": ChannelState.PAID,
    "WAIT_BUYER_CONFIRM_GOODS": ChannelState.SHIPPED,
    "TRADE_BUYER_SIGNED": ChannelState.SHIPPED,
    "TRADE_FINISHED": ChannelState.FINISHED,
    "TRADE_CLOSED": ChannelState.CLOSED,
    "TRADE_CLOSED_BY_TAOBAO": ChannelState.CLOSED,
}
REFUND_BY_STATUS: Final = {
    "NO_REFUND": RefundStatus.NONE,
    "WAIT_SELLER_AGREE": RefundStatus.REQUESTED,
    "WAIT_BUYER_RETURN_GOODS": RefundStatus.REQUESTED,
    "WAIT_SELLER_CONFIRM_GOODS": RefundStatus.REQUESTED,
    "WAIT_SELLER_CONSIGN_GOODS": RefundStatus.REQUESTED,
    "WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS": RefundStatus.REQUESTED,
    "EXCHANGE_TRANSFORM_TO_REFUND": RefundStatus.REQUESTED,
    "SELLER_REFUSE_BUYER": RefundStatus.REFUSED,
    "CLOSED": RefundStatus.CANCELLED,
    "SUCCESS": RefundStatus.REFUNDED,
}
# seller_flag 0-5 (CHANNELS.md §2.3). Flags above 5 exist in the newer seller UI and have
# no meaning in the shop's scheme (DOMAIN.md §5): no flag.
FLAG_BY_SELLER_FLAG: Final = {
    0: Flag.NONE,
    1: Flag.RED,
    2: Flag.YELLOW,
    3: Flag.GREEN,
    4: Flag.BLUE,
    5: Flag.PURPLE,
}


class TradeUnreadable(ValueError):
    """A trade whose JSON cannot be turned into an order (a field missing or malformed)."""


# ---------------------------------------------------------------- mapping (pure)


def _text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def _money(record: Mapping[str, Any], name: str, default: str | None = "0.00") -> Decimal:
    value = record.get(name)
    if value is None or value == "":
        if default is None:
            raise TradeUnreadable(f"{name} is missing")
        value = default
    try:
        amount = parse_top_money(value)
    except ValueError as error:
        raise TradeUnreadable(f"{name}: {error}") from error
    if amount < 0:
        raise TradeUnreadable(f"{name} is negative: {value!r}")
    return amount


def _time(record: Mapping[str, Any], name: str) -> datetime | None:
    text = _text(record, name)
    if not text:
        return None
    try:
        return parse_top_time(text)
    except ValueError as error:
        raise TradeUnreadable(f"{name}: not a TOP time: {text!r}") from error


def _int(record: Mapping[str, Any], name: str, default: int | None = 0) -> int:
    value = record.get(name)
    if value is None or value == "":
        if default is None:
            raise TradeUnreadable(f"{name} is missing")
        return default
    try:
        return int(str(value))
    except ValueError as error:
        raise TradeUnreadable(f"{name}: not a whole number: {value!r}") from error


def wrapped_list(record: Mapping[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    """TOP's twice-wrapped lists: {"orders": {"order": [...]}} -> [...]. Absent when empty."""
    container = record.get(outer) or {}
    items = container.get(inner) if isinstance(container, dict) else None
    if items is None:
        return []
    if isinstance(items, dict):  # a single item, as some gateways send it
        return [items]
    return [item for item in items if isinstance(item, dict)]


def map_line(order: Mapping[str, Any]) -> LineInput:
    """One sub-order (orders.order[]) as an order line."""
    refund_text = _text(order, "refund_status")
    refund_status = RefundStatus.NONE
    if refund_text:
        # A refund state we do not know yet is still a refund under way: hold the order
        # rather than ship past it.
        refund_status = REFUND_BY_STATUS.get(refund_text, RefundStatus.REQUESTED)
    # divide_order_fee is the line's share of the trade's payment after trade-level
    # discounts; older trades only have payment (before those discounts).
    paid_amount = None
    for name in ("divide_order_fee", "payment"):
        if order.get(name) not in (None, ""):
            paid_amount = _money(order, name)
            break
    return LineInput(
        merchant_code=_text(order, "outer_sku_id") or _text(order, "outer_iid"),
        quantity=_int(order, "num", default=None),
        price=_money(order, "price", default=None),
        oid=_text(order, "oid"),
        title=_text(order, "title")[:200],
        properties=_text(order, "sku_properties_name")[:200],
        discount=_money(order, "discount_fee"),
        paid_amount=paid_amount,
        refund_status=refund_status,
    )


def _receiver(trade: Mapping[str, Any]) -> ReceiverInput:
    address = _text(trade, "receiver_address")
    town = _text(trade, "receiver_town")
    if town and town not in address:
        address = town + address
    postcode = _text(trade, "receiver_zip")
    if not (len(postcode) == 6 and postcode.isdigit()) or postcode == "000000":
        postcode = ""
    return ReceiverInput(
        name=_text(trade, "receiver_name"),
        phone=_text(trade, "receiver_mobile") or _text(trade, "receiver_phone"),
        province=_text(trade, "receiver_state"),
        city=_text(trade, "receiver_city"),
        district=_text(trade, "receiver_district"),
        address=address,
        postcode=postcode,
    )


def map_trade(trade: Mapping[str, Any], *, channel: str, shop_code: str) -> OrderInput:
    """A TOP trade (taobao.trade.fullinfo.get / trades.sold.*.get JSON) as an OrderInput.

    Raises TradeUnreadable naming the field that is missing or malformed."""
    order_no = _text(trade, "tid_str") or _text(trade, "tid")
    if not order_no:
        raise TradeUnreadable("tid is missing")
    status = _text(trade, "status")
    state = STATE_BY_STATUS.get(status)
    if state is None:
        raise TradeUnreadable(f"unknown trade status {status!r}")
    sub_orders = wrapped_list(trade, "orders", "order")
    if not sub_orders:
        raise TradeUnreadable("orders.order is empty")
    lines = tuple(map_line(order) for order in sub_orders)
    courier = tracking_no = ""
    if state in (ChannelState.SHIPPED, ChannelState.FINISHED):
        shipped = next((order for order in sub_orders if _text(order, "invoice_no")), None)
        if shipped is not None:
            courier = _text(shipped, "logistics_company")[:16]
            tracking_no = _text(shipped, "invoice_no")[:40]
    return OrderInput(
        channel=channel,
        order_no=order_no,
        state=state,
        lines=lines,
        source=OrderSource.SYNC,
        shop_code=shop_code,
        channel_status=status,
        buyer_nick=_text(trade, "buyer_nick"),
        receiver=_receiver(trade),
        goods_amount=_money(trade, "total_fee") if trade.get("total_fee") else None,
        paid_amount=_money(trade, "payment") if trade.get("payment") else None,
        post_fee=_money(trade, "post_fee"),
        discount_amount=_money(trade, "discount_fee"),
        points_used=max(_int(trade, "point_fee"), 0),
        ordered_at=_time(trade, "created"),
        paid_at=_time(trade, "pay_time"),
        modified_at=_time(trade, "modified"),
        buyer_message=_text(trade, "buyer_message"),
        seller_memo=_text(trade, "seller_memo"),
        flag=FLAG_BY_SELLER_FLAG.get(_int(trade, "seller_flag"), Flag.NONE),
        # Not in the published Trade fields any more (top/taobao_trade_fields.tsv), so it
        # is not asked for; read when a gateway still sends it.
        invoice_title=_text(trade, "invoice_name")[:100],
        courier=courier,
        tracking_no=tracking_no,
    )


def map_refund(refund: Mapping[str, Any]) -> PulledRefund:
    status = _text(refund, "status")
    order_no = _text(refund, "tid")
    if not order_no:
        raise TradeUnreadable("tid is missing")
    return PulledRefund(
        refund_id=_text(refund, "refund_id"),
        order_no=order_no,
        sub_order_no=_text(refund, "oid") or order_no,
        refund_status=REFUND_BY_STATUS.get(status, RefundStatus.REQUESTED),
        refund_amount=_money(refund, "refund_fee"),
        channel_status=status,
        modified_at=_time(refund, "modified"),
    )


# ---------------------------------------------------------------- the connector


class _Pages:
    """Pages of a TOP list call, read from the last backwards (see the module docstring).

    The first call (page 1, with use_has_next off) says how many there are; when they fit
    on one page it is the only call. Page 1 is asked for last, again with the total: when
    the total grew while we read (a trade indexed late inside the window), everything is
    read once more, at most MAX_PASSES times."""

    def __init__(
        self, client: TopClient, method: str, params: dict[str, Any], outer: str, inner: str
    ) -> None:
        self.client, self.method, self.params = client, method, params
        self.outer, self.inner = outer, inner
        body = self._page(1, with_total=True)
        self.total = _int(body, "total_results")
        self._first = wrapped_list(body, outer, inner)

    def _page(self, number: int, *, with_total: bool) -> dict[str, Any]:
        params = {**self.params, "page_no": number, "page_size": PAGE_SIZE}
        params["use_has_next"] = not with_total
        return self.client.call(self.method, params)

    def raw_pages(self) -> Iterator[list[dict[str, Any]]]:
        total = self.total
        if total <= PAGE_SIZE:
            yield self._first
            return
        for _pass in range(MAX_PASSES):
            for number in range(math.ceil(total / PAGE_SIZE), 1, -1):
                yield wrapped_list(self._page(number, with_total=False), self.outer, self.inner)
            body = self._page(1, with_total=True)
            yield wrapped_list(body, self.outer, self.inner)
            grown = _int(body, "total_results")
            if grown <= total:
                return
            total = grown


class TradePages:
    def __init__(self, connector: TaobaoConnector, pages: _Pages) -> None:
        self.connector = connector
        self._pages = pages
        self.total = pages.total

    def pages(self) -> Iterator[list[PulledOrder]]:
        for raw in self._pages.raw_pages():
            yield [self.connector.read_trade(trade) for trade in raw]


class TaobaoConnector:
    """One Taobao or Tmall shop through TOP (`channel` is the shop's channel)."""

    def __init__(self, client: TopClient, *, channel: str, shop_code: str) -> None:
        self.client = client
        self.channel = channel
        self.shop_code = shop_code

    # ------------------------------------------------------------ orders

    def pull_orders(self, start: datetime, end: datetime) -> TradePages:
        params = {"fields": FIELDS, "start_modified": start, "end_modified": end}
        pages = _Pages(self.client, "taobao.trades.sold.increment.get", params, "trades", "trade")
        return TradePages(self, pages)

    def pull_order(self, order_no: str) -> PulledOrder:
        body = self.client.call("taobao.trade.fullinfo.get", {"fields": FIELDS, "tid": order_no})
        trade = body.get("trade")
        if not isinstance(trade, dict):
            raise ChannelError("trade.fullinfo.get answered without a trade", retryable=False)
        return self._map(trade, order_no)

    def read_trade(self, trade: dict[str, Any]) -> PulledOrder:
        """A listed trade, completed through fullinfo when the list left fields out."""
        if any(name not in trade for name in NEEDED_IN_LIST):
            order_no = _text(trade, "tid_str") or _text(trade, "tid")
            if not order_no:
                return PulledOrder(order_no="", data=None, problem="tid is missing")
            return self.pull_order(order_no)
        return self._map(trade, _text(trade, "tid"))

    def _map(self, trade: Mapping[str, Any], order_no: str) -> PulledOrder:
        try:
            data = map_trade(trade, channel=self.channel, shop_code=self.shop_code)
        except TradeUnreadable as error:
            return PulledOrder(order_no=order_no, data=None, problem=str(error))
        return PulledOrder(order_no=data.order_no, data=data, modified_at=data.modified_at)

    def orders_created(self, start: datetime, end: datetime) -> ChannelDay:
        """Trades created in [start, end): their count and numbers (taobao.trades.sold.get).
        Creation times never change, so plain forward paging is safe here."""
        params = {
            "fields": "tid",
            "start_created": start,
            # TOP's end is inclusive and has whole seconds.
            "end_created": end - timedelta(seconds=1),
        }
        method = "taobao.trades.sold.get"
        first = self.client.call(method, {**params, "page_no": 1, "page_size": PAGE_SIZE})
        total = _int(first, "total_results")
        numbers = {_text(trade, "tid") for trade in wrapped_list(first, "trades", "trade")}
        for number in range(2, math.ceil(total / PAGE_SIZE) + 1):
            body = self.client.call(
                method,
                {**params, "page_no": number, "page_size": PAGE_SIZE, "use_has_next": True},
            )
            numbers.update(_text(trade, "tid") for trade in wrapped_list(body, "trades", "trade"))
        numbers.discard("")
        return ChannelDay(total=total, order_nos=frozenset(numbers))

    # ------------------------------------------------------------ refunds

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[PulledRefund]]:
        params = {"fields": REFUND_FIELDS, "start_modified": start, "end_modified": end}
        pages = _Pages(self.client, "taobao.refunds.receive.get", params, "refunds", "refund")
        for raw in pages.raw_pages():
            refunds = []
            for refund in raw:
                try:
                    refunds.append(map_refund(refund))
                except TradeUnreadable:
                    continue  # no trade to attach it to; the trade's own sync carries it
            yield refunds

    # ------------------------------------------------------------ pushes

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """taobao.logistics.offline.send; a split parcel names its sub-orders."""
        company = top_company_code(shipment.courier)
        if company is None:
            raise ChannelError(
                f"no Taobao company code for the courier {shipment.courier!r}", retryable=False
            )
        params: dict[str, Any] = {
            "tid": shipment.order_no,
            "out_sid": shipment.tracking_no,
            "company_code": company,
        }
        if shipment.sub_order_nos:
            params["sub_tid"] = ",".join(shipment.sub_order_nos)
            params["is_split"] = 1
        body = self.client.call("taobao.logistics.offline.send", params)
        shipping = body.get("shipping") or {}
        if shipping.get("is_success") is not True:
            raise ChannelError("logistics.offline.send did not succeed", retryable=False)

    def push_stock(self, push: StockPush) -> None:
        """Full quantities (type=1) per merchant code: one SKU through
        taobao.item.quantity.update, more through taobao.skus.quantity.update (20 a call)."""
        if len(push.quantities) == 1:
            code, quantity = push.quantities[0]
            self.client.call(
                "taobao.item.quantity.update",
                {"num_iid": push.item_id, "outer_id": code, "quantity": quantity, "type": 1},
            )
            return
        quantities = list(push.quantities)
        for start in range(0, len(quantities), SKUS_PER_CALL):
            chunk = quantities[start : start + SKUS_PER_CALL]
            self.client.call(
                "taobao.skus.quantity.update",
                {
                    "num_iid": push.item_id,
                    "outerid_quantities": ";".join(f"{code}:{qty}" for code, qty in chunk),
                    "type": 1,
                },
            )
