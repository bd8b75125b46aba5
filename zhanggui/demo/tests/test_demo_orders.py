"""The demo's orders: the plan without a database, then `zhanggui demo --orders 60` on a real
one, at a tenth of the shop."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zhanggui.demo import data_orders as story
from zhanggui.demo.plan_catalog import plan_catalog
from zhanggui.demo.plan_orders import (
    OrderPlan,
    OrdersPlan,
    festival_days,
    plan_orders,
    special_kinds,
)
from zhanggui.demo.plan_parties import plan_customers
from zhanggui.demo.story_orders import APPROVE, DAY, RECEIVE, REVIEW, SHIP
from zhanggui.demo.tests.helpers import run_demo, wipe
from zhanggui.inventory.models import MoveKind, Reservation, ReservationStatus, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import (
    ALLOCATED_STATUSES,
    Flag,
    HoldReason,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    RefundStatus,
    hold_q,
)
from zhanggui.orders.sla import shipping_clock

TODAY = date(2026, 11, 23)  # a Monday, twelve days after 双十一
TRACKING = {
    "STO": r"(77\d{11}|[2-9]68\d{9})",
    "YTO": r"YT\d{13}",
    "SF": r"SF\d{12,13}",
    "EMS": r"(11|98)\d{11}",
    "YUNDA": r"(43|46|31)\d{11}",
}


FREE = 6  # units free of every SKU but one


@pytest.fixture(scope="module")
def planned() -> OrdersPlan:
    catalog = plan_catalog(seed=1, count=40)
    free = {sku.merchant_code: FREE for plan in catalog for sku in plan.skus}
    free[catalog[0].skus[0].merchant_code] = 0
    return plan_orders(
        seed=1,
        count=1500,
        today=TODAY,
        catalog=catalog,
        customers=plan_customers(seed=1, count=120),
        available=free,
    )


@pytest.fixture(scope="module")
def plans(planned: OrdersPlan) -> list[OrderPlan]:
    return planned.orders


# ---------------------------------------------------------------- the plan, no database


def test_festivals_in_the_last_90_days_come_from_today():
    assert {day: f.name for day, f in festival_days(TODAY).items()} == {
        -75: "99划算节",
        -12: "双十一",
    }
    assert [f.name for f in festival_days(date(2026, 7, 1)).values()] == ["520", "618"]
    december = festival_days(date(2026, 12, 20))
    assert {f.name for f in december.values()} == {"双十一", "双十二"}


def test_every_90_days_hold_a_festival():
    for offset in range(0, 366, 5):
        assert festival_days(date(2026, 1, 1) + timedelta(days=offset)), offset


def test_plan_orders_arrive_at_realistic_times(plans):
    hours = Counter((plan.ordered_at % DAY) // 60 for plan in plans)
    evening = sum(hours[hour] for hour in range(20, 23)) / 3
    night = sum(hours[hour] for hour in range(2, 6)) / 4
    assert evening > 5 * night
    days = Counter(plan.ordered_at // DAY for plan in plans)
    assert days[-12] > 4 * (len(plans) / story.STORY_DAYS)  # 双十一
    assert hours[0] > hours[1]  # the midnight rush of the festival
    weekend = [day for day in range(-84, -14) if (TODAY + timedelta(days=day)).weekday() >= 5]
    weekday = [day for day in range(-84, -14) if day not in weekend and day + 12 not in (-1, 0, 1)]
    per_weekend_day = sum(days[day] for day in weekend) / len(weekend)
    per_weekday = sum(days[day] for day in weekday) / len(weekday)
    assert per_weekend_day > per_weekday
    assert min(plan.ordered_at for plan in plans) >= -story.STORY_DAYS * DAY
    paid = [plan.paid_at - plan.ordered_at for plan in plans if plan.paid_at is not None]
    assert sorted(paid)[len(paid) // 2] <= 3  # most pay within minutes


def test_plan_steps_run_in_time_order_before_midnight(plans):
    for plan in plans:
        moments = [step.at for step in plan.steps]
        assert moments == sorted(moments), plan.order_no
        assert plan.steps[0].kind == RECEIVE
        assert moments[-1] < 0
        assert plan.ordered_at < moments[0]
    numbers = [(plan.channel, plan.order_no) for plan in plans]
    assert len(set(numbers)) == len(numbers)


def test_plan_promises_only_stock_there_is(planned, plans):
    """Orders approved or shipped in Zhanggui never take more than is free (with what a
    small shop is restocked with for many orders); the ones short on purpose take a SKU
    with nothing free, never restocked."""
    taken: Counter[str] = Counter()
    short: set[str] = set()
    for plan in plans:
        allocating = any(
            step.kind in (APPROVE, REVIEW) and not step.out_of_stock for step in plan.steps
        )
        if any(step.out_of_stock for step in plan.steps):
            short.update(line.merchant_code for line in plan.lines[-1:])
        elif allocating:
            for line in plan.lines:
                taken[line.merchant_code] += line.quantity
    assert planned.restock  # 1,500 orders on 40 styles with six of each
    for code, units in taken.items():
        assert units <= FREE + planned.restock.get(code, 0), code
    assert short
    assert not short & set(planned.restock)
    assert not short & set(taken)


def test_plan_ships_with_real_tracking_numbers(plans):
    shipped = [step for plan in plans for step in plan.steps if step.kind == SHIP]
    couriers = Counter(step.courier for step in shipped)
    assert couriers.most_common(1)[0][0] == "STO"
    assert set(couriers) == set(TRACKING)
    for step in shipped:
        assert re.fullmatch(TRACKING[step.courier], step.tracking_no), step


def test_special_kinds_fit_a_small_demo():
    assert special_kinds(0) == []
    assert special_kinds(3) == ["awaiting_payment", "to_review", "approved"]
    assert len(special_kinds(60)) < 30


# ---------------------------------------------------------------- on the database


@pytest.fixture(scope="module")
def demo_orders(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """One demo of 60 orders for the tests below that only read it, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        run_demo("--orders", "60")
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_same_seed_gives_the_same_orders():
    def orders() -> dict[tuple[str, int], tuple[str, str, str]]:
        rows = Order.objects.values_list("order_no", "part", "status", "flag", "tracking_no")
        return {(no, part): rest for no, part, *rest in rows}

    wipe()  # the module's demo, when it ran first
    run_demo("--orders", "40", "--seed", "3")
    first = orders()
    wipe()
    run_demo("--orders", "40", "--seed", "3")
    assert orders() == first
    assert len(first) >= 40
    assert {status for status, _flag, _tracking in first.values()} == set(OrderStatus.values)


