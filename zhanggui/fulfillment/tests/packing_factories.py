"""Printed parcels for the packing and shipping tests, made the way printing leaves them (a
number from the courier's pool, the parcel printed, the orders printed with the courier and
tracking number) without drawing a label."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhanggui.fulfillment.models import Courier, Parcel, ParcelStatus
from zhanggui.fulfillment.services import pools
from zhanggui.fulfillment.services.choice import parcel_weight_g
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_order

_numbers = itertools.count(1)
COURIER_CODE = "PK-STO"


def courier(code: str = COURIER_CODE, name: str = "测试申通") -> Courier:
    found, _created = Courier.objects.get_or_create(code=code, defaults={"name": name})
    return found


@transaction.atomic
def print_parcel(actor: Any, order: Order, *, on: Courier | None = None) -> Parcel:
    """The label of an approved order: its parcel printed, the order (and the orders merged
    into it) printed with the courier and the tracking number."""
    chosen = on or courier()
    pools.import_numbers(actor=actor, courier=chosen, numbers=[f"77{next(_numbers):010d}"])
    number = pools.take_number(courier=chosen, order=order)
    parcel = Parcel.objects.create(
        order=order,
        courier=chosen,
        tracking_no=number,
        status=ParcelStatus.PRINTED,
        estimated_weight_g=parcel_weight_g(order),
        print_count=1,
        last_printed_at=timezone.now(),
    )
    for member in lifecycle.group_of(lifecycle.lock_order(order.pk)):
        lifecycle.set_status(
            actor,
            member,
            OrderStatus.PRINTED,
            courier=chosen.code,
            tracking_no=number,
        )
    return parcel


def printed_parcel(actor: Any, *lines: tuple[str, int], **order_fields: Any) -> Parcel:
    """An order of `lines` (SKUs with stock made beforehand), approved and printed."""
    order = make_order(actor, *lines, **order_fields)
    lifecycle.approve_order(actor=actor, order_id=order.pk, force=True)
    return print_parcel(actor, order)
