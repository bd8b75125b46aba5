"""Reads of the review queue (审单): its tabs, each one indexed query on (status, paid_at),
their counts, the filters, and the rows a page shows (lines, shipping clock, hold reasons,
the rules' suggestions, the message that asks the buyer to confirm the receiver)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhanggui.orders.models import (
    OPEN_STATUSES,
    Flag,
    HoldReason,
    Order,
    OrderLine,
    OrderStatus,
    hold_q,
)
from zhanggui.orders.review_rules import RuleSpec, Verdict
from zhanggui.orders.services.rules import confirmation_message, not_merged, plans_for
from zhanggui.orders.sla import (
    SHANGHAI,
    due_today_paid_before,
    overdue_paid_before,
    shipping_clock,
)

PAGE_SIZE: Final = 50
MAX_PAGE: Final = 200  # deeper than this, filter instead
# The buyer's language: the confirmation message is for a Taobao buyer, whatever the
# operator reads the page in.
BUYER_LANGUAGE: Final = "zh-hans"
OPEN: Final = sorted(OPEN_STATUSES)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    query: Callable[[datetime], Q]  # given "now"
    statuses: tuple[str, ...]  # the statuses a status filter may pick from


TABS: Final = (
    Tab(
        "to_review",
        _("To review"),
        lambda now: Q(status=OrderStatus.TO_REVIEW),
        (OrderStatus.TO_REVIEW,),
    ),
    Tab(
        "on_hold",
        _("On hold"),
        lambda now: Q(status=OrderStatus.ON_HOLD) & ~hold_q(HoldReason.OUT_OF_STOCK),
        (OrderStatus.ON_HOLD,),
    ),
    Tab(
        "out_of_stock",
        _("Out of stock"),
        lambda now: Q(status=OrderStatus.ON_HOLD) & hold_q(HoldReason.OUT_OF_STOCK),
        (OrderStatus.ON_HOLD,),
    ),
    # Due today: paid before today's cut-off, or marked urgent, and not shipped yet.
    Tab(
        "urgent",
        _("Urgent"),
        lambda now: (
            Q(status__in=OPEN) & (Q(paid_at__lt=due_today_paid_before(now)) | Q(is_urgent=True))
        ),
        tuple(OPEN),
    ),
    # Paid more than 24 hours ago and not shipped: the promise is broken.
    Tab(
        "overdue",
        _("Overdue"),
        lambda now: Q(status__in=OPEN, paid_at__lt=overdue_paid_before(now)),
        tuple(OPEN),
    ),
)
TAB_KEYS: Final = {tab.key: tab for tab in TABS}


@dataclass(frozen=True)
class QueueFilters:
    channel: str = ""
    shop_id: int | None = None
    flag: str = ""
    hold: str = ""
    buyer: str = ""
    order_no: str = ""
    paid_from: date | None = None
    paid_to: date | None = None
    status: str = ""


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def filter_q(filters: QueueFilters) -> Q:
    """Each filter compares a whole value (or a range of paid_at), so it narrows the tab's
    index range instead of scanning text."""
    query = Q(not_merged())  # merged orders ship with their parcel's order
    if filters.channel:
        query &= Q(channel=filters.channel)
    if filters.shop_id:
        query &= Q(shop_id=filters.shop_id)
    if filters.flag:
        query &= Q(flag=filters.flag)
    if filters.hold:
        query &= hold_q(filters.hold)
    if filters.buyer:
        query &= Q(buyer_nick=filters.buyer)
    if filters.order_no:
        query &= Q(order_no=filters.order_no)
    if filters.paid_from:
        query &= Q(paid_at__gte=_day_start(filters.paid_from))
    if filters.paid_to:
        query &= Q(paid_at__lt=_day_start(filters.paid_to + timedelta(days=1)))
    if filters.status:
        query &= Q(status=filters.status)
    return query


def tab_orders(tab: str, filters: QueueFilters, now: datetime | None = None) -> QuerySet[Order]:
    """A tab's orders, the earliest paid first (the shipping clock runs from payment)."""
    now = now or timezone.now()
    return Order.objects.filter(TAB_KEYS[tab].query(now), filter_q(filters)).order_by(
        "paid_at", "pk"
    )


