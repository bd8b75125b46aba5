"""Cell values of channel exports, read the way the channels write them (CHANNELS.md §1).

Pure functions, no database. Each raises CellError with a message for the operator; the
reader turns it into a row error naming the file, the row and the column."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from zhanggui.core.money import parse_money
from zhanggui.orders.models import Flag, RefundStatus
from zhanggui.orders.services.inputs import ChannelState

BEIJING: Final = ZoneInfo("Asia/Shanghai")
ZERO: Final = Decimal("0.00")
# 2017-07-08 00:42:32 as exported; 2016/5/23 22:02 after Excel saved the file again;
# 2017-07-08T00:42:32 from an XLSX date cell.
_DATETIME = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?"
)
_DIGITS = re.compile(r"\d{1,40}")
# The receiver's zip at the end of 收货地址, in ASCII parentheses: 文三路90号(310012).
_POSTCODE = re.compile(r"\((\d{6})\)\s*$")
UNKNOWN_POSTCODE: Final = "000000"
# Taobao writes 其它区 where it does not know the city or district.
UNKNOWN_DIVISIONS: Final = frozenset({"其它区", "其他区", "其它", "其他"})


class CellError(ValueError):
    """A cell that cannot be read; the message is for the operator."""


def shown(value: str, limit: int = 40) -> str:
    """A cell quoted in an error message, cut short."""
    return f"「{value[:limit]}…」" if len(value) > limit else f"「{value}」"


def text(value: str) -> str:
    return value.strip()


def unwrap(value: str) -> str:
    """Without the marks that keep a cell text in Excel: `="351531…"`, `'139…`."""
    value = value.strip()
    if value.startswith("'"):
        value = value[1:]
    if value.startswith("="):
        value = value[1:]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value.strip()


def order_number(value: str) -> str:
    """An order or sub-order number: digits only, kept as text (ids pass 2^53)."""
    digits = unwrap(value)
    if not _DIGITS.fullmatch(digits):
        if not digits:
            raise CellError(_("The order number is missing."))
        raise CellError(_("Not an order number: %(value)s.") % {"value": shown(value)})
    return digits


def phone(value: str) -> str:
    """联系手机 `'13925130165`: the apostrophe only kept Excel from eating the number."""
    return unwrap(value)


def money(value: str, *, default: Decimal | None = ZERO) -> Decimal:
    """`201.12`, `0元`, `1,299.00元`; empty is `default` (an error when None)."""
    cleaned = value.strip()
    if not cleaned:
        if default is None:
            raise CellError(_("The amount is missing."))
        return default
    return _amount(cleaned)


@functools.lru_cache(maxsize=8192)
def _amount(cleaned: str) -> Decimal:
    # An export repeats a few thousand prices and totals: read each text once.
    try:
        return parse_money(cleaned)
    except ValueError as error:
        raise CellError(_("Not an amount: %(value)s.") % {"value": shown(cleaned)}) from error


def required_money(value: str) -> Decimal:
    return money(value, default=None)


def quantity(value: str) -> int:
    cleaned = value.strip()
    if cleaned.endswith(".0"):  # an XLSX number cell
        cleaned = cleaned[:-2]
    if not cleaned.isdigit() or int(cleaned) <= 0:
        raise CellError(
            _("The quantity must be a whole number above zero, not %(value)s.")
            % {"value": shown(value)}
        )
    return int(cleaned)


def whole_number(value: str) -> int:
    """Points and counts: empty is zero."""
    cleaned = value.strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned:
        return 0
    if not cleaned.isdigit():
        raise CellError(_("Not a whole number: %(value)s.") % {"value": shown(value)})
    return int(cleaned)


def beijing_time(value: str) -> datetime | None:
    """A channel time (Beijing time, no offset) as an aware datetime; empty is None.

    JD writes 0001-01-01 / 1970-01-01 for "not yet": those are None too."""
    cleaned = value.strip()
    return _beijing_time(cleaned) if cleaned else None


@functools.lru_cache(maxsize=8192)
def _beijing_time(cleaned: str) -> datetime | None:
    # Orders of a busy minute share their times; datetimes are immutable, so reuse them.
    match = _DATETIME.fullmatch(cleaned)
    if match is None:
        raise CellError(_("Not a date and time: %(value)s.") % {"value": shown(cleaned)})
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    if year < 2000:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)
    except ValueError as error:
        raise CellError(_("Not a date and time: %(value)s.") % {"value": shown(cleaned)}) from error


def split_taobao_address(value: str) -> tuple[str, str, str, str, str]:
    """收货地址 `省 市 区 详细地址(邮编)` as (province, city, district, address, postcode).

    Split on the first three spaces; 其它区 and the zip (000000) mean unknown. An address
    without three spaces comes back whole as the detail, for the address parser to read."""
    rest = value.strip()
    postcode = ""
    found = _POSTCODE.search(rest)
    if found:
        postcode = "" if found.group(1) == UNKNOWN_POSTCODE else found.group(1)
        rest = rest[: found.start()].rstrip()
    parts = rest.split(None, 3)
    if len(parts) < 4:
        return "", "", "", rest, postcode
    province, city, district, detail = parts
    city = "" if city in UNKNOWN_DIVISIONS else city
    district = "" if district in UNKNOWN_DIVISIONS else district
    return province, city, district, detail.strip(), postcode


def _status_key(value: str) -> str:
    # Excel or a text editor may have turned the full-width comma into an ASCII one.
    return re.sub(r"\s+", "", value).replace(",", "，")


# 订单状态 as the seller centre writes it → (TOP status code, ChannelState) (CHANNELS.md §1.5).
TAOBAO_STATUSES: Final[dict[str, tuple[str, str]]] = {
    _status_key(name): states
    for names, states in (
        (("没有创建支付宝交易",), ("TRADE_NO_CREATE_PAY", ChannelState.UNPAID)),
        (
            ("等待买家付款", "等待买家确认货到付款订单信息"),
            ("WAIT_BUYER_PAY", ChannelState.UNPAID),
        ),
        (
            ("买家已付款，等待卖家发货", "买家已确认，等待卖家发货"),
            ("WAIT_SELLER_SEND_GOODS", ChannelState.PAID),
        ),
        (("卖家部分发货",), ("SELLER_CONSIGNED_PART", ChannelState.SHIPPED)),
        (
            ("卖家已发货，等待买家确认", "卖家已发货，等待买家确认收货并付款"),
            ("WAIT_BUYER_CONFIRM_GOODS", ChannelState.SHIPPED),
        ),
        (("买家已签收", "买家已签收，回款至卖家"), ("TRADE_BUYER_SIGNED", ChannelState.SHIPPED)),
        (("交易成功",), ("TRADE_FINISHED", ChannelState.FINISHED)),
        (("交易关闭",), ("TRADE_CLOSED", ChannelState.CLOSED)),
        (("交易被淘宝关闭",), ("TRADE_CLOSED_BY_TAOBAO", ChannelState.CLOSED)),
    )
    for name in names
}


def taobao_status(value: str) -> tuple[str, str]:
    """(TOP status code, ChannelState) of an export's 订单状态."""
    found = TAOBAO_STATUSES.get(_status_key(value))
    if found is None:
        raise CellError(_("Unknown order status %(value)s.") % {"value": shown(value)})
    return found


