"""Stock alerts (库存预警): SKUs whose stock available for sale is under the warning level of
their velocity class (DOMAIN.md §3), and how many units would bring them back to it.

The cost does not grow with the ledger: balances come from StockLevel, velocity from the
daily sales roll-up inside the policy's window only (one grouped query over its (day, sku,
units) index: at most a row per SKU and day, however many moves a day had)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhanggui.catalog.models import Sku
from zhanggui.inventory import rules
from zhanggui.inventory.models import StockLevel, StockPolicy, VelocityClass, Warehouse
from zhanggui.inventory.velocity import get_policy, units_sold

# Hot first: a hot SKU short of stock loses the most sales.
VELOCITY_ORDER: Final = {VelocityClass.HOT: 0, VelocityClass.STEADY: 1, VelocityClass.SLOW: 2}


@dataclass(frozen=True)
class StockAlert:
    sku_id: int
    available: int  # over sellable warehouses
    velocity: str
    warning_level: int

    @property
    def shortfall(self) -> int:
        """Units to add to reach the warning level again."""
        return self.warning_level - self.available

    @property
    def velocity_label(self) -> str:
        return str(VelocityClass(self.velocity).label)


def sellable_available() -> Coalesce:
    """An annotation for Sku querysets: units available over sellable warehouses (0 with
    no balance), read from the SKU's few balance rows."""
    sellable = Warehouse.objects.filter(is_sellable=True).values("pk")
    levels = (
        StockLevel.objects.filter(sku=OuterRef("pk"), warehouse_id__in=sellable)
        .order_by()
        .values("sku")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values("total")
    )
    return Coalesce(Subquery(levels, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class VelocitySets:
    """Every SKU's class from one look at the window's sales: SKUs not named are slow."""

    hot: frozenset[int]
    steady: frozenset[int]

    def of(self, sku_id: int) -> str:
        if sku_id in self.hot:
            return VelocityClass.HOT
        if sku_id in self.steady:
            return VelocityClass.STEADY
        return VelocityClass.SLOW


def velocity_sets(policy: StockPolicy, *, as_of: datetime | None = None) -> VelocitySets:
    """Hot and steady SKUs by their net sales in the policy's window. A SKU with no sales
    there is slow (its slow_max_units is never below 0), so it need not be listed."""
    thresholds = rules.VelocityThresholds(policy.hot_min_units, policy.slow_max_units)
    hot, steady = set(), set()
    for sku_id, sold in units_sold(None, days=policy.window_days, as_of=as_of).items():
        velocity = rules.velocity_class(sold, thresholds)
        if velocity == VelocityClass.HOT:
            hot.add(sku_id)
        elif velocity == VelocityClass.STEADY:
            steady.add(sku_id)
    return VelocitySets(frozenset(hot), frozenset(steady))


def _candidates(highest_level: int) -> QuerySet[Sku, tuple[int, int]]:
    return (
        Sku.objects.filter(is_active=True)
        .annotate(available=sellable_available())
        .filter(available__lt=highest_level)
        .order_by()
        .values_list("pk", "available")
    )


def list_stock_alerts(
    *,
    policy: StockPolicy | None = None,
    classes: VelocitySets | None = None,
    as_of: datetime | None = None,
) -> list[StockAlert]:
    """Active SKUs whose available stock (sellable warehouses) is under their class's
    warning level: hot first, then by shortfall, largest first. Three queries; one less
    for each of the policy and the velocity classes given."""
    policy = policy or get_policy()
    highest = max(policy.warning_hot, policy.warning_steady, policy.warning_slow)
    if highest <= 0:
        return []  # available is never negative: nothing can be under a level of 0
    classes = classes or velocity_sets(policy, as_of=as_of)
    alerts = []
    for sku_id, available in _candidates(highest):
        velocity = classes.of(sku_id)
        level = policy.warning_level(velocity)
        if available < level:
            alerts.append(StockAlert(sku_id, available, velocity, level))
    alerts.sort(key=lambda a: (VELOCITY_ORDER[VelocityClass(a.velocity)], -a.shortfall, a.sku_id))
    return alerts


def count_stock_alerts() -> int:
    return len(list_stock_alerts())