@pytest.mark.django_db
def test_demo_orders_show_every_status_and_kind_of_work(demo_orders):
    orders = Order.objects.all()
    assert orders.filter(part=0).count() == 60
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    assert set(orders.values_list("flag", flat=True)) == set(Flag.values)
    assert orders.exclude(buyer_message="").exists()
    assert orders.exclude(seller_memo="").exists()
    merged = orders.filter(merged_into__isnull=False)
    assert merged.exists()
    for order in merged.select_related("merged_into"):  # one parcel, each trade finishing
        statuses = {order.status, order.merged_into.status}
        assert len(statuses) == 1 or statuses == {OrderStatus.SHIPPED, OrderStatus.COMPLETED}
    part = orders.get(part__gt=0)
    assert part.split_from.order_no == part.order_no
    assert part.source == OrderSource.SPLIT
    held = orders.filter(status=OrderStatus.ON_HOLD)
    for reason in (
        HoldReason.UNMATCHED,
        HoldReason.ADDRESS_UNRESOLVED,
        HoldReason.OUT_OF_STOCK,
        HoldReason.BUYER_MESSAGE,
        HoldReason.REFUND,
        HoldReason.MANUAL,
    ):
        assert held.filter(hold_q(reason)).exists(), reason
    unmatched = OrderLine.objects.get(sku__isnull=True)
    assert unmatched.order.status == OrderStatus.ON_HOLD
    assert OrderLine.objects.filter(refund_status=RefundStatus.REFUNDED).exists()
    assert set(orders.values_list("source", flat=True)) == {
        OrderSource.IMPORT,
        OrderSource.SYNC,
        OrderSource.SPLIT,
    }


@pytest.mark.django_db
def test_demo_orders_keep_stock_exact(demo_orders):
    assert ledger_differences() == []
    allocated = OrderLine.objects.filter(
        Q(order__status__in=ALLOCATED_STATUSES)
        | Q(order__merged_into__status__in=ALLOCATED_STATUSES)
    ).exclude(refund_status=RefundStatus.REFUNDED)
    active = Reservation.objects.filter(status=ReservationStatus.ACTIVE, source_type="order_line")
    assert (
        active.aggregate(units=Sum("quantity"))["units"]
        == allocated.aggregate(units=Sum("quantity"))["units"]
    )
    shipped_lines = OrderLine.objects.filter(
        order__source=OrderSource.SYNC,
        order__status__in=(OrderStatus.SHIPPED, OrderStatus.COMPLETED),
    ).exclude(refund_status=RefundStatus.REFUNDED)
    sold = StockMove.objects.filter(kind=MoveKind.SALE, source_type="order_line")
    assert (
        -sold.aggregate(units=Sum("quantity"))["units"]
        >= shipped_lines.aggregate(units=Sum("quantity"))["units"]
    )


@pytest.mark.django_db
def test_demo_orders_ship_mostly_on_time_with_real_couriers(demo_orders):
    now = timezone.now()
    shipped = Order.objects.filter(shipped_at__isnull=False)
    assert shipped.exists()
    late = [o for o in shipped if o.shipped_at > shipping_clock(o.paid_at).latest_at]
    assert len(late) <= shipped.count() // 5
    for order in Order.objects.exclude(courier=""):
        assert re.fullmatch(TRACKING[order.courier], order.tracking_no), order
    assert not Order.objects.filter(ordered_at__gt=now).exists()
    assert not Order.objects.filter(ordered_at__lt=now - timedelta(days=91)).exists()
