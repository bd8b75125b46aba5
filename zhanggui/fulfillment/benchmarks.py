"""Shipping benchmarks (`zhanggui bench --only fulfillment`). Each area keeps its figures in
its own module (benchmarks_<area>.py); importing it here registers them. Batch printing's
figures are below: labels per second for 1,000 e-waybills in one PDF (with the database
work of printing, and the drawing alone), and seconds for the pick list of a 5,000-order
batch. Fixtures are written in bulk, untimed."""

from __future__ import annotations

import random
import time
from decimal import Decimal
from typing import Final

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.fulfillment import benchmarks_couriers  # noqa: F401
from zhanggui.fulfillment.labels import LabelData, Party, render_labels
from zhanggui.fulfillment.models import Courier
from zhanggui.fulfillment.services import picklists, pools, printing
from zhanggui.fulfillment.services.couriers import install_default_couriers
from zhanggui.inventory.benchmarks import make_skus
from zhanggui.inventory.models import Bin, SkuBin, Warehouse
from zhanggui.orders.models import Order, OrderLine, OrderSource, OrderStatus

LABELS: Final = 1_000
PICK_ORDERS: Final = 5_000
PLACES: Final = (
    ("浙江省", "杭州市", "西湖区"),
    ("广东省", "广州市", "天河区"),
    ("上海市", "上海市", "浦东新区"),
    ("四川省", "成都市", "武侯区"),
    ("北京市", "北京市", "朝阳区"),
)


def make_printable_orders(
    count: int, *, rng: random.Random, skus: int = 500, courier: str = "STO"
) -> list[int]:
    """`count` approved orders with a courier and one to three lines each, SKUs mostly in
    bins of the default warehouse, and enough numbers in the courier's pool; written in
    bulk (no reservations: printing does not read them). Returns the order ids."""
    install_default_couriers()
    shop, _created = Shop.objects.get_or_create(
        code="bench", defaults={"channel": Channel.TAOBAO, "name": "压测店"}
    )
    sku_ids = make_skus(skus)
    warehouse = Warehouse.objects.get(is_default=True)
    bins = Bin.objects.bulk_create(
        [Bin(warehouse=warehouse, code=f"A-{n // 20 + 1:02d}-{n % 20 + 1:02d}") for n in range(200)]
    )
    # One SKU in ten has no bin yet: the pick list puts those last.
    SkuBin.objects.bulk_create(
        [SkuBin(sku_id=sku_id, bin=rng.choice(bins)) for sku_id in sku_ids if rng.random() < 0.9],
        batch_size=1_000,
    )
    start = Order.objects.count()
    orders = Order.objects.bulk_create(
        [
            Order(
                channel=Channel.TAOBAO,
                shop=shop,
                order_no=f"{6_000_000_000_000_000 + start + number}",
                source=OrderSource.IMPORT,
                status=OrderStatus.APPROVED,
                courier=courier,
                receiver_name="张三",
                receiver_phone="13812345678",
                receiver_province=place[0],
                receiver_city=place[1],
                receiver_district=place[2],
                receiver_address=f"人民路{number}号",
                receiver_postcode="310012",
                goods_amount=Decimal("59.00"),
                paid_amount=Decimal("59.00"),
                post_fee=Decimal("0.00"),
                discount_amount=Decimal("0.00"),
            )
            for number, place in ((n, rng.choice(PLACES)) for n in range(count))
        ],
        batch_size=1_000,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                sku_id=sku_id,
                merchant_code=f"SKU{sku_id}",
                quantity=rng.randint(1, 2),
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
    pool = Courier.objects.get(code=courier)
    first = 7_700_000_000_000 + start * 10
    pools.import_numbers(actor=None, courier=pool, numbers=[str(first + n) for n in range(count)])
    return [order.pk for order in orders]


@benchmark(
    "fulfillment.labels_1k_print",
    unit="labels/s",
    higher_is_better=True,
    description="print_labels of 1,000 approved orders to one 76x130 PDF: numbers from the "
    "pool, parcels, statuses, pages, audit, and the drawing",
)
def labels_1k_print() -> float:
    order_ids = make_printable_orders(LABELS, rng=random.Random(3))  # noqa: S311
    started = time.perf_counter()
    result = printing.print_labels(None, order_ids, "76x130")
    elapsed = time.perf_counter() - started
    if result.printed != LABELS or not result.pdf:
        raise RuntimeError(f"printed {result.printed} of {LABELS}: {result.refused[:3]}")
    return LABELS / elapsed


@benchmark(
    "fulfillment.labels_1k_render",
    unit="labels/s",
    higher_is_better=True,
    description="drawing 1,000 e-waybills (76x130, Code 128, CJK text) into one PDF, no database",
)
def labels_1k_render() -> float:
    receiver = Party(
        "张三", "13812345678", "浙江省 杭州市 西湖区 文三路90号东部软件园3号楼", "310012"
    )
    sender = Party("掌柜旗舰店", "0571-88888888", "浙江省 杭州市 余杭区 文一西路1号", "311100")
    labels = [
        LabelData(
            tracking_no=f"77{number:013d}",
            courier_name="申通快递",
            destination="杭州市 西湖区",
            receiver=receiver,
            sender=sender,
            contents="K1/红/M×2;K2/黑/L",
            order_no=f"{3_000_000_000_000_000 + number}",
            printed_at="2026-11-11 09:30",
        )
        for number in range(LABELS)
    ]
    started = time.perf_counter()
    pdf = render_labels(labels, "76x130")
    elapsed = time.perf_counter() - started
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("no PDF")
    return LABELS / elapsed


@benchmark(
    "fulfillment.pick_list_5k",
    unit="s",
    description="the pick list (PDF) of a batch of 5,000 orders: lines summed per SKU, sorted "
    "by bin",
)
def pick_list_5k() -> float:
    order_ids = make_printable_orders(PICK_ORDERS, rng=random.Random(5))  # noqa: S311
    batch = printing.create_batch(None, order_ids, "76x130").batch
    if batch is None:
        raise RuntimeError("nothing printed")
    started = time.perf_counter()
    pdf = picklists.pick_list_pdf(batch)
    elapsed = time.perf_counter() - started
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("no PDF")
    return elapsed


from zhanggui.fulfillment import benchmarks_bills  # noqa: E402,F401
