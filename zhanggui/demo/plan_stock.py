"""The demo's stock as plain data: shelves, the opening count and forty days of shipments and
returns, from a seed and the catalog plan alone (pure, no ORM).

Each SKU is given a fate first, then stock to match it, so the figures the demo promises
hold by construction: "normal" SKUs keep at least their warning level plus a few, "low"
ones end under their warning level, "sold out" ones are shipped down to zero (some never
had stock). Purchases and the stocktake (plan_purchases) only add stock to normal SKUs or
take back less than their margin, so no shipment here can ever find the shelf empty."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from zhanggui.catalog.models import ListingStatus
from zhanggui.demo import data_stock as story
from zhanggui.demo.plan_catalog import ProductPlan
from zhanggui.inventory import rules

NORMAL, LOW, SOLD_OUT = "normal", "low", "sold_out"
SOLD_OUT_PRODUCT_SHARE: Final = 0.04
SOLD_OUT_SKU_SHARE: Final = 0.02
LOW_SKU_SHARE: Final = 0.12
RETURN_RATE: Final = 0.04
# Demand of a style per day: lognormal, so a few styles sell most (the long tail of a shop).
STYLE_RATE_MU, STYLE_RATE_SIGMA = 0.0, 1.0
HERO_FACTOR: Final = 4.0
LINE_FACTOR: Final = {"traffic": 1.5, "promo": 1.2, "profit": 1.0}


@dataclass(frozen=True)
class StockLevels:
    """The stock policy's figures the plan must respect (inventory.models.StockPolicy)."""

    window_days: int = 30
    hot_min_units: int = 30
    slow_max_units: int = 3
    warning_hot: int = 20
    warning_steady: int = 8
    warning_slow: int = 2

    def velocity(self, sold: int) -> str:
        thresholds = rules.VelocityThresholds(self.hot_min_units, self.slow_max_units)
        return rules.velocity_class(sold, thresholds)

    def warning(self, sold: int) -> int:
        velocity = self.velocity(sold)
        return {"hot": self.warning_hot, "steady": self.warning_steady}.get(
            velocity, self.warning_slow
        )

    def window(self, daily: Sequence[int]) -> int:
        """Units of `daily` (one figure a day, ending yesterday) surely inside the policy's
        window: the window's first day is in or out depending on the hour it is read."""
        return sum(daily[len(daily) - self.window_days + 1 :])

    def warning_range(self, daily: Sequence[int]) -> tuple[int, int]:
        """The lowest and highest warning level these sales can give the SKU, whatever the
        hour the alerts are read."""
        whole = sum(daily[max(0, len(daily) - self.window_days) :])
        levels = (self.warning(self.window(daily)), self.warning(whole))
        return min(levels), max(levels)


@dataclass(frozen=True)
class Parcel:
    merchant_code: str
    quantity: int
    waybill: str


@dataclass(frozen=True)
class StockDay:
    day: int
    shipped: tuple[Parcel, ...]
    returned: tuple[Parcel, ...]


@dataclass(frozen=True)
class SkuStock:
    merchant_code: str
    item_no: str
    fate: str
    opening: int
    window_sold: int  # net units sold in the velocity window (StockLevels.window)


@dataclass(frozen=True)
class StockPlan:
    bins: tuple[str, ...]
    places: tuple[tuple[str, tuple[str, ...]], ...]  # merchant code, its bins (primary first)
    skus: tuple[SkuStock, ...]
    days: tuple[StockDay, ...]

    def by_fate(self, fate: str) -> list[SkuStock]:
        return [sku for sku in self.skus if sku.fate == fate]


def poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: fine for the small daily rates of one SKU."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def waybill(rng: random.Random) -> str:
    rows = story.WAYBILLS
    prefix, digits, _weight = rng.choices(rows, weights=[row[2] for row in rows])[0]
    return f"{prefix}{rng.randint(10 ** (digits - 1), 10**digits - 1)}"


def _sku_rates(rng: random.Random, plan: ProductPlan) -> list[float]:
    """Units a day of each SKU: the style's demand shared out, middle sizes selling most."""
    rate = rng.lognormvariate(STYLE_RATE_MU, STYLE_RATE_SIGMA)
    rate *= LINE_FACTOR.get(plan.product.product_line, 1.0)
    if plan.product.is_hero:
        rate *= HERO_FACTOR
    sizes = list(dict.fromkeys(sku.size for sku in plan.skus))
    colors = {color: rng.uniform(0.6, 1.4) for color in dict.fromkeys(s.color for s in plan.skus)}
    middle = (len(sizes) - 1) / 2
    weights = [
        colors[sku.color] * (1.5 - abs(sizes.index(sku.size) - middle) / max(len(sizes), 1))
        for sku in plan.skus
    ]
    total = sum(weights)
    return [rate * weight / total for weight in weights]


def _fates(rng: random.Random, catalog: Sequence[ProductPlan]) -> dict[str, str]:
    """Whole styles sold out (ones with a listing that follows stock, so shops show it),
    single sizes sold out, and SKUs running low; heroes are never allowed to run out."""
    fates = {sku.merchant_code: NORMAL for plan in catalog for sku in plan.skus}
    candidates = [plan for plan in catalog if not plan.product.is_hero]
    followed = [
        plan
        for plan in candidates
        if any(listing.status != ListingStatus.IN_WAREHOUSE for listing in plan.listings)
    ]
    count = max(1, round(len(catalog) * SOLD_OUT_PRODUCT_SHARE))
    for plan in rng.sample(followed or candidates, min(count, len(followed or candidates))):
        fates.update(dict.fromkeys((sku.merchant_code for sku in plan.skus), SOLD_OUT))
    normal = [code for code, fate in fates.items() if fate == NORMAL]
    singles = rng.sample(normal, min(len(normal), round(len(fates) * SOLD_OUT_SKU_SHARE)))
    fates.update(dict.fromkeys(singles, SOLD_OUT))
    normal = [code for code, fate in fates.items() if fate == NORMAL]
    low = rng.sample(normal, min(len(normal), max(2, round(len(fates) * LOW_SKU_SHARE))))
    fates.update(dict.fromkeys(low, LOW))
    return fates


