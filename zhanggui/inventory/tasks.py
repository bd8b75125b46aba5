"""Background tasks of the stock ledger."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from zhanggui.core.schedule import scheduled
from zhanggui.inventory.selectors import check_ledger

logger = logging.getLogger(__name__)


@scheduled(name="inventory.check_stock", hour=2)
@task()
def check_stock_ledger() -> dict[str, Any]:
    """Nightly: recompute every balance and the daily sales roll-up from the ledger (the
    same check as `check-stock`).

    Read-only, so running it twice is harmless. Logs an error per difference, for whoever
    watches the logs; returns {"checked": n, "differences": [...], "daily_sales_checked":
    n, "daily_sales_differences": [...]} as the task's result."""
    result = check_ledger()
    for difference in result.differences:
        logger.error("stock balance differs from the ledger: %s", difference.as_dict())
    for sales in result.daily_sales_differences:
        logger.error("daily sales differ from the ledger: %s", sales.as_dict())
    return {
        "checked": result.checked,
        "differences": [difference.as_dict() for difference in result.differences],
        "daily_sales_checked": result.daily_sales_checked,
        "daily_sales_differences": [sales.as_dict() for sales in result.daily_sales_differences],
    }
