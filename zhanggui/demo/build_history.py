"""The demo's history: bins, then six weeks of stock, purchase orders and last month's
stocktake, planned from the seed and written through the services in time order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhanggui.demo.build_purchases import purchase_events
from zhanggui.demo.build_stock import build_bins, stock_events, stocktake_events
from zhanggui.demo.clock import run_events
from zhanggui.demo.data_people import STAFF
from zhanggui.demo.plan_catalog import ProductPlan
from zhanggui.demo.plan_purchases import plan_purchases, plan_stocktake
from zhanggui.demo.plan_stock import StockLevels, plan_stock
from zhanggui.inventory.velocity import get_policy
from zhanggui.purchasing.models import Supplier


def last_month_end(today: date) -> int:
    """Days from `today` back to the last day of last month (-1 on the 1st): the monthly
    stocktake is on the 28th to 31st (DOMAIN.md §4)."""
    return (today.replace(day=1) - timedelta(days=1) - today).days


def stock_levels() -> StockLevels:
    policy = get_policy()
    return StockLevels(
        window_days=policy.window_days,
        hot_min_units=policy.hot_min_units,
        slow_max_units=policy.slow_max_units,
        warning_hot=policy.warning_hot,
        warning_steady=policy.warning_steady,
        warning_slow=policy.warning_slow,
    )


def build_history(
    *,
    seed: int,
    catalog: Sequence[ProductPlan],
    supplier_names: Sequence[str],
    on_bins: Callable[[], Any],
) -> None:
    """Bins, then six weeks of stock, purchases and last month's stocktake, in time order."""
    today = timezone.localdate()
    users = get_user_model().objects.in_bulk(
        [name for name, _n, _r in STAFF], field_name="username"
    )
    stock = plan_stock(seed=seed, catalog=catalog, levels=stock_levels())
    orders = plan_purchases(
        seed=seed, catalog=catalog, stock=stock, supplier_count=len(supplier_names)
    )
    ids = dict(Supplier.objects.filter(name__in=supplier_names).values_list("name", "pk"))
    build_bins(stock, actor=users["warehouse1"], today=today)
    on_bins()
    events = stock_events(stock, users=users)
    events += purchase_events(
        orders, supplier_ids=[ids[name] for name in supplier_names], users=users, today=today
    )
    stocktake = plan_stocktake(seed=seed, stock=stock, day=last_month_end(today))
    events += stocktake_events(stocktake, users=users)
    run_events(events, today=today)
