from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.models import MoveKind, StockPolicy
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.velocity import classify, get_policy, units_sold


@pytest.fixture
def skus(db):
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="V1", title="动销"),
        skus=[catalog.SkuInput(merchant_code=f"V1-{s}", size=s, price="9") for s in "SMLX"],
    )
    items = list(product.skus.order_by("merchant_code"))
    services.post_moves(
        actor=None, moves=[MoveInput(sku.pk, 500, MoveKind.RECEIPT) for sku in items]
    )
    return items


def _move(sku, quantity, kind, days_ago):
    # Posted on a back-dated clock, as the demo posts its history: the daily sales roll-up
    # takes its day from the moves' clock, so moves are not re-dated after the fact.
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return services.post_move(actor=None, move=MoveInput(sku.pk, quantity, kind))


def _sell(sku, units, days_ago):
    return _move(sku, -units, MoveKind.SALE, days_ago)


def test_units_sold_counts_sales_inside_the_window_less_returns(skus):
    sku = skus[0]
    _sell(sku, 5, days_ago=1)
    _sell(sku, 4, days_ago=29)
    _move(sku, 2, MoveKind.CUSTOMER_RETURN, days_ago=2)
    _sell(sku, 100, days_ago=31)  # outside the window
    _move(sku, -7, MoveKind.ADJUSTMENT, days_ago=1)  # not a sale
    assert units_sold([sku.pk], days=30) == {sku.pk: 7}


def test_units_sold_is_never_negative_when_returns_exceed_sales(skus):
    sku = skus[0]
    _move(sku, 3, MoveKind.CUSTOMER_RETURN, days_ago=1)
    assert units_sold([sku.pk], days=30) == {sku.pk: 0}


def test_classify_uses_the_policy_thresholds_over_the_window(skus):
    hot, steady, slow, unsold = skus
    _sell(hot, 30, days_ago=3)
    _sell(steady, 4, days_ago=10)
    _sell(slow, 3, days_ago=10)
    _sell(slow, 50, days_ago=40)  # long ago: does not make it hot
    assert classify([sku.pk for sku in skus]) == {
        hot.pk: "hot",
        steady.pk: "steady",
        slow.pk: "slow",
        unsold.pk: "slow",
    }


def test_classify_follows_a_changed_window(skus):
    sku = skus[0]
    _sell(sku, 30, days_ago=20)
    StockPolicy.objects.update_or_create(pk=1, defaults={"window_days": 14})
    assert classify([sku.pk]) == {sku.pk: "slow"}
    StockPolicy.objects.filter(pk=1).update(window_days=21)
    assert classify([sku.pk]) == {sku.pk: "hot"}


def test_classify_as_of_a_past_day_ignores_later_sales(skus):
    sku = skus[0]
    _sell(sku, 30, days_ago=1)
    as_of = timezone.now() - timedelta(days=5)
    assert classify([sku.pk], as_of=as_of) == {sku.pk: "slow"}


def test_get_policy_creates_the_defaults_once(db):
    first = get_policy()
    second = get_policy()
    assert first.pk == second.pk == 1
    assert StockPolicy.objects.count() == 1
    assert (
        first.warning_level("hot"),
        first.warning_level("steady"),
        first.warning_level("slow"),
    ) == (
        20,
        8,
        2,
    )
    assert (
        first.safety_stock("hot"),
        first.safety_stock("steady"),
        first.safety_stock("slow"),
    ) == (
        10,
        4,
        0,
    )
