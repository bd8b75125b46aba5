"""Packing and shipping under real row locks (PostgreSQL): many clicks on "ship" for one
parcel post its stock-out once; two packers finishing one parcel at once pack it once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.services import packing, shipping
from zhanggui.fulfillment.tests.packing_factories import printed_parcel
from zhanggui.inventory.models import MoveKind, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.inventory.tests.test_concurrency import race, require_postgresql
from zhanggui.orders.tests.factories import make_skus
from zhanggui.staff.services import create_staff_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CLIENTS = 10


def _counts(parcel: Any) -> dict[int, int]:
    checks = packing.parcel_checks(parcel, packing.members_of(parcel.order))
    return {item.sku_id: item.quantity for item in checks.items}


def _packer(name: str) -> Any:
    return create_staff_member(username=name, password="x-9-long-enough", roles=["warehouse"])


def test_many_ship_clicks_post_the_stock_out_once() -> None:
    require_postgresql()
    make_skus(None, "RC-S", on_hand=5)
    parcel = printed_parcel(None, ("RC-S", 2))
    packing.finish_packing(
        actor=None, parcel_id=parcel.pk, counts=_counts(parcel), weight_g=parcel.estimated_weight_g
    )

    def ship(_index: int) -> str:
        report = shipping.ship_parcels(actor=None, parcel_ids=[parcel.pk])
        return "shipped" if report.shipped else "already" if report.already_shipped else "failed"

    assert Counter(race(CLIENTS, ship)) == {"shipped": 1, "already": CLIENTS - 1}
    assert StockMove.objects.filter(kind=MoveKind.SALE).count() == 1
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.SHIPPED
    assert ledger_differences() == []


def test_two_packers_finishing_one_parcel_pack_it_once() -> None:
    require_postgresql()
    make_skus(None, "RC-M", on_hand=5)
    parcel = printed_parcel(None, ("RC-M", 1))
    packers = [_packer(f"packer{index}") for index in range(2)]
    counts = _counts(parcel)

    def finish(index: int) -> str:
        try:
            packing.finish_packing(
                actor=packers[index],
                parcel_id=parcel.pk,
                counts=counts,
                weight_g=parcel.estimated_weight_g,
            )
        except packing.ParcelAlreadyPacked:
            return "refused"
        return "packed"

    assert Counter(race(2, finish)) == {"packed": 1, "refused": 1}
    parcel.refresh_from_db()
    assert parcel.packed_by in packers
