"""Velocity classes of SKUs from their recent sales, and the shop's stock policy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from zhanggui.inventory import rules
from zhanggui.inventory.models import MoveKind, StockMove, StockPolicy


def get_policy() -> StockPolicy:
    """The shop's stock policy (created with defaults on first use)."""
    policy, _created = StockPolicy.objects.get_or_create(pk=1)
    return policy


def units_sold(
    sku_ids: Iterable[int] | None, *, days: int, as_of: datetime | None = None
) -> dict[int, int]:
    """Units shipped to buyers per SKU in the last `days` days (sale moves, less returns)."""
    since = (as_of or timezone.now()) - timedelta(days=days)
    moves = StockMove.objects.filter(
        created_at__gte=since, kind__in=[MoveKind.SALE, MoveKind.CUSTOMER_RETURN]
    )
    if as_of is not None:
        moves = moves.filter(created_at__lte=as_of)
    if sku_ids is not None:
        moves = moves.filter(sku_id__in=list(sku_ids))
    totals = moves.values("sku_id").annotate(total=Sum("quantity"))
    # Sales are negative moves; returns positive: the sum's negation is net units sold.
    return {row["sku_id"]: max(0, -(row["total"] or 0)) for row in totals}


def classify(
    sku_ids: Iterable[int], *, policy: StockPolicy | None = None, as_of: datetime | None = None
) -> dict[int, str]:
    """hot / steady / slow for each SKU (no sales at all is slow)."""
    policy = policy or get_policy()
    ids = list(sku_ids)
    sold = units_sold(ids, days=policy.window_days, as_of=as_of)
    thresholds = rules.VelocityThresholds(policy.hot_min_units, policy.slow_max_units)
    return {sku_id: rules.velocity_class(sold.get(sku_id, 0), thresholds) for sku_id in ids}
