"""Order page benchmarks (`zhanggui bench --only orders.pages`): the order list, one order,
the buyer messages and the merge candidates with 100,000 orders in the database.

Fixtures are written in bulk, untimed; only the page requests are timed."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal
from typing import Final

from django.urls import reverse
from django.utils import timezone

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.core.bench_http import manager_client, median_get_ms
from zhanggui.inventory.benchmarks import make_skus
from zhanggui.orders.models import Order, OrderLine, OrderSource, OrderStatus

ORDERS: Final = 100_000
SKUS: Final = 1_000
BATCH: Final = 5_000
# A shop's database after a few months: most orders gone out, a day's work open.
STATUSES: Final = (
    (OrderStatus.COMPLETED, 0.70),
    (OrderStatus.SHIPPED, 0.15),
    (OrderStatus.CLOSED, 0.05),
    (OrderStatus.TO_REVIEW, 0.05),
    (OrderStatus.ON_HOLD, 0.01),
    (OrderStatus.APPROVED, 0.04),
)
MESSAGES: Final = ("请发顺丰", "要M码", "尽快发货，谢谢", "颜色要图片上的")


def _order(number: int, shop: Shop, rng: random.Random) -> Order:
    names, weights = zip(*STATUSES, strict=True)
    status = rng.choices(names, weights)[0]
    is_open = status in (OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED)
    hours = rng.uniform(0, 40 if is_open else 90 * 24)
    paid_at = timezone.now() - timedelta(hours=hours)
    shipped = status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED)
    return Order(
        channel=Channel.TAOBAO,
        shop=shop,
        order_no=f"{5_000_000_000_000_000 + number}",
        source=OrderSource.IMPORT,
        status=status,
        # Repeat buyers (about two orders each), a few to the same address: merge candidates.
        buyer_nick=f"tb_{rng.randrange(ORDERS // 2)}",
        receiver_name=f"收货人{number % 5_000}",
        receiver_phone=f"138{number:08d}",
        receiver_province="浙江省",
        receiver_city="杭州市",
        receiver_district="西湖区",
        receiver_address=f"文三路{number % 500}号",
        goods_amount=Decimal("118.00"),
        paid_amount=Decimal("118.00"),
        post_fee=Decimal("0.00"),
        discount_amount=Decimal("0.00"),
        paid_at=paid_at,
        ordered_at=paid_at - timedelta(minutes=3),
        buyer_message=rng.choice(MESSAGES) if rng.random() < 0.1 else "",
        courier="STO" if shipped else "",
        tracking_no=f"77{number:010d}" if shipped else "",
        shipped_at=paid_at + timedelta(hours=20) if shipped else None,
    )


def _fill(rng: random.Random) -> None:
    sku_ids = make_skus(SKUS)
    shop, _created = Shop.objects.get_or_create(
        code="bench-pages", defaults={"channel": Channel.TAOBAO, "name": "压测页面店"}
    )
    for start in range(0, ORDERS, BATCH):
        orders = [_order(n, shop, rng) for n in range(start, min(ORDERS, start + BATCH))]
        Order.objects.bulk_create(orders, batch_size=1_000)
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    oid=f"{order.order_no}{index}",
                    sku_id=sku_id,
                    merchant_code=f"SKU{sku_id}",
                    title="压测连衣裙",
                    properties="颜色:黑色;尺码:M",
                    quantity=1,
                    price=Decimal("59.00"),
                    discount=Decimal("0.00"),
                    paid_amount=Decimal("59.00"),
                    refund_amount=Decimal("0.00"),
                )
                for order in orders
                for index, sku_id in enumerate(rng.sample(sku_ids, 2))
            ],
            batch_size=2_000,
        )


@benchmark(
    "orders.pages_100k_ms",
    unit="ms",
    description="slowest median GET over 100,000 orders of: the order list's first page "
    "(plain, by status, searched by order number, buyer nick and phone), one order, the "
    "buyer messages and the merge candidates",
)
def order_pages_100k_ms() -> float:
    _fill(random.Random(6))  # noqa: S311 (repeatable fixtures, not secrets)
    client = manager_client()
    listing = reverse("orders:list")
    sample = Order.objects.order_by("pk")[ORDERS // 2]
    pages = [
        listing,
        f"{listing}?status=to_review",
        f"{listing}?q={sample.order_no}",
        f"{listing}?q={sample.buyer_nick}",
        f"{listing}?q={sample.receiver_phone}",
        reverse("orders:detail", kwargs={"pk": sample.pk}),
        reverse("orders:buyer_messages"),
        reverse("orders:merge_list"),
    ]
    timings = {url: median_get_ms(client, url, repeat=5) for url in pages}
    if os.environ.get("ZHANGGUI_BENCH_VERBOSE"):
        print(timings)  # noqa: T201 (the bench's own diagnostics, on request)
    return float(max(timings.values()))
