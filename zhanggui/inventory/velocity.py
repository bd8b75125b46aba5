"""Velocity classes of SKUs from their recent sales, and the shop's stock policy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from zhanggui.inventory import rules
from zhanggui.inventory.daily_sales import shop_day
from zhanggui.inventory.models import DailySkuSales, StockPolicy


def get_policy() -> StockPolicy:
    """The shop's stock policy (created with defaults on first use)."""
    policy, _created = StockPolicy.objects.get_or_create(pk=1)
    return policy


def sales_window(days: int, *, as_of: datetime | None = None) -> tuple[date, date]:
    """The first and last shop day of a sales window of `days` days: the day of `as_of`
    (default now), today's sales so far included, and the `days` - 1 whole days before it.
    With the default 30 days on 15 June: 17 May to 15 June."""
    last = shop_day(as_of or timezone.now())
    return last - timedelta(days=days - 1), last


def units_sold(
    sku_ids: Iterable[int] | None, *, days: int, as_of: datetime | None = None
) -> dict[int, int]:
    """Units shipped to buyers per SKU (sale moves less customer returns, never below 0)
    over the sales window (sales_window) ending on the day of `as_of`, read from the daily
    roll-up: a few rows a SKU, however long the ledger. A whole day counts, so `as_of`
    inside a day includes that day's later sales too. SKUs that sold nothing are absent."""
    first, last = sales_window(days, as_of=as_of)
    rows = DailySkuSales.objects.filter(day__gte=first, day__lte=last)
    if sku_ids is not None:
        rows = rows.filter(sku_id__in=list(sku_ids))
    totals = rows.order_by().values("sku_id").annotate(total=Sum("units"))
    return {row["sku_id"]: max(0, row["total"] or 0) for row in totals}


def classify(
    sku_ids: Iterable[int], *, policy: StockPolicy | None = None, as_of: datetime | None = None
) -> dict[int, str]:
    """hot / steady / slow for each SKU (no sales at all is slow)."""
    policy = policy or get_policy()
    ids = list(sku_ids)
    sold = units_sold(ids, days=policy.window_days, as_of=as_of)
    thresholds = rules.VelocityThresholds(policy.hot_min_units, policy.slow_max_units)
    return {sku_id: rules.velocity_class(sold.get(sku_id, 0), thresholds) for sku_id in ids}
