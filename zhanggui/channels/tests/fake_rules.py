"""Stands in for zhanggui.orders.services.rules in the sync's tests."""

from __future__ import annotations

from collections.abc import Sequence

REVIEWED: list[list[int]] = []


def auto_review(order_ids: Sequence[int]) -> None:
    REVIEWED.append(list(order_ids))