def _opening(rng: random.Random, fate: str, demand: list[int], levels: StockLevels) -> int:
    total = sum(demand)
    lowest, highest = levels.warning_range(demand)
    if fate == LOW:
        return total + rng.randint(1, lowest - 1)
    if fate == SOLD_OUT:
        return math.floor(total * rng.uniform(0.3, 0.85))
    return total + highest + rng.randint(3, 8) + round(total * rng.uniform(0.2, 0.8))


def plan_stock(*, seed: int, catalog: Sequence[ProductPlan], levels: StockLevels) -> StockPlan:
    """Shelves, places, the opening count and the daily shipments and returns."""
    rng = random.Random(f"stock-{seed}")  # noqa: S311 (demo data, not secrets)
    fates = _fates(rng, catalog)
    days = list(range(story.FIRST_SALES_DAY, 0))
    shipped: dict[int, list[Parcel]] = {day: [] for day in days}
    returned: dict[int, list[Parcel]] = {day: [] for day in days}
    skus = []
    for plan in catalog:
        for sku, rate in zip(plan.skus, _sku_rates(rng, plan), strict=True):
            code = sku.merchant_code
            demand = [poisson(rng, rate) for _day in days]
            fate = fates[code]
            if fate == LOW and levels.warning_range(demand)[0] < 2:
                fate = NORMAL  # no room under a warning level of 0 or 1
            opening = _opening(rng, fate, demand, levels)
            net = dict.fromkeys(days, 0)
            on_shelf = opening
            for day, wanted in zip(days, demand, strict=True):
                units = min(wanted, on_shelf)
                on_shelf -= units
                for parcel in _parcels(rng, code, units):
                    shipped[day].append(parcel)
                    net[day] += parcel.quantity
                    back = day + rng.randint(3, 8)
                    if fate == NORMAL and back < 0 and rng.random() < RETURN_RATE:
                        returned[back].append(Parcel(code, parcel.quantity, waybill(rng)))
                        net[back] -= parcel.quantity
            sold = max(0, levels.window(list(net.values())))
            skus.append(SkuStock(code, plan.product.item_no, fate, opening, sold))
    hot = {sku.merchant_code for sku in skus if levels.velocity(sku.window_sold) == "hot"}
    bins, places = plan_bins(catalog, hot)
    return StockPlan(
        bins=bins,
        places=places,
        skus=tuple(skus),
        days=tuple(
            StockDay(day, tuple(shipped[day]), tuple(returned[day]))
            for day in days
            if shipped[day] or returned[day]
        ),
    )


def _parcels(rng: random.Random, code: str, units: int) -> list[Parcel]:
    """A day's units of a SKU as parcels: one piece each, now and then two to one buyer."""
    parcels = []
    while units:
        quantity = 2 if units >= 2 and rng.random() < 0.15 else 1
        parcels.append(Parcel(code, quantity, waybill(rng)))
        units -= quantity
    return parcels


def row_name(index: int) -> str:
    """A, B, … Y, then AA, AB…: Z is the overflow row."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXY"
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


def _bin_codes(count: int, rows: Sequence[str] | None = None) -> list[str]:
    """`count` bins filled shelf by shelf, level by level, row after row."""
    per_row = story.SHELVES_PER_ROW * story.LEVELS_PER_SHELF
    codes = []
    for index in range(count):
        row = rows[index // per_row] if rows else row_name(index // per_row)
        shelf, level = divmod(index % per_row, story.LEVELS_PER_SHELF)
        codes.append(f"{row}-{shelf + 1:02d}-{level + 1:02d}")
    return codes


def plan_bins(
    catalog: Sequence[ProductPlan], hot_codes: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Bins laid out shelf by shelf in catalog order (a style's SKUs side by side, never
    split over two bins), and a second place in the overflow row for each hot SKU."""
    groups: list[list[str]] = [[]]
    for plan in catalog:
        codes = [sku.merchant_code for sku in plan.skus]
        if groups[-1] and len(groups[-1]) + len(codes) > story.SKUS_PER_BIN:
            groups.append([])
        groups[-1].extend(codes)
    pick = _bin_codes(len(groups) + story.SPARE_BINS)
    hot = [s.merchant_code for plan in catalog for s in plan.skus if s.merchant_code in hot_codes]
    row_size = story.SHELVES_PER_ROW * story.LEVELS_PER_SHELF
    per_bin = max(story.SKUS_PER_OVERFLOW_BIN, math.ceil(len(hot) / row_size))
    overflow = _bin_codes(math.ceil(len(hot) / per_bin), [story.OVERFLOW_ROW])
    second = {code: overflow[index // per_bin] for index, code in enumerate(hot)}
    places = tuple(
        (code, (pick[index], second[code]) if code in second else (pick[index],))
        for index, group in enumerate(groups)
        for code in group
    )
    return tuple(pick + overflow), places