# 订单状态 of JD's order export → (JD orderState, ChannelState). JD writes the Chinese
# label of its API states (CHANNELS.md §3.1); a paused or locked order is paid but held by
# JD, so it comes in as paid and the review queue decides.
JD_STATUSES: Final[dict[str, tuple[str, str]]] = {
    name: states
    for names, states in (
        (("等待付款", "未付款", "等待买家付款"), ("WAIT_BUYER_PAY", ChannelState.UNPAID)),
        (
            ("等待出库", "等待发货", "等待卖家发货", "等待厂商处理"),
            ("WAIT_SELLER_STOCK_OUT", ChannelState.PAID),
        ),
        (("暂停", "锁定"), ("PAUSE", ChannelState.PAID)),
        (
            ("等待确认收货", "已发货", "已出库"),
            ("WAIT_GOODS_RECEIVE_CONFIRM", ChannelState.SHIPPED),
        ),
        (("完成", "已完成", "交易完成", "已收货"), ("FINISHED_L", ChannelState.FINISHED)),
        (
            ("已取消", "取消", "(删除)已取消", "（删除）已取消", "删除", "订单取消"),
            ("TRADE_CANCELED", ChannelState.CLOSED),
        ),
    )
    for name in names
}


def jd_status(value: str) -> tuple[str, str]:
    found = JD_STATUSES.get(re.sub(r"\s+", "", value))
    if found is None:
        raise CellError(_("Unknown order status %(value)s.") % {"value": shown(value)})
    return found


