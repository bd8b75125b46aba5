"""The review rules as a scheduled job: every few minutes the rules review the orders that
arrived since (zhanggui/orders/services/rules.auto_review)."""

from __future__ import annotations

from django_tasks import task

from zhanggui.core.schedule import scheduled
from zhanggui.orders.services.rules import auto_review

EVERY_MINUTES = 5


@scheduled(name="orders.auto_review", every_minutes=EVERY_MINUTES)
@task()
def review_new_orders() -> dict[str, int]:
    """Apply the active rules to the orders to review they have not looked at yet. Safe to
    run twice: each order is locked and re-checked, and an order the rules (or a person)
    decided is not theirs again. Returns the counts as the task's result."""
    summary = auto_review()
    return {
        "approved": summary.approved,
        "held": summary.held,
        "out_of_stock": summary.out_of_stock,
        "left": summary.left,
    }
