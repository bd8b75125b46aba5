"""Orders arriving from a channel (file import, sync, API): create once, update when the
channel says something new, never duplicate.

The pure parts (checking, matching, building) are separate from the writes, so the bulk
import path builds the same rows in batches and the one-at-a-time path stays simple."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.channels.models import Channel, Shop
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.money import DECIMAL_PLACES, MAX_DIGITS, parse_money, round_money
from zhanggui.orders.models import (
    DecisionAction,
    Flag,
    HoldReason,
    MerchantCodeMapping,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput
from zhanggui.orders.services.receivers import resolve_receiver

LENGTHS = {
    "order_no": 40,
    "buyer_nick": 64,
    "receiver.name": 50,
    "receiver.phone": 40,
    "receiver.address": 255,
    "invoice_title": 100,
    "courier": 16,
    "tracking_no": 40,
}
LINE_LENGTHS = {"merchant_code": 64, "title": 200, "properties": 200, "oid": 40}
MAX_LINES = 200
MAX_QUANTITY = 100_000
_ZERO = Decimal("0")
_MONEY_LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
# The choices as sets, built once: checking 100,000 imported orders asks them millions of times.
_CHANNELS = frozenset(Channel.values)
_STATES = frozenset(value for name, value in vars(ChannelState).items() if not name.startswith("_"))
_FLAGS = frozenset(Flag.values)
_REFUND_STATUSES = frozenset(RefundStatus.values)


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class IntakeResult:
    order: Order
    outcome: str


# ---------------------------------------------------------------- checking (no database)


def check_order_input(data: OrderInput) -> list[tuple[str, str]]:
    """Every problem with the input as (field, message); empty when it can be saved."""
    problems: list[tuple[str, str]] = []
    if data.channel not in _CHANNELS:
        problems.append(("channel", _("Unknown channel.")))
    if not data.order_no.strip():
        problems.append(("order_no", _("The order number is missing.")))
    if data.state not in _STATES:
        problems.append(("status", _("Unknown order status.")))
    values = {
        "order_no": data.order_no,
        "buyer_nick": data.buyer_nick,
        "receiver.name": data.receiver.name,
        "receiver.phone": data.receiver.phone,
        "receiver.address": data.receiver.address,
        "invoice_title": data.invoice_title,
        "courier": data.courier,
        "tracking_no": data.tracking_no,
    }
    for name, limit in LENGTHS.items():
        if len(values[name]) > limit:
            problems.append((name, _("At most %(n)d characters.") % {"n": limit}))
    if data.flag not in _FLAGS:
        problems.append(("flag", _("Unknown flag.")))
    if not data.lines:
        problems.append(("lines", _("An order needs at least one line.")))
    if len(data.lines) > MAX_LINES:
        problems.append(("lines", _("At most %(n)d lines.") % {"n": MAX_LINES}))
    for number, line in enumerate(data.lines, start=1):
        problems.extend((f"lines[{number}].{name}", message) for name, message in check_line(line))
    for name in ("goods_amount", "paid_amount", "post_fee", "discount_amount"):
        value = getattr(data, name)
        if value is not None and not _is_money(value):
            problems.append((name, _("Not a valid amount.")))
    if not isinstance(data.points_used, int) or data.points_used < 0:
        problems.append(("points_used", _("Points are a whole number, zero or more.")))
    # An order closed before payment (TRADE_CLOSED_BY_TAOBAO) never had a payment time.
    if data.state not in (ChannelState.UNPAID, ChannelState.CLOSED) and data.paid_at is None:
        problems.append(("paid_at", _("A paid order needs its payment time.")))
    return problems


def check_line(line: LineInput) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    quantity = line.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        problems.append(("qty", _("The quantity must be a whole number above zero.")))
    elif quantity > MAX_QUANTITY:
        problems.append(("qty", _("At most %(n)d units on one line.") % {"n": MAX_QUANTITY}))
    problems.extend(
        (name, _("Not a valid amount."))
        for name in ("price", "discount", "refund_amount")
        if not _is_money(getattr(line, name))
    )
    if line.paid_amount is not None and not _is_money(line.paid_amount):
        problems.append(("paid_amount", _("Not a valid amount.")))
    if line.refund_status not in _REFUND_STATUSES:
        problems.append(("refund_status", _("Unknown refund status.")))
    values = {name: getattr(line, name) for name in LINE_LENGTHS}
    for name, limit in LINE_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append((name, _("At most %(n)d characters.") % {"n": limit}))
    if not line.merchant_code.strip() and not line.title.strip():
        problems.append(("merchant_code", _("A line needs a merchant code or a title.")))
    return problems


def _is_money(value: Any) -> bool:
    if type(value) is Decimal:
        # parse_money's rules for a Decimal, without its copies: finite, not negative,
        # in range, and whole cents.
        return bool(
            value.is_finite() and _ZERO <= value < _MONEY_LIMIT and value == round_money(value)
        )
    try:
        return parse_money(value) == value
    except (ValueError, TypeError):
        return False


def raise_if_invalid(data: OrderInput) -> None:
    problems = check_order_input(data)
    if problems:
        fields: dict[str, list[Any]] = {}
        for name, message in problems:
            fields.setdefault(name, []).append(message)
        raise InvalidInput(fields)


# ---------------------------------------------------------------- matching and building


def shop_for(channel: str, shop_code: str = "") -> Shop:
    """The named shop, or the channel's first active shop, made on first use so an API
    client or a first import needs no set-up."""
    if shop_code:
        shop = Shop.objects.filter(code=shop_code, channel=channel).first()
        if shop is None:
            raise InvalidInput(
                {
                    "shop": [
                        _("No %(channel)s shop with this code.")
                        % {"channel": Channel(channel).label}
                    ]
                }
            )
        return shop
    shop = Shop.objects.filter(channel=channel, is_active=True).order_by("pk").first()
    if shop is None:
        shop, _created = Shop.objects.get_or_create(
            code=f"{channel}-default",
            defaults={"channel": channel, "name": str(Channel(channel).label)},
        )
    return shop


def match_skus(channel: str, merchant_codes: Iterable[str]) -> dict[str, int]:
    """Our SKU for each merchant code: the SKU with that code, else the mapping a person
    made for it once. Codes found in neither are left out: nothing is guessed."""
    codes = {code for code in merchant_codes if code}
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes), 500):
        found.update(Sku.objects.filter(merchant_code__in=chunk).values_list("merchant_code", "pk"))
    missing = sorted(codes - found.keys())
    for chunk in _chunks(missing, 500):
        found.update(
            MerchantCodeMapping.objects.filter(
                channel=channel, merchant_code__in=chunk
            ).values_list("merchant_code", "sku_id")
        )
    return found


def _chunks(values: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def content_hash(data: OrderInput) -> str:
    """A digest of everything the channel said about the order: equal means unchanged."""
    payload = _plain(data)
    payload["source"] = ""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copies (the slowest part of a bulk import); the
    JSON text, and so the digest, is the same."""
    names = _field_names(type(value))
    if names is not None:
        plain = {}
        for name in names:
            item = getattr(value, name)
            plain[name] = item if type(item) in _SCALARS else _plain(item)
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


