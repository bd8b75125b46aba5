"""Reads of the order pages: the order list (search and filters over 100,000s of orders,
paged by LIMIT without counting), one order with its lines' stock, the shipping clock,
buyer messages waiting for an answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.channels.models import Channel
from zhanggui.core.models import AuditEntry
from zhanggui.inventory.models import Reservation, ReservationStatus
from zhanggui.orders.models import (
    OPEN_STATUSES,
    Flag,
    HoldReason,
    Order,
    OrderLine,
    OrderStatus,
    hold_q,
)
from zhanggui.orders.services.lifecycle import RESERVATION_SOURCE
from zhanggui.orders.sla import SHANGHAI, shipping_clock

PAGE_SIZE = 50
SEARCH_LIMIT = 500  # orders a search shows at most, newest first
SEARCH_SCAN = 20_000  # matches per field read to find the newest
# Under this many hours left, the clock turns amber.
DUE_SOON_HOURS = 4
# Messages are answered before the parcel leaves; after that they are history.
MESSAGE_STATUSES = frozenset({OrderStatus.AWAITING_PAYMENT} | OPEN_STATUSES)


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    channel: str = ""
    shop_id: int | None = None
    flag: str = ""
    hold: str = ""
    paid_from: date | None = None
    paid_to: date | None = None
    urgent: bool = False


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def search_ids(text: str) -> list[int]:
    """The newest orders (at most SEARCH_LIMIT) whose order number, tracking number, buyer
    nick, receiver phone or receiver name is exactly `text`.

    One lookup per field rather than one OR, which SQLite answers by walking the whole
    table in paid-at order (half a second at 100,000 orders): the numbers and the nick
    use their indexes; phone and name are scanned, unordered, only when no order number
    matched. The newest matches are chosen here, so the ids stay under SQLite's limit of
    bound parameters."""
    by_number = list(
        Order.objects.filter(order_no=text).values_list("pk", flat=True)[:SEARCH_LIMIT]
    )
    if by_number:  # an order number names its order (and its split parts)
        return by_number
    found: dict[int, datetime | None] = {}
    for query in (
        Order.objects.filter(tracking_no=text),
        # The index is (channel, buyer_nick): naming every channel lets it serve.
        Order.objects.filter(channel__in=Channel.values, buyer_nick=text),
        Order.objects.filter(Q(receiver_phone=text) | Q(receiver_name=text)),
    ):
        found.update(query.order_by().values_list("pk", "paid_at")[:SEARCH_SCAN])
    oldest = datetime.min.replace(tzinfo=SHANGHAI)
    newest = sorted(found, key=lambda pk: (found[pk] or oldest, pk), reverse=True)
    return newest[:SEARCH_LIMIT]


def list_orders(filters: OrderFilters) -> QuerySet[Order]:
    """Orders matching the filters, latest payment first (unpaid orders last)."""
    orders = Order.objects.select_related("shop")
    if filters.q:
        orders = orders.filter(pk__in=search_ids(filters.q))
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.channel:
        orders = orders.filter(channel=filters.channel)
    if filters.shop_id:
        orders = orders.filter(shop_id=filters.shop_id)
    if filters.flag:
        orders = orders.filter(flag=filters.flag)
    if filters.hold:
        # Holds live on orders still in review (approval clears them): naming those
        # statuses lets the status index narrow the LIKE to the day's work.
        orders = orders.filter(hold_q(filters.hold), status__in=MESSAGE_STATUSES)
    if filters.urgent:
        orders = orders.filter(is_urgent=True)
    if filters.paid_from:
        orders = orders.filter(paid_at__gte=_day_start(filters.paid_from))
    if filters.paid_to:
        orders = orders.filter(paid_at__lt=_day_start(filters.paid_to + timedelta(days=1)))
    if filters.hold or (filters.flag and filters.flag != Flag.NONE):
        return _newest_by_sorting(orders)
    return orders.order_by("-paid_at", "-id")


def _newest_by_sorting(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Newest first for a filter that keeps few orders (a hold, a rare flag). Ordered by
    the paid_at column, SQLite walks the paid_at index and reads the whole table to find
    a page of rare matches (most of a second at 100,000 orders); ordered by an expression,
    it filters first and sorts the few."""
    epoch = datetime(2000, 1, 1, tzinfo=SHANGHAI)
    return orders.order_by(Coalesce("paid_at", Value(epoch)).desc(), "-id")


@dataclass(frozen=True)
class Page:
    """One page of a LIMIT-paged list: no COUNT over the whole table."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(queryset: QuerySet[Any], page: str | None, size: int | None = None) -> Page:
    size = size or PAGE_SIZE
    number = int(page) if page and page.isdigit() and 0 < len(page) < 7 else 1
    number = max(number, 1)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows=rows[:size], number=number, has_next=len(rows) > size)


# ---------------------------------------------------------------- the shipping clock


@dataclass(frozen=True)
class Clock:
    """An order's shipping promise as shown: due by, never later than, and how it stands."""

    due_at: datetime
    latest_at: datetime
    state: str  # waiting | due_soon | overdue | late | on_time | shipped_late
    text: str

    @property
    def is_alarm(self) -> bool:
        return self.state in ("overdue", "late", "shipped_late")


