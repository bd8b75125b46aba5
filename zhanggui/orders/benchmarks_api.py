"""One order at a time, the way an API client or a channel push places them
(`zhanggui bench --only orders.one_at_a_time`).

Each order has 3 lines; it is received (intake.receive_order) and then approved with its
stock allocated (lifecycle.approve_order), each step in its own transaction, as the
`POST /api/v1/orders/` and `POST /api/v1/orders/{id}/approve/` calls do. The shop is set
up as a real one is (1,000 SKUs of 100 products, stock received through the ledger, every
product on sale in the shop), untimed; the orders' inputs are built before the clock
starts. One order is placed first, untimed, so that first-use costs (the address data,
translations) are not counted."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from zhanggui.catalog.models import Listing, ListingStatus, Product, Sku
from zhanggui.channels.models import Channel, Shop
from zhanggui.core.bench import benchmark
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import DEFAULT_WAREHOUSE_CODE, MoveKind, StockLevel, Warehouse
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput
from zhanggui.orders.services.intake import receive_order

ORDERS: Final = 2_000
HTTP_ORDERS: Final = 500
QUERY_SAMPLE: Final = 200
LINES: Final = 3
PRODUCTS: Final = 100
SKUS_PER_PRODUCT: Final = 10
UNITS_PER_SKU: Final = 100
RECEIVERS: Final = (
    ReceiverInput("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路90号东部软件园3号楼"),
    ReceiverInput("李四", "13998765432", "广东省", "深圳市", "南山区", "科技园南区深南大道9988号"),
    ReceiverInput("王五", "15011112222", "北京市", "北京市", "朝阳区", "建国路88号SOHO现代城A座"),
    ReceiverInput("赵六", "18633334444", "四川省", "成都市", "武侯区", "天府大道北段1700号"),
)


def set_up_shop() -> tuple[Any, list[str]]:
    """The shop, its catalog and its stock; returns a customer service person and the
    merchant codes."""
    from zhanggui.staff.services import create_staff_member, sync_role_groups

    Warehouse.objects.get_or_create(
        code=DEFAULT_WAREHOUSE_CODE, defaults={"name": "主仓", "is_default": True}
    )
    shop = Shop.objects.create(channel=Channel.TAOBAO, code="taobao-main", name="掌柜旗舰店")
    products = Product.objects.bulk_create(
        [Product(item_no=f"OB{n:04d}", title=f"压测连衣裙{n}") for n in range(PRODUCTS)]
    )
    Sku.objects.bulk_create(
        [
            Sku(
                product_id=product.pk,
                merchant_code=f"{product.item_no}-{index}",
                size=str(index),
                price=Decimal("59.00"),
            )
            for product in products
            for index in range(SKUS_PER_PRODUCT)
        ]
    )
    Listing.objects.bulk_create(
        [Listing(product=product, shop=shop, status=ListingStatus.ON_SALE) for product in products]
    )
    skus = list(Sku.objects.order_by("pk").values_list("pk", "merchant_code"))
    stock.post_moves(
        actor=None,
        moves=[stock.MoveInput(pk, UNITS_PER_SKU, MoveKind.RECEIPT) for pk, _code in skus],
    )
    sync_role_groups()
    person = create_staff_member(
        username=f"bench-cs-{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(),
        roles=["cs_presale"],
    )
    return person, [code for _pk, code in skus]


def order_inputs(codes: list[str], count: int, prefix: str) -> list[OrderInput]:
    """`count` paid Taobao orders of 3 different SKUs each, 1 or 2 units a line."""
    chooser = random.Random(7)  # noqa: S311 (a load pattern, not a secret)
    paid = timezone.now() - timedelta(hours=1)
    return [
        OrderInput(
            channel=Channel.TAOBAO,
            order_no=f"{prefix}{number:012d}",
            state=ChannelState.PAID,
            lines=tuple(
                LineInput(
                    merchant_code=code,
                    quantity=chooser.randint(1, 2),
                    price=Decimal("59.00"),
                    oid=f"{prefix}{number:012d}{index}",
                    title="压测连衣裙",
                )
                for index, code in enumerate(chooser.sample(codes, LINES))
            ),
            buyer_nick=f"tb_buyer_{number % 997}",
            receiver=RECEIVERS[number % len(RECEIVERS)],
            post_fee=Decimal("0.00"),
            ordered_at=paid - timedelta(minutes=2),
            paid_at=paid,
        )
        for number in range(count)
    ]


def place_and_approve(person: Any, data: OrderInput) -> Order:
    order = receive_order(actor=person, data=data).order
    return lifecycle.approve_order(actor=person, order_id=order.pk)


def check_allocated(inputs: list[OrderInput]) -> None:
    """Every order approved and its stock reserved exactly; the books agree."""
    numbers = [data.order_no for data in inputs]
    approved = Order.objects.filter(order_no__in=numbers, status=OrderStatus.APPROVED).count()
    if approved != len(inputs):
        raise RuntimeError(f"{len(inputs) - approved} orders were not approved")
    wanted = sum(line.quantity for data in inputs for line in data.lines)
    reserved = StockLevel.objects.aggregate(n=Sum("reserved"))["n"]
    if reserved != wanted:
        raise RuntimeError(f"reserved {reserved} units, the orders hold {wanted}")
    if ledger_differences():
        raise RuntimeError("balances differ from the ledger")


def _timed(run: Callable[[OrderInput], Any], inputs: list[OrderInput]) -> float:
    started = time.perf_counter()
    for data in inputs:
        run(data)
    return len(inputs) / (time.perf_counter() - started)


@benchmark(
    "orders.one_at_a_time_place_and_approve",
    unit="orders/s",
    higher_is_better=True,
    description="2,000 orders of 3 lines, each received and then approved (stock "
    "allocated) in its own transactions, calling the services",
)
def one_at_a_time_place_and_approve() -> float:
    person, codes = set_up_shop()
    warm_up, *inputs = order_inputs(codes, ORDERS + 1, "9")
    place_and_approve(person, warm_up)
    rate = _timed(lambda data: place_and_approve(person, data), inputs)
    check_allocated([warm_up, *inputs])
    return rate


@benchmark(
    "orders.one_at_a_time_queries_per_order",
    unit="queries/order",
    description="SQL statements (transaction control included) to receive and approve "
    "one 3-line order, averaged over 200",
)
def one_at_a_time_queries_per_order() -> float:
    person, codes = set_up_shop()
    warm_up, *inputs = order_inputs(codes, QUERY_SAMPLE + 1, "8")
    place_and_approve(person, warm_up)
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for data in inputs:
            place_and_approve(person, data)
    check_allocated([warm_up, *inputs])
    return statements / len(inputs)


def api_body(data: OrderInput) -> dict[str, Any]:
    receiver = data.receiver
    return {
        "channel": data.channel,
        "order_no": data.order_no,
        "buyer_nick": data.buyer_nick,
        "receiver": {
            "name": receiver.name,
            "phone": receiver.phone,
            "province": receiver.province,
            "city": receiver.city,
            "district": receiver.district,
            "address": receiver.address,
        },
        "lines": [
            {
                "merchant_code": line.merchant_code,
                "qty": line.quantity,
                "price": f"{line.price:.2f}",
                "oid": line.oid,
                "title": line.title,
            }
            for line in data.lines
        ],
        "post_fee": f"{data.post_fee:.2f}",
        "created_at": data.ordered_at.isoformat() if data.ordered_at else None,
        "paid_at": data.paid_at.isoformat() if data.paid_at else None,
    }


@benchmark(
    "orders.one_at_a_time_over_http",
    unit="orders/s",
    higher_is_better=True,
    description="500 orders of 3 lines through the API in process (token auth, JSON): "
    "POST /api/v1/orders/ then POST /api/v1/orders/{id}/approve/",
)
def one_at_a_time_over_http() -> float:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    person, codes = set_up_shop()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person).key}")
    warm_up, *inputs = order_inputs(codes, HTTP_ORDERS + 1, "7")

    def place(data: OrderInput) -> None:
        created = client.post("/api/v1/orders/", api_body(data), format="json")
        if created.status_code != 201:
            raise RuntimeError(f"POST /api/v1/orders/ answered {created.status_code}")
        approved = client.post(f"/api/v1/orders/{created.json()['id']}/approve/", format="json")
        if approved.status_code != 200:
            raise RuntimeError(f"approve answered {approved.status_code}: {approved.content!r}")

    # The bench runs outside the test runner: allow the test client's host.
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        place(warm_up)
        rate = _timed(place, inputs)
    check_allocated([warm_up, *inputs])
    return rate
