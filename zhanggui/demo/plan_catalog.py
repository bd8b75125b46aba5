"""The demo catalog as plain data: products, SKUs and listings, from a seed alone.

Pure (no ORM): the same seed and count always give the same plan, so the demo is
reproducible and the plan can be checked without a database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from zhanggui.catalog.models import ListingStatus, ProductLine
from zhanggui.catalog.rules import TITLE_MAX_BYTES, title_bytes
from zhanggui.catalog.services import ProductInput, SkuInput
from zhanggui.core.money import round_money
from zhanggui.demo.data_products import (
    COLORS,
    GARMENTS,
    KIDS_LARGE_FROM_CM,
    KIDS_LARGE_SURCHARGE_YUAN,
    SEASON_WORDS,
    SHOP_COVERAGE,
    SHOPS,
    SIZE_CODES,
    SIZE_RUNS,
    TITLE_OPENERS,
    WEIGHT_STEP_PERCENT,
    YEARS,
    Garment,
)

VIP_RATE = Decimal("0.95")
COST_PERCENT = (35, 45)
# Traffic items sit at the cheap end of a garment's range, profit items at the dear end.
LINE_WEIGHTS = {ProductLine.TRAFFIC: 1, ProductLine.PROMO: 2, ProductLine.PROFIT: 7}
STATUS_WEIGHTS = {
    ListingStatus.ON_SALE: 80,
    ListingStatus.IN_WAREHOUSE: 12,
    ListingStatus.SOLD_OUT: 8,
}
SKUS_PER_STYLE = (4, 5, 5, 6)
HEROES = (3, 5)


@dataclass(frozen=True)
class ListingPlan:
    shop_code: str
    status: str
    channel_item_id: str


@dataclass(frozen=True)
class ProductPlan:
    product: ProductInput
    skus: tuple[SkuInput, ...]
    listings: tuple[ListingPlan, ...]


def garment_counts(count: int) -> list[tuple[Garment, int]]:
    """Split `count` styles over the garments by their share (largest remainder, so the
    split is exact and needs no randomness)."""
    total = sum(garment.share for garment in GARMENTS)
    exact = [(garment, garment.share * count / total) for garment in GARMENTS]
    counts = {garment.code: int(quota) for garment, quota in exact}
    by_remainder = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    for garment, _quota in by_remainder[: count - sum(counts.values())]:
        counts[garment.code] += 1
    return [(garment, counts[garment.code]) for garment in GARMENTS]


def make_title(
    rng: random.Random, garment: Garment, noun: str, year: int, season: str, limit: int
) -> str:
    """A title as shops write them: opener, material, category word, audience, then as many
    selling words as fit in `limit` bytes."""
    opener = rng.choice(TITLE_OPENERS).format(year=year, season=rng.choice(SEASON_WORDS[season]))
    title = f"{opener}{rng.choice(garment.materials)}{noun}{garment.audience}"
    for word in rng.sample(garment.words, len(garment.words)):
        if word not in title and title_bytes(title + word) <= limit:
            title += word
    return title


def retail_price(rng: random.Random, low: int, high: int) -> Decimal:
    """A price ending in 9 yuan (89.00) or, for a quarter of styles, in .90 (88.90)."""
    yuan = rng.randint(low, high) // 10 * 10 + 9
    if rng.random() < 0.25:
        return Decimal(yuan - 1) + Decimal("0.90")
    return Decimal(yuan).quantize(Decimal("0.01"))


def price_band(garment: Garment, line: str) -> tuple[int, int]:
    low, high = garment.price
    third = (high - low) // 3
    if line == ProductLine.TRAFFIC:
        return low, low + third
    if line == ProductLine.PROMO:
        return low + third, high - third
    return low + third, high


def vip_price(price: Decimal) -> Decimal:
    # Members pay 95%, cut down to the jiao so the price reads clean (84.50, not 84.55).
    return (
        (price * VIP_RATE).quantize(Decimal("0.1"), rounding=ROUND_DOWN).quantize(Decimal("0.01"))
    )


def _skus(
    rng: random.Random, garment: Garment, item_no: str, price: Decimal
) -> tuple[SkuInput, ...]:
    sizes = rng.choice(SIZE_RUNS[garment.sizes])
    wanted = rng.choice(SKUS_PER_STYLE)
    colors = rng.sample(
        garment.colors, min(len(garment.colors), max(1, round(wanted / len(sizes))))
    )
    cost_percent = Decimal(rng.randint(*COST_PERCENT))
    base_weight = rng.randint(*garment.weight) // 5 * 5
    step = WEIGHT_STEP_PERCENT[garment.sizes]
    skus = []
    for color in colors:
        for index, size in enumerate(sizes):
            sku_price = price
            if garment.sizes == "height" and int(size) >= KIDS_LARGE_FROM_CM:
                sku_price += KIDS_LARGE_SURCHARGE_YUAN
            skus.append(
                SkuInput(
                    merchant_code=f"{item_no}-{COLORS[color]}-{SIZE_CODES.get(size, size)}",
                    color=color,
                    size=size,
                    price=sku_price,
                    vip_price=vip_price(sku_price),
                    # Stalls quote whole yuan.
                    cost_price=round_money(round(sku_price * cost_percent / 100)),
                    weight_g=(base_weight + base_weight * step * index // 100) // 5 * 5,
                )
            )
    return tuple(skus)


class _ItemIds:
    """Channel item ids, unique across the demo: Taobao and Tmall share one 12-digit
    space, JD numbers start with 100."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, shop_code: str) -> str:
        while True:
            if shop_code.startswith("jd"):
                item_id = f"100{self.rng.randint(10**8, 10**9 - 1)}"
            else:
                item_id = str(self.rng.randint(6 * 10**11, 8 * 10**11 - 1))
            if item_id not in self.used:
                self.used.add(item_id)
                return item_id