def _duration(hours: float) -> str:
    minutes = int(abs(hours) * 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


def clock_of(order: Order, now: datetime | None = None) -> Clock | None:
    """The clock of a paid order: time left while it is open, on time or late once it
    left; None for unpaid, closed or never-shipped-by-us orders."""
    if order.paid_at is None:
        return None
    now = now or timezone.now()
    clock = shipping_clock(order.paid_at)
    if order.shipped_at is not None:
        if order.shipped_at <= clock.due_at:
            return Clock(clock.due_at, clock.latest_at, "on_time", _("Shipped on time"))
        return Clock(clock.due_at, clock.latest_at, "shipped_late", _("Shipped late"))
    if order.status not in OPEN_STATUSES:
        return None
    left = clock.hours_left(now)
    if now > clock.latest_at:
        text = _("%(time)s past the latest shipping time") % {"time": _duration(left)}
        return Clock(clock.due_at, clock.latest_at, "late", text)
    if left < 0:
        return Clock(
            clock.due_at,
            clock.latest_at,
            "overdue",
            _("overdue by %(time)s") % {"time": _duration(left)},
        )
    state = "due_soon" if left < DUE_SOON_HOURS else "waiting"
    return Clock(
        clock.due_at, clock.latest_at, state, _("%(time)s left") % {"time": _duration(left)}
    )


def hold_labels(order: Order) -> list[str]:
    return [str(HoldReason(code).label) for code in order.holds if code in HoldReason.values]


@dataclass(frozen=True)
class OrderRow:
    order: Order
    clock: Clock | None
    holds: list[str]


def order_rows(orders: Sequence[Order]) -> list[OrderRow]:
    now = timezone.now()
    return [OrderRow(order, clock_of(order, now), hold_labels(order)) for order in orders]


# ---------------------------------------------------------------- one order


@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    stock_state: str  # reserved | shipped | released | none
    stock_quantity: int


def line_rows(order: Order) -> list[LineRow]:
    """The order's lines, each with what the stock ledger holds for it: reserved (active
    reservation), shipped (consumed), released, or nothing."""
    lines = list(order.lines.select_related("sku__product").order_by("pk"))
    reservations: dict[str, Reservation] = {}
    for reservation in Reservation.objects.filter(
        source_type=RESERVATION_SOURCE, source_id__in=[str(line.pk) for line in lines]
    ).order_by("pk"):
        current = reservations.get(reservation.source_id)
        # The active one wins; otherwise the latest closed one tells what happened.
        if current is None or current.status != ReservationStatus.ACTIVE:
            reservations[reservation.source_id] = reservation
    rows = []
    for line in lines:
        held = reservations.get(str(line.pk))
        if held is None:
            rows.append(LineRow(line, "none", 0))
            continue
        state = {
            ReservationStatus.ACTIVE: "reserved",
            ReservationStatus.CONSUMED: "shipped",
        }.get(ReservationStatus(held.status), "released")
        rows.append(LineRow(line, state, held.quantity))
    return rows


def get_order(pk: int) -> Order | None:
    return (
        Order.objects.select_related("shop", "customer", "merged_into", "split_from")
        .filter(pk=pk)
        .first()
    )


def group_orders(order: Order) -> list[Order]:
    """The other orders of the order's parcel (merged into it, or with it)."""
    parcel_id = order.merged_into_id or order.pk
    return list(
        Order.objects.filter(Q(pk=parcel_id) | Q(merged_into_id=parcel_id))
        .exclude(pk=order.pk)
        .order_by("paid_at", "pk")
    )


def trade_parts(order: Order) -> list[Order]:
    """The other parts of the same channel trade (split parts and the channel's order)."""
    return list(
        Order.objects.filter(channel=order.channel, shop_id=order.shop_id, order_no=order.order_no)
        .exclude(pk=order.pk)
        .order_by("part")
    )


def other_orders_of_buyer(order: Order, limit: int = 20) -> list[Order]:
    if not order.buyer_nick:
        return []
    return list(
        Order.objects.filter(channel=order.channel, buyer_nick=order.buyer_nick)
        .exclude(order_no=order.order_no, shop_id=order.shop_id)
        .select_related("shop")
        .order_by("-paid_at", "-id")[:limit]
    )


def order_audit_entries(order: Order, limit: int = 100) -> list[AuditEntry]:
    from zhanggui.core.audit import entries_for

    return list(entries_for(order)[:limit])


# ---------------------------------------------------------------- buyer messages


def buyer_messages_waiting() -> QuerySet[Order]:
    """Orders whose buyer message waits for an answer, oldest first. A split trade shows
    once (its channel order); answering marks every part."""
    return (
        Order.objects.filter(
            status__in=MESSAGE_STATUSES, buyer_message_answered_at__isnull=True, part=0
        )
        .exclude(buyer_message="")
        .select_related("shop")
        .order_by(F("ordered_at").asc(nulls_last=True), F("paid_at").asc(nulls_last=True), "id")
    )


def count_buyer_messages_waiting() -> int:
    return buyer_messages_waiting().count()
