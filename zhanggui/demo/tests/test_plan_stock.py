"""The stock, purchase and stocktake plans at full size, without a database."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from zhanggui.demo import data_stock as story
from zhanggui.demo.build_history import last_month_end
from zhanggui.demo.plan_catalog import plan_catalog
from zhanggui.demo.plan_purchases import owed, plan_purchases, plan_stocktake
from zhanggui.demo.plan_stock import LOW, NORMAL, SOLD_OUT, StockLevels, plan_stock
from zhanggui.demo.runner import PRODUCTS, SUPPLIERS
from zhanggui.purchasing.status import PurchaseOrderStatus

LEVELS = StockLevels()


@pytest.fixture(scope="module")
def catalog():
    return plan_catalog(seed=1, count=PRODUCTS)


@pytest.fixture(scope="module")
def stock(catalog):
    return plan_stock(seed=1, catalog=catalog, levels=LEVELS)


def balances(stock) -> dict[str, list[int]]:
    """Each SKU's stock after every day, from the opening count and the days alone."""
    on_hand = {sku.merchant_code: sku.opening for sku in stock.skus}
    history = defaultdict(list)
    for day in stock.days:
        for parcel in day.returned:
            on_hand[parcel.merchant_code] += parcel.quantity
        for parcel in day.shipped:
            on_hand[parcel.merchant_code] -= parcel.quantity
        for code, units in on_hand.items():
            history[code].append(units)
    return history


def test_stock_plan_never_ships_from_an_empty_shelf(stock):
    assert min(min(units) for units in balances(stock).values()) >= 0


def test_stock_plan_ends_each_fate_as_promised(stock):
    ends = {code: units[-1] for code, units in balances(stock).items()}
    daily = defaultdict(lambda: [0] * len(range(story.FIRST_SALES_DAY, 0)))
    for day in stock.days:
        for parcel in day.shipped:
            daily[parcel.merchant_code][day.day - story.FIRST_SALES_DAY] += parcel.quantity
    for sku in stock.skus:
        code = sku.merchant_code
        if sku.fate == SOLD_OUT:
            assert ends[code] == 0, code
        elif sku.fate == LOW:
            assert 0 < ends[code] < LEVELS.warning_range(daily[code])[0], code
        else:
            assert ends[code] >= LEVELS.warning_range(daily[code])[1] + 3, code


def test_stock_plan_has_a_realistic_spread(stock):
    fates = Counter(sku.fate for sku in stock.skus)
    assert fates[NORMAL] > fates[LOW] > fates[SOLD_OUT] > 0
    velocity = Counter(LEVELS.velocity(sku.window_sold) for sku in stock.skus)
    assert velocity["steady"] > velocity["slow"] > velocity["hot"] > 0


def test_stock_plan_bins_are_unique_and_every_sku_has_one_primary(stock, catalog):
    assert len(set(stock.bins)) == len(stock.bins)
    assert stock.bins[0] == "A-01-01"
    codes = [code for code, _bins in stock.places]
    assert sorted(codes) == sorted(sku.merchant_code for plan in catalog for sku in plan.skus)
    assert all(bins[0][0] != story.OVERFLOW_ROW for _code, bins in stock.places)
    assert any(len(bins) == 2 for _code, bins in stock.places)


def test_purchase_plan_receives_only_normal_skus_and_pays_what_is_owed(stock, catalog):
    fates = {sku.merchant_code: sku.fate for sku in stock.skus}
    orders = plan_purchases(seed=1, catalog=catalog, stock=stock, supplier_count=SUPPLIERS)
    assert {order.script.status for order in orders} == set(PurchaseOrderStatus.values)
    for order in orders:
        assert order.lines
        assert all(fates[d.merchant_code] == NORMAL for d in order.delivered)
        for _day, amount, _method in order.payments:
            assert 0 < amount <= owed(order.delivered, order.lines, order.transport)
    partly = next(o for o in orders if o.script.status == PurchaseOrderStatus.PARTLY_RECEIVED)
    assert sum(d.defective for d in partly.delivered) == 1
    assert sum(d.quantity for d in partly.delivered) < sum(line.quantity for line in partly.lines)


def test_stocktake_plan_takes_back_less_than_the_margin(stock):
    plan = plan_stocktake(seed=1, stock=stock, day=-10)
    fates = {sku.merchant_code: sku.fate for sku in stock.skus}
    assert 3 <= len(plan.variances) <= 15
    assert all(fates[code] == NORMAL and -3 <= change <= 2 for code, change in plan.variances)


@pytest.mark.parametrize(
    ("today", "offset"),
    [(date(2026, 3, 1), -1), (date(2026, 3, 15), -15), (date(2026, 1, 31), -31)],
)
def test_last_month_end_is_the_last_day_of_the_previous_month(today, offset):
    assert last_month_end(today) == offset


def test_stock_and_purchase_plans_same_seed_give_the_same_data(catalog, stock):
    assert plan_stock(seed=1, catalog=catalog, levels=LEVELS) == stock
    first = plan_purchases(seed=1, catalog=catalog, stock=stock, supplier_count=SUPPLIERS)
    assert plan_purchases(seed=1, catalog=catalog, stock=stock, supplier_count=SUPPLIERS) == first
