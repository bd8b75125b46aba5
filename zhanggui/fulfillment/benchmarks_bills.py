"""Courier bill benchmark (`zhanggui bench --only fulfillment.bill`): reconcile a monthly
statement of 100,000 lines against 100,000 shipped parcels of the month (read the CSV, check
every row, match by tracking number, price each line from the table, save the lines).

The statement is what couriers send: 2% of lines are not ours, 1% of ours are missing from
it, 1% billed heavier, 1% at a wrong price; 1% of our parcels are lost or undeliverable.
Fixtures (orders, parcels, the price table, the file) are written in bulk, untimed."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from django.utils import timezone

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.core.tabular import Cell, write_csv
from zhanggui.fulfillment.models import Courier, CourierRate, Parcel, ParcelStatus
from zhanggui.fulfillment.services.bill_report import summarize
from zhanggui.fulfillment.services.bills import import_bill
from zhanggui.fulfillment.services.couriers import install_default_couriers
from zhanggui.fulfillment.services.rates import mainland_provinces, price_for
from zhanggui.orders.models import Order, OrderSource, OrderStatus

LINES: Final = 100_000
MONTH: Final = date(2026, 3, 1)
BATCH: Final = 5_000


def _parcels(rng: random.Random, courier: Courier, provinces: tuple[str, ...]) -> list[Parcel]:
    shop, _created = Shop.objects.get_or_create(
        code="bench", defaults={"channel": Channel.TAOBAO, "name": "压测店"}
    )
    start = timezone.make_aware(datetime(2026, 3, 1, 9, 0))  # noqa: DTZ001 (the shop's time)
    parcels: list[Parcel] = []
    for offset in range(0, LINES, BATCH):
        orders = Order.objects.bulk_create(
            [
                Order(
                    channel=Channel.TAOBAO,
                    shop=shop,
                    order_no=f"{7_000_000_000_000_000 + number}",
                    source=OrderSource.IMPORT,
                    status=OrderStatus.SHIPPED,
                    courier=courier.code,
                    tracking_no=f"77{number:011d}",
                    receiver_province=rng.choice(provinces),
                    goods_amount=Decimal("59.00"),
                    paid_amount=Decimal("59.00"),
                    post_fee=Decimal("0.00"),
                    discount_amount=Decimal("0.00"),
                )
                for number in range(offset, min(offset + BATCH, LINES))
            ],
            batch_size=1_000,
        )
        parcels += Parcel.objects.bulk_create(
            [
                Parcel(
                    order=order,
                    courier=courier,
                    tracking_no=order.tracking_no,
                    status=(
                        rng.choice((ParcelStatus.LOST, ParcelStatus.UNDELIVERABLE))
                        if rng.random() < 0.01
                        else ParcelStatus.DELIVERED
                    ),
                    weight_g=rng.randint(200, 3_000),
                    estimated_weight_g=500,
                    shipped_at=start + timedelta(minutes=number * 2 % (60 * 24 * 27)),
                )
                for number, order in enumerate(orders, start=offset)
            ],
            batch_size=1_000,
        )
    return parcels


def _statement(rng: random.Random, parcels: list[Parcel], rates: dict[str, CourierRate]) -> bytes:
    provinces = dict(Order.objects.values_list("pk", "receiver_province"))
    rows: list[list[Cell]] = []
    for parcel in parcels:
        if rng.random() < 0.01:
            continue  # ours, not billed
        province = provinces[parcel.order_id]
        weight = parcel.weight_g or 0
        if rng.random() < 0.01:
            weight += 1_000  # billed heavier
        billed_kg = -(-weight // 1000)  # couriers bill started kilograms
        amount = price_for(rates[province], billed_kg * 1000)
        if rng.random() < 0.01:
            amount += Decimal("1.50")  # a wrong unit price
        rows.append([parcel.tracking_no, "2026-03-15", province, billed_kg, amount])
    rows += (
        [f"88{number:011d}", "2026-03-16", "浙江省", 1, Decimal("8.00")]  # not ours
        for number in range(LINES - len(rows))
    )
    return write_csv(["运单号", "寄件日期", "目的省份", "计费重量(kg)", "运费"], rows)


@benchmark(
    "fulfillment.bill_reconcile_100k",
    unit="s",
    description="import and reconcile a courier statement of 100,000 lines (CSV) against "
    "100,000 parcels: read, check, match by tracking number, price, save",
)
def bill_reconcile_100k() -> float:
    rng = random.Random(7)  # noqa: S311 (fixtures, not secrets)
    install_default_couriers()
    courier = Courier.objects.get(code="STO")
    provinces = mainland_provinces()
    CourierRate.objects.bulk_create(
        CourierRate(
            courier=courier,
            province=province,
            first_price=Decimal(rng.randint(5, 20)),
            extra_price_per_kg=Decimal(rng.randint(1, 15)),
        )
        for province in provinces
    )
    rates = {rate.province: rate for rate in CourierRate.objects.filter(courier=courier)}
    parcels = _parcels(rng, courier, provinces)
    content = _statement(rng, parcels, rates)
    started = time.perf_counter()
    bill = import_bill(
        actor=None, courier_id=courier.pk, month=MONTH, filename="bench.csv", content=content
    )
    elapsed = time.perf_counter() - started
    summary = summarize(bill)
    if summary.lines != LINES or not summary.not_ours.count or not summary.not_billed:
        raise RuntimeError(f"unexpected reconciliation: {summary}")
    return elapsed
