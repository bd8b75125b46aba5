"""Printing under real row locks (PostgreSQL): people printing overlapping batches at once,
each in its own order, print every order once, each number once, and never deadlock."""

from __future__ import annotations

import random

import pytest

from zhanggui.fulfillment.models import LabelBatchEntry, Parcel, WaybillNumber, WaybillStatus
from zhanggui.fulfillment.services import printing
from zhanggui.fulfillment.services.couriers import install_default_couriers
from zhanggui.fulfillment.tests.test_printing import approved_order, fill_pool
from zhanggui.inventory.tests.test_concurrency import race, require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CLIENTS = 6
ORDERS = 20


def test_overlapping_batches_at_once_print_each_order_once() -> None:
    require_postgresql()
    # An earlier transactional test flushed the tables, seeded couriers with them.
    install_default_couriers()
    fill_pool("STO", ORDERS * 2)
    order_ids = [approved_order().pk for _ in range(ORDERS)]
    asked = []
    for index in range(CLIENTS):
        mine = list(order_ids)
        random.Random(index).shuffle(mine)
        asked.append(mine)

    def print_batch(index: int) -> str:
        result = printing.print_labels(None, asked[index], "76x130")
        codes = {refusal.code for refusal in result.refused}
        assert codes <= {"already_printed"}, codes
        return str(result.printed)

    outcomes = race(CLIENTS, print_batch)

    assert sum(int(outcome) for outcome in outcomes) == ORDERS, outcomes
    assert Parcel.objects.count() == ORDERS
    assert LabelBatchEntry.objects.count() == ORDERS
    numbers = list(Parcel.objects.values_list("tracking_no", flat=True))
    assert len(set(numbers)) == ORDERS
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == ORDERS
