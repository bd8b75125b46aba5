"""Pure stock rules: velocity classes and replenishment quantities. No ORM, no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class VelocityThresholds:
    hot_min_units: int
    slow_max_units: int


def velocity_class(units_sold: int, thresholds: VelocityThresholds) -> str:
    """hot, steady or slow from the units sold in the policy's window."""
    if units_sold >= thresholds.hot_min_units:
        return "hot"
    if units_sold <= thresholds.slow_max_units:
        return "slow"
    return "steady"


def suggested_quantity(
    *,
    units_sold: int,
    window_days: int,
    lead_time_days: int,
    review_days: int,
    safety_stock: int,
    available: int,
    on_order: int,
) -> int:
    """Units to order now so stock lasts until the order after next arrives.

    Demand per day (units_sold / window_days) covers the supplier's lead time plus the days
    until the next weekly review, plus the class's safety stock, less what is available and
    already on order. Rounded up: a shop would rather hold one more than sell out."""
    if window_days <= 0:
        raise ValueError("window_days must be positive")
    demand = units_sold / window_days * (lead_time_days + review_days)
    need = math.ceil(demand) + safety_stock - available - on_order
    return max(0, need)
