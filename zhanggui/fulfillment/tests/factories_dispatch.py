"""Builders for the handover, tracking, claim and bill tests: shipped parcels of real orders,
a price table, files as the couriers send them."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.core.tabular import write_csv
from zhanggui.fulfillment.models import Courier, CourierRate, Parcel, ParcelStatus
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.tests.factories import RECEIVER, make_order, make_skus

_numbers = itertools.count(1)
SKU = "DISPATCH-S"


def courier(code: str = "STO") -> Courier:
    return Courier.objects.get(code=code)


def price_table(code: str = "STO", **provinces: tuple[str, str]) -> None:
    """STO: 浙江省 8 + 2/kg and 新疆维吾尔自治区 20 + 15/kg unless given."""
    rows = provinces or {"浙江省": ("8.00", "2.00"), "新疆维吾尔自治区": ("20.00", "15.00")}
    for province, (first, extra) in rows.items():
        CourierRate.objects.update_or_create(
            courier=courier(code),
            province=province,
            defaults={"first_price": Decimal(first), "extra_price_per_kg": Decimal(extra)},
        )


def make_parcel(
    *,
    courier_code: str = "STO",
    tracking_no: str | None = None,
    status: str = ParcelStatus.SHIPPED,
    weight_g: int | None = 800,
    shipped_at: datetime | None = None,
    province: str = "浙江省",
    city: str = "杭州市",
    **fields: Any,
) -> Parcel:
    """A parcel of a new one-line order to `province`, shipped now unless told."""
    if not Sku.objects.filter(merchant_code=SKU).exists():
        make_skus(None, SKU, on_hand=1000)
    receiver = ReceiverInput(**{**RECEIVER.__dict__, "province": province, "city": city})
    order = make_order(None, (SKU, 1), receiver=receiver)
    number = tracking_no or f"77{next(_numbers):011d}"
    if status in (ParcelStatus.PRINTED, ParcelStatus.PACKED):
        shipped = shipped_at
    else:
        shipped = shipped_at or timezone.now()
    return Parcel.objects.create(
        order=order,
        courier=courier(courier_code),
        tracking_no=number,
        status=status,
        weight_g=weight_g,
        estimated_weight_g=fields.pop("estimated_weight_g", 700),
        shipped_at=shipped,
        **fields,
    )


def csv_file(header: list[str], rows: list[list[Any]]) -> bytes:
    return write_csv(header, rows)