# Leaf types of the inputs, passed through without a call each.
_SCALARS = frozenset({str, int, bool, float, Decimal, datetime, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type; None for any other type."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = (
            tuple(item.name for item in fields(kind)) if is_dataclass(kind) else None
        )
    return _FIELD_NAMES[kind]


def line_amount(line: LineInput) -> Decimal:
    if line.paid_amount is not None:
        return line.paid_amount
    return max(line.price * line.quantity - line.discount, Decimal("0.00"))


def initial_status(data: OrderInput, holds: Sequence[str]) -> str:
    if data.state == ChannelState.UNPAID:
        return OrderStatus.AWAITING_PAYMENT
    if data.state == ChannelState.SHIPPED:
        return OrderStatus.SHIPPED
    if data.state == ChannelState.FINISHED:
        return OrderStatus.COMPLETED
    if data.state == ChannelState.CLOSED:
        return OrderStatus.CLOSED
    if all(line.refund_status == RefundStatus.REFUNDED for line in data.lines):
        return OrderStatus.CLOSED
    return OrderStatus.ON_HOLD if holds else OrderStatus.TO_REVIEW


def intake_holds(data: OrderInput, sku_ids: dict[str, int], address_resolved: bool) -> list[str]:
    """Holds no rule can lift: a line we cannot ship, an address a courier cannot use, a
    refund the buyer is waiting on."""
    holds: list[str] = []
    if any(line.merchant_code not in sku_ids for line in data.lines):
        holds.append(HoldReason.UNMATCHED)
    if not address_resolved:
        holds.append(HoldReason.ADDRESS_UNRESOLVED)
    if any(line.refund_status == RefundStatus.REQUESTED for line in data.lines):
        holds.append(HoldReason.REFUND)
    return holds


def build_order(
    data: OrderInput,
    *,
    shop: Shop,
    sku_ids: dict[str, int],
    receiver: ReceiverInput,
    address_resolved: bool,
) -> tuple[Order, list[OrderLine]]:
    """The rows of a new order, unsaved. `receiver` is already resolved."""
    holds = intake_holds(data, sku_ids, address_resolved)
    goods = data.goods_amount
    if goods is None:
        goods = sum((line.price * line.quantity for line in data.lines), Decimal("0.00"))
    paid = data.paid_amount
    if paid is None:
        paid = max(goods + data.post_fee - data.discount_amount, Decimal("0.00"))
    status = initial_status(data, holds)
    order = Order(
        channel=data.channel,
        shop=shop,
        order_no=data.order_no.strip(),
        source=data.source,
        status=status,
        channel_status=data.channel_status[:40],
        buyer_nick=data.buyer_nick,
        receiver_name=receiver.name,
        receiver_phone=receiver.phone,
        receiver_province=receiver.province,
        receiver_city=receiver.city,
        receiver_district=receiver.district,
        receiver_address=receiver.address,
        receiver_postcode=receiver.postcode,
        goods_amount=goods,
        paid_amount=paid,
        post_fee=data.post_fee,
        discount_amount=data.discount_amount,
        points_used=data.points_used,
        ordered_at=data.ordered_at,
        paid_at=data.paid_at,
        channel_modified_at=data.modified_at,
        buyer_message=data.buyer_message,
        seller_memo=data.seller_memo,
        flag=data.flag,
        invoice_title=data.invoice_title,
        courier=data.courier,
        tracking_no=data.tracking_no,
        content_hash=content_hash(data),
    )
    # An unpaid order keeps its intake holds too, so it is held, not reviewed, once paid.
    if status in (OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD):
        order.set_holds(holds)
    if status == OrderStatus.CLOSED:
        order.closed_at = data.modified_at or timezone.now()
    lines = [
        OrderLine(
            oid=line.oid,
            sku_id=sku_ids.get(line.merchant_code),
            merchant_code=line.merchant_code,
            title=line.title,
            properties=line.properties,
            quantity=line.quantity,
            price=line.price,
            discount=line.discount,
            paid_amount=line_amount(line),
            refund_status=line.refund_status,
            refund_amount=line.refund_amount,
        )
        for line in data.lines
    ]
    return order, lines


# ---------------------------------------------------------------- writes


def receive_order(*, actor: Any, data: OrderInput) -> IntakeResult:
    """Create the order, or bring it up to date with what the channel now says.

    The same input twice is `unchanged`; a channel record older than the one we hold is
    ignored. Bad input raises InvalidInput naming the field; nothing is saved."""
    raise_if_invalid(data)
    shop = shop_for(data.channel, data.shop_code)
    try:
        with transaction.atomic():
            return _receive(actor, data, shop)
    except IntegrityError:
        # Another request created the same order between our look and our insert: the
        # unique constraint kept it single; now it exists, so this is an update.
        with transaction.atomic():
            return _receive(actor, data, shop)


def _receive(actor: Any, data: OrderInput, shop: Shop) -> IntakeResult:
    # The id alone under the lock first: most orders are new, and reading (and converting)
    # a whole order row costs more than inserting one. An order already here is then read
    # in full, still locked.
    found = list(
        Order.objects.select_for_update()
        .filter(channel=data.channel, shop=shop, order_no=data.order_no.strip(), part=0)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not found:
        return IntakeResult(create_order(actor=actor, data=data, shop=shop), Outcome.CREATED)
    existing = Order.objects.get(pk=found[0])
    return update_from_channel(actor=actor, order=existing, data=data)


def create_order(*, actor: Any, data: OrderInput, shop: Shop) -> Order:
    sku_ids = match_skus(data.channel, (line.merchant_code for line in data.lines))
    receiver, resolved = resolve_receiver(data.receiver)
    order, lines = build_order(
        data, shop=shop, sku_ids=sku_ids, receiver=receiver, address_resolved=resolved
    )
    order.save()
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    audit.record_creation(actor=actor, instance=order, fields=("status", "paid_amount"))
    if order.holds:
        OrderDecision.objects.create(
            order=order,
            action=DecisionAction.HOLD,
            rule="intake",
            reason=", ".join(str(HoldReason(code).label) for code in order.holds),
        )
    return order


# Fields a newer channel record may change on an order we already hold.
CHANNEL_FIELDS = ("channel_status", "seller_memo", "flag", "buyer_message", "invoice_title")
RECEIVER_FIELDS = (
    "receiver_name",
    "receiver_phone",
    "receiver_province",
    "receiver_city",
    "receiver_district",
    "receiver_address",
    "receiver_postcode",
)
# Before the label is printed the buyer may still change the receiver on the channel.
RECEIVER_EDITABLE = frozenset(
    {OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED}
)


def update_from_channel(*, actor: Any, order: Order, data: OrderInput) -> IntakeResult:
    """Apply a newer channel record to an order we hold (locked by the caller)."""
    digest = content_hash(data)
    if digest == order.content_hash:
        return IntakeResult(order, Outcome.UNCHANGED)
    if (
        data.modified_at is not None
        and order.channel_modified_at is not None
        and data.modified_at < order.channel_modified_at
    ):
        return IntakeResult(order, Outcome.UNCHANGED)
    before = audit.snapshot(order, CHANNEL_FIELDS + RECEIVER_FIELDS + ("paid_at", "paid_amount"))
    order.channel_status = data.channel_status[:40]
    order.seller_memo = data.seller_memo
    order.flag = data.flag
    if data.buyer_message != order.buyer_message:
        order.buyer_message_answered_at = None  # a new or changed message waits again
    order.buyer_message = data.buyer_message
    order.invoice_title = data.invoice_title
    order.channel_modified_at = data.modified_at or order.channel_modified_at
    order.content_hash = digest
    if data.paid_at and order.paid_at is None:
        order.paid_at = data.paid_at
        order.paid_amount = data.paid_amount if data.paid_amount is not None else order.paid_amount
    if order.status in RECEIVER_EDITABLE and data.receiver.address:
        receiver, _resolved = resolve_receiver(data.receiver)
        order.receiver_name = receiver.name
        order.receiver_phone = receiver.phone
        order.receiver_province = receiver.province
        order.receiver_city = receiver.city
        order.receiver_district = receiver.district
        order.receiver_address = receiver.address
        order.receiver_postcode = receiver.postcode
    order.save()
    audit.record(
        actor=actor,
        instance=order,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(order, before.keys())),
        note=_("Updated from the channel"),
    )
    _apply_line_refunds(actor, order, data.lines)
    _follow_channel_state(actor, order, data)
    return IntakeResult(order, Outcome.UPDATED)


def _apply_line_refunds(actor: Any, order: Order, lines: Sequence[LineInput]) -> None:
    by_oid = {line.oid: line for line in lines if line.oid}
    by_code = {line.merchant_code: line for line in lines}
    for line in order.lines.all():
        incoming = by_oid.get(line.oid) if line.oid else by_code.get(line.merchant_code)
        if incoming is None or (
            incoming.refund_status == line.refund_status
            and incoming.refund_amount == line.refund_amount
        ):
            continue
        lifecycle.set_line_refund(
            actor=actor,
            line=line,
            refund_status=incoming.refund_status,
            refund_amount=incoming.refund_amount,
        )


def _follow_channel_state(actor: Any, order: Order, data: OrderInput) -> None:
    order.refresh_from_db()
    if data.state == ChannelState.PAID and order.status == OrderStatus.AWAITING_PAYMENT:
        lifecycle.mark_paid(actor=actor, order=order)
    elif data.state == ChannelState.CLOSED and order.status not in (
        OrderStatus.CLOSED,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    ):
        lifecycle.close_order(actor=actor, order_id=order.pk, reason=_("Closed on the channel"))
    elif data.state in (ChannelState.SHIPPED, ChannelState.FINISHED):
        if order.status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CLOSED):
            lifecycle.mark_shipped_on_channel(
                actor=actor, order=order, courier=data.courier, tracking_no=data.tracking_no
            )
        if data.state == ChannelState.FINISHED:
            lifecycle.complete_order(actor=actor, order_id=order.pk)
