from __future__ import annotations

import pytest

from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.exceptions import NumberAlreadyUsed, PoolExhausted
from zhanggui.fulfillment.models import Courier, WaybillNumber, WaybillStatus
from zhanggui.fulfillment.services import pools
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture
def courier(db):
    return Courier.objects.create(code="T-STO", name="测试申通")


@pytest.fixture
def orders(manager):
    make_skus(manager, "P1-S", on_hand=10)
    return [make_order(manager, ("P1-S", 1)) for _ in range(3)]


def test_allocation_ranges_and_lists_are_read_as_couriers_send_them():
    assert pools.parse_allocation("7700000001-7700000003\nYT0000000009, 880000000001") == [
        "7700000001",
        "7700000002",
        "7700000003",
        "YT0000000009",
        "880000000001",
    ]
    assert pools.parse_allocation("YT7700000001-YT7700000002") == ["YT7700000001", "YT7700000002"]


@pytest.mark.parametrize("text", ["7700000003-7700000001", "abc", "77000-77001x", "=1+2"])
def test_a_bad_allocation_names_the_item(text):
    with pytest.raises(InvalidInput) as refused:
        pools.parse_allocation(text)
    assert "1" in refused.value.fields["numbers"][0]


def test_importing_the_same_allocation_twice_adds_nothing(manager, courier):
    numbers = pools.parse_allocation("7700000001-7700000005")
    assert pools.import_numbers(actor=manager, courier=courier, numbers=numbers).added == 5
    again = pools.import_numbers(actor=manager, courier=courier, numbers=numbers)
    assert (again.added, again.already_in_pool) == (0, 5)


def test_numbers_are_taken_once_in_order_until_the_pool_is_exhausted(manager, courier, orders):
    pools.import_numbers(actor=manager, courier=courier, numbers=["7700000001", "7700000002"])
    taken = [pools.take_number(courier=courier, order=order) for order in orders[:2]]
    assert taken == ["7700000001", "7700000002"]
    with pytest.raises(PoolExhausted):
        pools.take_number(courier=courier, order=orders[2])
    assert pools.available_count(courier) == 0


def test_a_cancelled_number_comes_back_only_when_the_courier_allows(manager, courier, orders):
    pools.import_numbers(actor=manager, courier=courier, numbers=["7700000001"])
    number = pools.take_number(courier=courier, order=orders[0])
    assert pools.cancel_number(courier=courier, number=number) == WaybillStatus.VOID
    with pytest.raises(PoolExhausted):
        pools.take_number(courier=courier, order=orders[1])
    courier.reuses_cancelled_numbers = True
    courier.save()
    pools.cancel_number(courier=courier, number=number)
    assert pools.take_number(courier=courier, order=orders[1]) == number


def test_a_typed_number_already_used_by_another_order_is_refused(manager, courier, orders):
    pools.use_given_number(courier=courier, number="7712345678", order=orders[0])
    with pytest.raises(NumberAlreadyUsed):
        pools.use_given_number(courier=courier, number="7712345678", order=orders[1])
    # The same order asking again is fine.
    pools.use_given_number(courier=courier, number="7712345678", order=orders[0])
    assert WaybillNumber.objects.get().order_id == orders[0].pk
