"""Order review benchmarks (`zhanggui bench --only orders.review`).

- auto-review and allocate 10,000 paid orders (issue 4): the default rules, orders of 1-3
  lines over 1,000 SKUs, about one in eight held by a rule and a few short of stock;
- the review queue page with 100,000 orders in the database: the first page of each tab.

Fixtures are written in bulk, untimed; only auto_review and the page requests are timed."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.urls import reverse
from django.utils import timezone

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.core.bench_http import manager_client, median_get_ms
from zhanggui.inventory import services as stock
from zhanggui.inventory.benchmarks import make_skus
from zhanggui.inventory.models import MoveKind, StockLevel
from zhanggui.orders.models import Flag, HoldReason, Order, OrderLine, OrderSource, OrderStatus
from zhanggui.orders.services.rule_changes import install_default_rules
from zhanggui.orders.services.rules import auto_review

REVIEW_ORDERS: Final = 10_000
PAGE_ORDERS: Final = 100_000
SKUS: Final = 1_000
MESSAGES: Final = ("请发顺丰", "要M码", "尽快发货，谢谢", "颜色要图片上的", "")
MEMOS: Final = ("老客户", "已银行转账", "")


def _stock(sku_ids: Sequence[int], rng: random.Random) -> None:
    # One SKU in twenty nearly sold out, so some approvals find too little.
    stock.post_moves(
        actor=None,
        moves=[
            stock.MoveInput(sku_id, 2 if rng.random() < 0.05 else 200, MoveKind.RECEIPT)
            for sku_id in sku_ids
        ],
    )


def _orders(
    count: int, sku_ids: Sequence[int], statuses: Sequence[tuple[str, float]], rng: random.Random
) -> None:
    """`count` orders with 1-3 lines, in bulk: statuses drawn by weight, paid over the last
    days (the open ones within two days), one in eight with a buyer message."""
    shop, _created = Shop.objects.get_or_create(
        code="bench", defaults={"channel": Channel.TAOBAO, "name": "压测店"}
    )
    now = timezone.now()
    names, weights = zip(*statuses, strict=True)
    for start in range(0, count, 5_000):
        orders = []
        for number in range(start, min(count, start + 5_000)):
            status = rng.choices(names, weights)[0]
            is_open = status in (OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED)
            hours = rng.uniform(0, 40 if is_open else 90 * 24)
            message = rng.choice(MESSAGES) if rng.random() < 0.125 else ""
            orders.append(
                Order(
                    channel=Channel.TAOBAO,
                    shop=shop,
                    order_no=f"{4_000_000_000_000_000 + number}",
                    source=OrderSource.IMPORT,
                    status=status,
                    buyer_nick=f"tb_{rng.randrange(count // 2)}",
                    receiver_name="张三",
                    receiver_phone="13812345678",
                    receiver_province="浙江省",
                    receiver_city="杭州市",
                    receiver_district="西湖区",
                    receiver_address=f"文三路{number % 500}号",
                    goods_amount=Decimal("118.00"),
                    paid_amount=Decimal("118.00"),
                    post_fee=Decimal("0.00"),
                    discount_amount=Decimal("0.00"),
                    paid_at=now - timedelta(hours=hours),
                    ordered_at=now - timedelta(hours=hours, minutes=3),
                    buyer_message=message,
                    seller_memo=rng.choice(MEMOS) if rng.random() < 0.02 else "",
                    hold_reasons=f",{HoldReason.BUYER_MESSAGE},"
                    if status == OrderStatus.ON_HOLD
                    else "",
                    flag=Flag.NONE,
                )
            )
        Order.objects.bulk_create(orders, batch_size=1_000)
        lines = [
            OrderLine(
                order=order,
                oid=f"{order.order_no}{index}",
                sku_id=sku_id,
                merchant_code=f"SKU{sku_id}",
                title="压测连衣裙",
                properties="颜色:黑色;尺码:M",
                quantity=rng.randint(1, 2),
                price=Decimal("59.00"),
                discount=Decimal("0.00"),
                paid_amount=Decimal("59.00"),
                refund_amount=Decimal("0.00"),
            )
            for order in orders
            for index, sku_id in enumerate(rng.sample(sku_ids, rng.randint(1, 3)))
        ]
        OrderLine.objects.bulk_create(lines, batch_size=2_000)


@benchmark(
    "orders.review_auto_10k",
    unit="orders/s",
    higher_is_better=True,
    description="auto-review and allocate 10,000 paid orders of 1-3 lines with the default "
    "rules (holds, approvals with stock reserved, a few out of stock)",
)
def auto_review_10k() -> float:
    rng = random.Random(4)  # noqa: S311 (a load pattern, not a secret)
    sku_ids = make_skus(SKUS)
    _stock(sku_ids, rng)
    install_default_rules()
    _orders(REVIEW_ORDERS, sku_ids, [(OrderStatus.TO_REVIEW, 1.0)], rng)
    started = time.perf_counter()
    summary = auto_review()
    elapsed = time.perf_counter() - started
    reviewed = summary.approved + summary.held + summary.out_of_stock + summary.left
    if reviewed != REVIEW_ORDERS or summary.approved < REVIEW_ORDERS // 2:
        raise RuntimeError(f"auto_review did not review every order: {summary}")
    reserved = sum(StockLevel.objects.values_list("reserved", flat=True))
    if not reserved:
        raise RuntimeError("no stock was reserved")
    if os.environ.get("ZHANGGUI_BENCH_VERBOSE"):
        print(summary.approved, summary.held, summary.out_of_stock, summary.left)  # noqa: T201
    return REVIEW_ORDERS / elapsed


# A shop's database after a few months: most orders shipped or finished, a day's work open.
PAGE_STATUSES: Final = (
    (OrderStatus.COMPLETED, 0.70),
    (OrderStatus.SHIPPED, 0.15),
    (OrderStatus.CLOSED, 0.05),
    (OrderStatus.TO_REVIEW, 0.04),
    (OrderStatus.ON_HOLD, 0.02),
    (OrderStatus.APPROVED, 0.04),
)


@benchmark(
    "orders.review_queue_page_100k_ms",
    unit="ms",
    description="slowest median GET of the first page of each review queue tab (with its "
    "tab counts) over 100,000 orders",
)
def review_queue_page_100k_ms() -> float:
    rng = random.Random(5)  # noqa: S311 (a load pattern, not a secret)
    sku_ids = make_skus(SKUS)
    install_default_rules()
    _orders(PAGE_ORDERS, sku_ids, PAGE_STATUSES, rng)
    client = manager_client()
    base = reverse("orders:review")
    pages = [
        f"{base}?tab={tab}" for tab in ("to_review", "on_hold", "out_of_stock", "urgent", "overdue")
    ]
    pages.append(f"{base}?tab=to_review&buyer=tb_1")
    timings: dict[str, Any] = {url: median_get_ms(client, url) for url in pages}
    if os.environ.get("ZHANGGUI_BENCH_VERBOSE"):
        print(timings)  # noqa: T201 (the bench's own diagnostics, on request)
    return float(max(timings.values()))
