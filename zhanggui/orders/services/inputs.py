"""What the channels, files and API hand to intake: plain values, already unpacked from
their format, not yet checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from zhanggui.orders.models import Flag, OrderSource, RefundStatus


class ChannelState:
    """Where the channel says the trade is, reduced to what the shop acts on."""

    UNPAID = "unpaid"  # WAIT_BUYER_PAY, TRADE_NO_CREATE_PAY
    PAID = "paid"  # WAIT_SELLER_SEND_GOODS: ours to ship
    SHIPPED = "shipped"  # WAIT_BUYER_CONFIRM_GOODS, SELLER_CONSIGNED_PART, TRADE_BUYER_SIGNED
    FINISHED = "finished"  # TRADE_FINISHED
    CLOSED = "closed"  # TRADE_CLOSED, TRADE_CLOSED_BY_TAOBAO


@dataclass(frozen=True)
class ReceiverInput:
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""  # "" or Taobao's 其它区 mean unknown
    address: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class LineInput:
    merchant_code: str
    quantity: int
    price: Decimal
    oid: str = ""
    title: str = ""
    properties: str = ""
    discount: Decimal = Decimal("0.00")
    paid_amount: Decimal | None = None  # None: price × quantity − discount
    refund_status: str = RefundStatus.NONE
    refund_amount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class OrderInput:
    channel: str
    order_no: str
    state: str  # a ChannelState value
    lines: tuple[LineInput, ...]
    source: str = OrderSource.API
    shop_code: str = ""  # "" means the channel's default shop
    channel_status: str = ""  # the channel's own text or code, kept for display
    buyer_nick: str = ""
    receiver: ReceiverInput = field(default_factory=ReceiverInput)
    goods_amount: Decimal | None = None  # None: the sum of the lines
    paid_amount: Decimal | None = None  # None: goods + post fee − discount
    post_fee: Decimal = Decimal("0.00")
    discount_amount: Decimal = Decimal("0.00")
    points_used: int = 0
    ordered_at: datetime | None = None
    paid_at: datetime | None = None
    modified_at: datetime | None = None
    buyer_message: str = ""
    seller_memo: str = ""
    flag: str = Flag.NONE
    invoice_title: str = ""
    courier: str = ""  # set when the channel says it was shipped
    tracking_no: str = ""
