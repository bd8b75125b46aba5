"""reserve_many: the outcome of reserve() called for every request in turn, in bulk."""

from __future__ import annotations

import pytest

from zhanggui.inventory import services
from zhanggui.inventory.exceptions import InsufficientStock, InvalidMove, ReservationMismatch
from zhanggui.inventory.models import MoveKind, Reservation, ReservationStatus, StockLevel
from zhanggui.inventory.reservations_bulk import ReservationRequest, reserve_many
from zhanggui.orders.tests.factories import make_skus


@pytest.fixture
def skus(manager):
    return make_skus(manager, "B1-S", "B1-M", on_hand=4)


def _request(sku, quantity, source):
    return ReservationRequest(sku.pk, quantity, "order_line", source)


def _reserved(sku):
    return StockLevel.objects.get(sku=sku).reserved


def test_groups_are_reserved_in_turn_each_all_or_nothing(manager, skus):
    small, medium = skus
    results = reserve_many(
        actor=manager,
        groups=[
            [_request(small, 3, "1"), _request(medium, 1, "2")],
            [_request(small, 1, "3"), _request(medium, 4, "4")],  # medium short: nothing
            [_request(small, 1, "5")],  # the unit the group before left
            [_request(small, 1, "6")],
        ],
    )
    assert [result.is_reserved for result in results] == [True, False, True, False]
    assert results[1].shortage == [
        {"merchant_code": "B1-M", "warehouse": "main", "requested": 4, "available": 3}
    ]
    assert results[3].shortage[0]["available"] == 0
    assert (_reserved(small), _reserved(medium)) == (4, 1)
    active = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert sorted(active.values_list("source_id", "quantity")) == [("1", 3), ("2", 1), ("5", 1)]
    assert [r.pk is not None for r in results[0].reservations] == [True, True]


def test_same_result_as_reserve_one_at_a_time(manager, skus):
    small, _medium = skus
    with pytest.raises(InsufficientStock) as one_at_a_time:
        services.reserve(
            actor=manager, sku_id=small.pk, quantity=5, source_type="order_line", source_id="9"
        )
    (result,) = reserve_many(actor=manager, groups=[[_request(small, 5, "9")]])
    assert result.shortage == one_at_a_time.value.lines


def test_a_reservation_already_held_is_returned_not_taken_twice(manager, skus):
    small, _medium = skus
    held = services.reserve(
        actor=manager, sku_id=small.pk, quantity=2, source_type="order_line", source_id="7"
    )
    (result,) = reserve_many(actor=manager, groups=[[_request(small, 2, "7")]])
    assert [r.pk for r in result.reservations] == [held.pk]
    assert _reserved(small) == 2
    with pytest.raises(ReservationMismatch):
        reserve_many(actor=manager, groups=[[_request(small, 3, "7")]])


def test_bad_input_reserves_nothing(manager, skus):
    small, _medium = skus
    with pytest.raises(InvalidMove):
        reserve_many(actor=manager, groups=[[_request(small, 1, "1")], [_request(small, 0, "2")]])
    assert not Reservation.objects.exists()


def test_the_last_unit_reserved_sells_the_product_out(manager, skus):
    from zhanggui.catalog.models import Listing, ListingStatus
    from zhanggui.channels.models import Shop

    small, medium = skus
    shop = Shop.objects.create(channel="taobao", code="bulk", name="店")
    Listing.objects.create(product=small.product, shop=shop, status=ListingStatus.ON_SALE)
    services.post_moves(
        actor=manager, moves=[services.MoveInput(medium.pk, -4, MoveKind.ADJUSTMENT)]
    )
    reserve_many(actor=manager, groups=[[_request(small, 4, "1")]])
    assert Listing.objects.get(shop=shop).status == ListingStatus.SOLD_OUT