def _listings(rng: random.Random, ids: _ItemIds, is_hero: bool) -> tuple[ListingPlan, ...]:
    listings = []
    for shop_code, _channel, _name in SHOPS:
        # Hero items lead every promotion, so they are on sale in every shop.
        if not is_hero and rng.random() >= SHOP_COVERAGE[shop_code]:
            continue
        status = ListingStatus.ON_SALE
        if not is_hero:
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        listings.append(ListingPlan(shop_code, status.value, ids.new(shop_code)))
    return tuple(listings)


def plan_catalog(*, seed: int, count: int, title_limit: int = TITLE_MAX_BYTES) -> list[ProductPlan]:
    """`count` styles with about five SKUs each and their listings in the demo shops."""
    rng = random.Random(f"catalog-{seed}")  # noqa: S311 (demo data, not secrets)
    heroes = set(rng.sample(range(count), min(count, rng.randint(*HEROES))))
    ids = _ItemIds(rng)
    next_number: dict[str, int] = {}
    plans: list[ProductPlan] = []
    for garment, styles in garment_counts(count):
        for _style in range(styles):
            is_hero = len(plans) in heroes
            year, season = rng.choice(YEARS), rng.choice(garment.seasons)
            prefix = f"{garment.code}{year % 100:02d}{season}"
            # Numbers skip a little, as styles are dropped between sampling and launch.
            next_number[prefix] = next_number.get(prefix, 0) + rng.randint(1, 3)
            item_no = f"{prefix}{next_number[prefix]:03d}"
            line = rng.choices(list(LINE_WEIGHTS), weights=list(LINE_WEIGHTS.values()))[0]
            if is_hero and line == ProductLine.TRAFFIC:
                line = ProductLine.PROFIT
            noun = rng.choice(garment.nouns)
            title = make_title(rng, garment, noun, year, season, title_limit)
            price = retail_price(rng, *price_band(garment, line))
            product = ProductInput(
                item_no=item_no,
                title=title,
                category=garment.category,
                product_line=line.value,
                is_hero=is_hero,
                description=f"{noun}，{'、'.join(rng.sample(garment.words, 3))}。",
            )
            plans.append(
                ProductPlan(
                    product, _skus(rng, garment, item_no, price), _listings(rng, ids, is_hero)
                )
            )
    return plans
