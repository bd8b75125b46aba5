"""Courier choice benchmark (`zhanggui bench --only fulfillment.assign`): choose and save the
courier of 2,000 approved orders to every province, as batch printing does first. Price
tables cover the country; STO does not reach Tibet and Xinjiang; one order in ten names a
courier in the buyer message. Fixtures are written in bulk, untimed."""

from __future__ import annotations

import random
import time
from decimal import Decimal
from typing import Final

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.fulfillment.models import Courier, CourierExclusion, CourierRate
from zhanggui.fulfillment.services.choice import assign_couriers
from zhanggui.fulfillment.services.couriers import install_default_couriers
from zhanggui.fulfillment.services.rates import mainland_provinces
from zhanggui.inventory.benchmarks import make_skus
from zhanggui.orders.models import Order, OrderLine, OrderSource, OrderStatus

ORDERS: Final = 2_000
MESSAGES: Final = ("请发顺丰", "不要申通", "发圆通", "尽快发货")


def _fixtures(rng: random.Random) -> list[int]:
    install_default_couriers()
    provinces = mainland_provinces()
    for courier in Courier.objects.filter(code__in=("STO", "EMS")):
        CourierRate.objects.bulk_create(
            CourierRate(
                courier=courier,
                province=province,
                first_price=Decimal(rng.randint(5, 20)),
                extra_price_per_kg=Decimal(rng.randint(1, 15)),
            )
            for province in provinces
        )
    sto = Courier.objects.get(code="STO")
    for province in ("西藏自治区", "新疆维吾尔自治区"):
        CourierExclusion.objects.create(courier=sto, province=province)
    shop, _created = Shop.objects.get_or_create(
        code="bench", defaults={"channel": Channel.TAOBAO, "name": "压测店"}
    )
    sku_ids = make_skus(200)
    orders = Order.objects.bulk_create(
        [
            Order(
                channel=Channel.TAOBAO,
                shop=shop,
                order_no=f"{5_000_000_000_000_000 + number}",
                source=OrderSource.IMPORT,
                status=OrderStatus.APPROVED,
                receiver_name="张三",
                receiver_phone="13812345678",
                receiver_province=rng.choice(provinces),
                receiver_address=f"人民路{number}号",
                buyer_message=rng.choice(MESSAGES) if rng.random() < 0.1 else "",
                goods_amount=Decimal("59.00"),
                paid_amount=Decimal("59.00"),
                post_fee=Decimal("0.00"),
                discount_amount=Decimal("0.00"),
            )
            for number in range(ORDERS)
        ],
        batch_size=1_000,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                sku_id=sku_id,
                merchant_code=f"SKU{sku_id}",
                quantity=1,
                price=Decimal("59.00"),
                discount=Decimal("0.00"),
                paid_amount=Decimal("59.00"),
                refund_amount=Decimal("0.00"),
            )
            for order in orders
            for sku_id in rng.sample(sku_ids, rng.randint(1, 3))
        ],
        batch_size=2_000,
    )
    return [order.pk for order in orders]


@benchmark(
    "fulfillment.assign_couriers_2k",
    unit="orders/s",
    higher_is_better=True,
    description="choose and save the courier of 2,000 approved orders to every province "
    "(buyer requests, places not reached, quotes from country-wide price tables)",
)
def assign_couriers_2k() -> float:
    order_ids = _fixtures(random.Random(5))  # noqa: S311 (fixtures, not secrets)
    started = time.perf_counter()
    result = assign_couriers(None, order_ids)
    elapsed = time.perf_counter() - started
    if sum(result.assigned.values()) != ORDERS or result.failed:
        raise RuntimeError(f"not every order got a courier: {result}")
    return ORDERS / elapsed