_REFUNDS: Final[dict[str, str]] = {
    "": RefundStatus.NONE,
    "没有申请退款": RefundStatus.NONE,
    "无退款申请": RefundStatus.NONE,
    "无退款": RefundStatus.NONE,
    "无": RefundStatus.NONE,
    "NO_REFUND": RefundStatus.NONE,
    "退款成功": RefundStatus.REFUNDED,
    "SUCCESS": RefundStatus.REFUNDED,
    "退款关闭": RefundStatus.CANCELLED,
    "CLOSED": RefundStatus.CANCELLED,
    "卖家拒绝退款": RefundStatus.REFUSED,
    "SELLER_REFUSE_BUYER": RefundStatus.REFUSED,
    "买家已经申请退款，等待卖家同意": RefundStatus.REQUESTED,
    "卖家已经同意退款，等待买家退货": RefundStatus.REQUESTED,
    "买家已经退货，等待卖家确认收货": RefundStatus.REQUESTED,
    "退款中": RefundStatus.REQUESTED,
    "WAIT_SELLER_AGREE": RefundStatus.REQUESTED,
    "WAIT_BUYER_RETURN_GOODS": RefundStatus.REQUESTED,
    "WAIT_SELLER_CONFIRM_GOODS": RefundStatus.REQUESTED,
}


def refund_status(value: str) -> str:
    """退款状态 of an item row as a RefundStatus. Texts not in the table are read by their
    words (成功, 关闭, 拒绝; anything else about a refund is a request still open)."""
    key = _status_key(value)
    if key in _REFUNDS:
        return _REFUNDS[key]
    if "成功" in key:
        return RefundStatus.REFUNDED
    if "关闭" in key or "撤销" in key:
        return RefundStatus.CANCELLED
    if "拒绝" in key:
        return RefundStatus.REFUSED
    if "退" in key:
        return RefundStatus.REQUESTED
    raise CellError(_("Unknown refund status %(value)s.") % {"value": shown(value)})


_FLAGS: Final[dict[str, str]] = {
    "": Flag.NONE,
    "0": Flag.NONE,
    "灰": Flag.NONE,
    "无": Flag.NONE,
    "1": Flag.RED,
    "红": Flag.RED,
    "2": Flag.YELLOW,
    "黄": Flag.YELLOW,
    "3": Flag.GREEN,
    "绿": Flag.GREEN,
    "4": Flag.BLUE,
    "蓝": Flag.BLUE,
    "5": Flag.PURPLE,
    "紫": Flag.PURPLE,
    "粉": Flag.PURPLE,  # TOP's memo API calls flag 5 粉红色 (CHANNELS.md §2.3)
}


def flag(value: str) -> str:
    """A memo flag column: the TOP number (0-5), the colour's name (红, 红旗, 红色, 粉红...)
    or our own value (red)."""
    cleaned = value.strip()
    if cleaned.lower() in Flag.values:
        return cleaned.lower()
    found = _FLAGS.get(cleaned if cleaned.isdigit() else cleaned[:1])
    if found is None:
        raise CellError(_("Unknown flag %(value)s.") % {"value": shown(value)})
    return found


# Courier names in exports → the Taobao/Cainiao company code (CHANNELS.md §4.3); the first
# name found in the text wins. Unknown couriers keep their name (cut to the field's size).
COURIER_CODES: Final[tuple[tuple[str, str], ...]] = (
    ("顺丰", "SF"),
    ("中通", "ZTO"),
    ("圆通", "YTO"),
    ("申通", "STO"),
    ("韵达", "YUNDA"),
    ("百世", "HTKY"),
    ("汇通", "HTKY"),
    ("极兔", "JTSD"),
    ("德邦", "DBKD"),
    ("京东", "JD"),
    ("宅急送", "ZJS"),
    ("优速", "UC"),
    ("天天", "TTKDEX"),
    ("EMS", "EMS"),
    ("邮政", "POSTB"),
)


def courier(value: str) -> str:
    name = value.strip()
    for word, code in COURIER_CODES:
        if word in name.upper():
            return code
    return name[:16]


def tracking_number(value: str) -> str:
    """物流单号, without Excel's text marks and the `No:` some exports put in front."""
    cleaned = unwrap(value)
    for prefix in ("No:", "NO:", "No：", "NO："):
        cleaned = cleaned.removeprefix(prefix)
    return cleaned.strip()