def count_tab(tab: str, filters: QueueFilters | None = None, now: datetime | None = None) -> int:
    return tab_orders(tab, filters or QueueFilters(), now).order_by().count()


def tab_counts(filters: QueueFilters, now: datetime | None = None) -> dict[str, int]:
    """One COUNT per tab, with the same filters."""
    now = now or timezone.now()
    return {tab.key: count_tab(tab.key, filters, now) for tab in TABS}


@dataclass(frozen=True)
class Window:
    rows: list[Order]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(orders: QuerySet[Order], page: str | None) -> Window:
    """One page by LIMIT/OFFSET on the indexed order (no COUNT: the tab has one)."""
    number = int(page) if page and page.isdigit() else 1
    number = min(max(number, 1), MAX_PAGE)
    start = (number - 1) * PAGE_SIZE
    rows = list(orders.select_related("shop")[start : start + PAGE_SIZE + 1])
    return Window(rows=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


@dataclass(frozen=True)
class Clock:
    hours_left: float
    is_overdue: bool
    past_latest: bool  # past 48 h: the shop's hard limit

    @property
    def hours(self) -> int:
        return int(abs(self.hours_left))


def clock_of(order: Order, now: datetime) -> Clock | None:
    if order.paid_at is None:
        return None
    clock = shipping_clock(order.paid_at)
    return Clock(
        hours_left=clock.hours_left(now),
        is_overdue=clock.is_overdue(now),
        past_latest=now > clock.latest_at,
    )


@dataclass(frozen=True)
class Suggestion:
    flag: str
    label: str  # the flag's meaning
    why: str  # the rule and its reason


@dataclass
class QueueRow:
    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    clock: Clock | None = None
    holds: list[str] = field(default_factory=list)  # labels
    suggestions: list[Suggestion] = field(default_factory=list)  # flags the rules propose
    confirmation: str = ""

    @property
    def can_act(self) -> bool:
        return self.order.status in (OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD)


def rows_for(orders: Sequence[Order], rules: Sequence[RuleSpec]) -> list[QueueRow]:
    """The page's rows: one query for the lines, at most two for what the rules look at."""
    now = timezone.now()
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in OrderLine.objects.filter(order__in=[order.pk for order in orders]).order_by(
        "order_id", "pk"
    ):
        lines[line.order_id].append(line)
    reviewing = [
        order for order in orders if order.status in (OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD)
    ]
    plans = plans_for(reviewing, rules) if rules and reviewing else {}
    rows = []
    for order in orders:
        plan = plans.get(order.pk)
        proposed = [
            *([plan.flag] if plan and plan.flag else []),
            *(plan.suggestions if plan else ()),
        ]
        with translation.override(BUYER_LANGUAGE):
            confirmation = confirmation_message(order, lines[order.pk])
        rows.append(
            QueueRow(
                order=order,
                lines=lines[order.pk],
                clock=clock_of(order, now),
                holds=[
                    str(HoldReason(code).label) if code in HoldReason.values else code
                    for code in order.holds
                ],
                suggestions=_suggestions(proposed, order.flag),
                confirmation=confirmation,
            )
        )
    return rows


def _suggestions(verdicts: Sequence[Verdict], current: str) -> list[Suggestion]:
    found: dict[str, Suggestion] = {}
    for verdict in verdicts:
        if verdict.flag == current or verdict.flag not in Flag.values or verdict.flag in found:
            continue
        label = str(Flag(verdict.flag).label)
        found[verdict.flag] = Suggestion(verdict.flag, label, f"{verdict.rule}: {verdict.reason}")
    return list(found.values())
