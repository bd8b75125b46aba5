from __future__ import annotations

import pytest

from zhanggui.inventory.rules import VelocityThresholds, suggested_quantity, velocity_class

THRESHOLDS = VelocityThresholds(hot_min_units=30, slow_max_units=3)


@pytest.mark.parametrize(
    ("units_sold", "expected"),
    [(0, "slow"), (3, "slow"), (4, "steady"), (29, "steady"), (30, "hot"), (500, "hot")],
)
def test_velocity_class_at_and_around_the_thresholds(units_sold, expected):
    assert velocity_class(units_sold, THRESHOLDS) == expected


def test_velocity_class_with_slow_zero_makes_any_sale_steady():
    assert velocity_class(1, VelocityThresholds(hot_min_units=10, slow_max_units=0)) == "steady"


def test_suggested_quantity_covers_lead_time_and_review_plus_safety_less_stock():
    # 60 sold in 30 days = 2 a day; 10 + 7 days = 34; + safety 10 - available 8 - on order 6
    quantity = suggested_quantity(
        units_sold=60,
        window_days=30,
        lead_time_days=10,
        review_days=7,
        safety_stock=10,
        available=8,
        on_order=6,
    )
    assert quantity == 30


def test_suggested_quantity_rounds_demand_up():
    # 1 sold in 30 days over 7 days = 0.23 units: one to order
    quantity = suggested_quantity(
        units_sold=1,
        window_days=30,
        lead_time_days=0,
        review_days=7,
        safety_stock=0,
        available=0,
        on_order=0,
    )
    assert quantity == 1


def test_suggested_quantity_is_never_negative_when_stock_is_plenty():
    quantity = suggested_quantity(
        units_sold=30,
        window_days=30,
        lead_time_days=3,
        review_days=7,
        safety_stock=4,
        available=200,
        on_order=0,
    )
    assert quantity == 0


def test_suggested_quantity_refuses_an_empty_window():
    with pytest.raises(ValueError, match="window_days"):
        suggested_quantity(
            units_sold=1,
            window_days=0,
            lead_time_days=1,
            review_days=7,
            safety_stock=0,
            available=0,
            on_order=0,
        )
