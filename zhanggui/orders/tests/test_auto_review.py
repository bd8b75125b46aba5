"""auto_review and dry_run on a real database: approvals reserve stock exactly, holds name
their rule, out of stock leaves stock untouched, the bulk path matches the one-by-one
path, and a dry run writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from zhanggui.core.models import AuditEntry
from zhanggui.customers.models import Customer
from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel
from zhanggui.orders.models import (
    DecisionAction,
    Flag,
    HoldReason,
    Order,
    OrderDecision,
    OrderStatus,
)
from zhanggui.orders.models_rules import ReviewRule, RuleAction, RuleCondition
from zhanggui.orders.review_rules import Outcome
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.rule_changes import install_default_rules
from zhanggui.orders.services.rules import (
    active_rules,
    auto_review,
    dry_run,
    reviewable_by_rules,
    todays_queue,
)
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture
def rules(db):
    install_default_rules()
    return {rule.code: rule for rule in ReviewRule.objects.all()}


@pytest.fixture
def skus(manager):
    return make_skus(manager, "R1-S", "R1-M", on_hand=5)


def _reserved(sku):
    return StockLevel.objects.get(sku=sku).reserved


def _paid(minutes_ago):
    return timezone.now() - timedelta(minutes=minutes_ago)


def test_ordinary_order_is_approved_with_its_stock_reserved_exactly(manager, rules, skus):
    order = make_order(manager, ("R1-S", 2), ("R1-M", 1))
    summary = auto_review()
    assert (summary.approved, summary.held, summary.out_of_stock) == (1, 0, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert (_reserved(skus[0]), _reserved(skus[1])) == (2, 1)
    reservations = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert sorted((r.source_id, r.quantity) for r in reservations) == sorted(
        (str(line.pk), line.quantity) for line in order.lines.all()
    )
    decision = order.decisions.get(action=DecisionAction.APPROVE)
    assert decision.rule == str(rules["auto_approve"].label)


def test_hold_records_the_rule_and_why_and_leaves_stock_alone(manager, rules, skus):
    order = make_order(manager, ("R1-S", 1), buyer_message="请发顺丰")
    summary = auto_review()
    assert (summary.approved, summary.held) == (0, 1)
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.REQUESTED_COURIER, HoldReason.BUYER_MESSAGE]
    holds = list(order.decisions.filter(action=DecisionAction.HOLD).order_by("pk"))
    assert [d.rule for d in holds] == [
        str(rules["requested_courier"].label),
        str(rules["buyer_message"].label),
    ]
    assert "顺丰" in holds[0].reason
    assert _reserved(skus[0]) == 0


def test_out_of_stock_goes_on_hold_flagged_yellow_with_stock_untouched(manager, rules, skus):
    order = make_order(manager, ("R1-S", 1), ("R1-M", 6))
    summary = auto_review()
    assert (summary.approved, summary.out_of_stock) == (0, 1)
    assert summary.out_of_stock_orders == [str(order)]
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.OUT_OF_STOCK]
    assert order.flag == Flag.YELLOW
    assert (_reserved(skus[0]), _reserved(skus[1])) == (0, 0)
    assert not Reservation.objects.exists()
    assert order.decisions.get(action=DecisionAction.OUT_OF_STOCK).reason == "R1-M×6"


def test_the_earliest_paid_order_gets_the_last_units(manager, rules, skus):
    later = make_order(manager, ("R1-M", 3), paid_at=_paid(5))
    earlier = make_order(manager, ("R1-M", 3), paid_at=_paid(50))
    auto_review()
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert (earlier.status, later.status) == (OrderStatus.APPROVED, OrderStatus.ON_HOLD)
    assert _reserved(skus[1]) == 3


def test_blacklisted_buyer_is_held(manager, rules, skus):
    Customer.objects.create(channel="taobao", buyer_nick="bad_buyer", is_blacklisted=True)
    order = make_order(manager, ("R1-S", 1), buyer_nick="bad_buyer")
    fine = make_order(manager, ("R1-S", 1), channel="jd", buyer_nick="bad_buyer")
    auto_review()
    order.refresh_from_db()
    fine.refresh_from_db()
    assert order.holds == [HoldReason.BLACKLISTED_BUYER]
    assert fine.status == OrderStatus.APPROVED


def test_flags_set_and_suggested(manager, rules, skus):
    green = make_order(manager, ("R1-S", 1), buyer_nick="a", seller_memo="客户已银行转账")
    first = make_order(manager, ("R1-S", 1), buyer_nick="b", paid_at=_paid(30))
    second = make_order(manager, ("R1-S", 1), buyer_nick="b", paid_at=_paid(20))
    auto_review()
    green.refresh_from_db()
    assert green.flag == Flag.GREEN  # set, and held for the memo
    assert green.status == OrderStatus.ON_HOLD
    assert green.decisions.filter(
        action=DecisionAction.FLAG, rule=str(rules["bank_transfer"].label)
    ).exists()
    for order in (first, second):
        order.refresh_from_db()
        assert order.flag == Flag.NONE  # only suggested
        note = order.decisions.get(action=DecisionAction.NOTE)
        assert note.rule == str(rules["several_open_orders"].label)
        assert order.status == OrderStatus.APPROVED


def test_switched_off_auto_approval_leaves_ordinary_orders_to_a_person(manager, rules, skus):
    ReviewRule.objects.filter(code="auto_approve").update(is_active=False)
    order = make_order(manager, ("R1-S", 1))
    summary = auto_review()
    assert summary.left == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.TO_REVIEW
    assert order.decisions.filter(action=DecisionAction.NOTE).count() == 1
    # The rules looked at it once: the next run leaves it alone.
    assert auto_review().left == 0


def test_orders_a_person_released_are_theirs_unless_asked(manager, rules, skus):
    order = make_order(manager, ("R1-S", 1), buyer_message="要M码")
    auto_review()
    lifecycle.release_holds(actor=manager, order_id=order.pk)
    assert not reviewable_by_rules().filter(pk=order.pk).exists()
    assert auto_review().held == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.TO_REVIEW
    summary = auto_review([order.pk, 999999], actor=manager)
    assert (summary.held, summary.skipped) == (1, 1)


def test_an_order_with_a_merged_order_is_approved_with_it(manager, rules, skus):
    parcel = make_order(manager, ("R1-S", 1), buyer_nick="m")
    merged = make_order(manager, ("R1-M", 2), buyer_nick="m")
    Order.objects.filter(pk=merged.pk).update(merged_into=parcel)
    auto_review()
    parcel.refresh_from_db()
    merged.refresh_from_db()
    assert (parcel.status, merged.status) == (OrderStatus.APPROVED, OrderStatus.APPROVED)
    assert (_reserved(skus[0]), _reserved(skus[1])) == (1, 2)


def _state():
    """Everything auto_review may write, without ids or times."""
    orders = {o.pk: o.order_no for o in Order.objects.all()}
    decisions = OrderDecision.objects.order_by("pk")
    return {
        "orders": sorted(
            Order.objects.values_list("order_no", "status", "hold_reasons", "flag", "is_urgent")
        ),
        # In the order they were made, per order.
        "decisions": sorted(
            (number, tuple(decisions.filter(order_id=pk).values_list("action", "rule", "reason")))
            for pk, number in orders.items()
        ),
        "reservations": sorted(
            Reservation.objects.filter(status=ReservationStatus.ACTIVE).values_list(
                "source_id", "sku_id", "quantity"
            )
        ),
        "levels": sorted(StockLevel.objects.values_list("sku_id", "on_hand", "reserved")),
        "audit": sorted(
            (
                e.object_repr,
                e.note,
                tuple(
                    sorted(
                        (k, v["before"], v["after"])
                        for k, v in e.changes.items()
                        if k != "approved_at"
                    )
                ),
            )
            for e in AuditEntry.objects.filter(object_repr__in=orders.values())
        ),
    }


class _Rollback(Exception):
    pass


def _run(batch):
    try:
        with transaction.atomic():
            auto_review(batch=batch)
            state = _state()
            raise _Rollback
    except _Rollback:
        return state


def test_bulk_path_leaves_exactly_what_the_one_by_one_path_leaves(manager, rules, skus):
    ReviewRule.objects.create(
        name="加急",
        condition=RuleCondition.KEYWORDS,
        parameter="加急",
        action=RuleAction.MARK_URGENT,
        position=5,
    )
    make_skus(manager, "R2-S", on_hand=3)
    for minutes, lines, fields in [
        (90, [("R1-S", 2)], {}),
        (80, [("R1-M", 4), ("R1-S", 1)], {"buyer_nick": "x"}),
        (70, [("R1-M", 2)], {"buyer_nick": "x"}),  # short after the one before
        (60, [("R2-S", 1), ("R2-S", 2)], {"seller_memo": "已转账"}),  # held, flagged green
        (50, [("R2-S", 2)], {"buyer_message": "加急 发EMS"}),
        (40, [("R2-S", 2), ("R1-S", 1)], {}),  # R2-S short: stock untouched
        (30, [("NOPE", 1)], {}),  # intake hold: not to review
        (20, [("R1-S", 1)], {"buyer_nick": "y", "seller_memo": "换货"}),
    ]:
        make_order(manager, *lines, paid_at=_paid(minutes), **fields)
    before = _state()
    one_by_one = _run(batch=False)
    assert _state() == before
    bulk = _run(batch=True)
    assert bulk == one_by_one
    assert bulk != before
    assert [row[1] for row in bulk["orders"]].count(OrderStatus.APPROVED) == 3


def test_dry_run_writes_nothing_and_predicts_every_outcome(manager, rules, skus):
    make_order(manager, ("R1-S", 5), paid_at=_paid(30))
    make_order(manager, ("R1-S", 1), paid_at=_paid(20))  # the first takes every unit
    make_order(manager, ("R1-M", 1), buyer_message="加个袋子", paid_at=_paid(10))
    make_order(manager, ("NOPE", 1), paid_at=_paid(5))  # unmatched: stays held
    counts = (
        Order.objects.count(),
        OrderDecision.objects.count(),
        AuditEntry.objects.count(),
        Reservation.objects.count(),
    )
    statuses = list(Order.objects.order_by("pk").values_list("status", "hold_reasons", "flag"))
    result = dry_run(active_rules(), list(todays_queue()))
    assert [row.outcome for row in result.rows] == [
        Outcome.APPROVE,
        Outcome.OUT_OF_STOCK,
        Outcome.HOLD,
        Outcome.HOLD,
    ]
    assert result.counts == {"approve": 1, "hold": 2, "out_of_stock": 1, "leave": 0}
    assert result.rows[1].detail == "R1-S×1"
    assert (
        Order.objects.count(),
        OrderDecision.objects.count(),
        AuditEntry.objects.count(),
        Reservation.objects.count(),
    ) == counts
    assert (
        list(Order.objects.order_by("pk").values_list("status", "hold_reasons", "flag")) == statuses
    )
    assert _reserved(skus[0]) == 0


def test_the_rules_run_every_few_minutes(manager, rules, skus):
    from django.utils.module_loading import autodiscover_modules

    from zhanggui.core.schedule import SCHEDULES

    autodiscover_modules("tasks")
    schedule = SCHEDULES["orders.auto_review"]
    assert schedule.every_minutes == 5
    order = make_order(manager, ("R1-S", 1))
    assert schedule.task.call() == {"approved": 1, "held": 0, "out_of_stock": 0, "left": 0}
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
