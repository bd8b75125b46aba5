from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.purchasing import rules
from zhanggui.purchasing.status import (
    TRANSITIONS,
    PurchaseOrderStatus,
    can_transition,
)


def test_first_order_excess_lists_only_new_styles_above_the_cap():
    lines = [
        rules.CapLine("NEW-S", 3, is_new_style=True),
        rules.CapLine("NEW-M", 5, is_new_style=True),
        rules.CapLine("OLD-M", 50, is_new_style=False),
    ]
    assert rules.first_order_excess(lines, 3) == [rules.CapExcess("NEW-M", 5, 3)]


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        ([(10, 10), (5, 5)], PurchaseOrderStatus.RECEIVED),
        ([(10, 12), (5, 5)], PurchaseOrderStatus.RECEIVED),
        ([(10, 9), (5, 5)], PurchaseOrderStatus.PARTLY_RECEIVED),
        ([(10, 0)], PurchaseOrderStatus.PARTLY_RECEIVED),
    ],
)
def test_status_after_receipt_is_received_only_when_every_line_is_complete(progress, expected):
    assert rules.status_after_receipt(progress) == expected


@pytest.mark.parametrize(
    ("ordered", "received", "now", "excess"),
    [
        (10, 0, 10, 0),
        (10, 4, 7, 1),
        (10, 10, 0, 0),
        (10, 12, 3, 3),  # already 2 over (allowed earlier): the new 3 are all extra
        (10, 0, 0, 0),
    ],
)
def test_over_receipt_counts_units_beyond_the_order(ordered, received, now, excess):
    assert rules.over_receipt(ordered=ordered, received=received, now=now) == excess


def test_line_amount_rounds_half_up_per_line():
    assert rules.line_amount(3, Decimal("19.995")) == Decimal("59.99")
    assert rules.line_amount(7, Decimal("18.50")) == Decimal("129.50")


def test_running_balance_splits_debits_and_credits():
    rows = rules.running_balance(
        Decimal("100.00"), [Decimal("250.00"), Decimal("-300.00"), Decimal("15.50")]
    )
    assert [(r.debit, r.credit, r.balance) for r in rows] == [
        (Decimal("250.00"), Decimal("0.00"), Decimal("350.00")),
        (Decimal("0.00"), Decimal("300.00"), Decimal("50.00")),
        (Decimal("15.50"), Decimal("0.00"), Decimal("65.50")),
    ]


def test_transition_table_has_closed_and_cancelled_as_final_states():
    assert TRANSITIONS[PurchaseOrderStatus.CLOSED] == frozenset()
    assert TRANSITIONS[PurchaseOrderStatus.CANCELLED] == frozenset()
    assert can_transition("draft", "ordered")
    assert not can_transition("received", "cancelled")
