"""Builders for order tests: SKUs with stock and channel orders, a few rows each."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Sku
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import MoveKind
from zhanggui.orders.models import Order, OrderSource
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput
from zhanggui.orders.services.intake import receive_order

_numbers = itertools.count(1)

RECEIVER = ReceiverInput(
    name="张三",
    phone="13812345678",
    province="浙江省",
    city="杭州市",
    district="西湖区",
    address="文三路90号东部软件园3号楼",
    postcode="310012",
)


def make_skus(actor: Any, *codes: str, on_hand: int = 0, price: str = "59.00") -> list[Sku]:
    """One product with a SKU per merchant code, each with `on_hand` units received."""
    item_no = f"T{next(_numbers)}"
    product = catalog.create_product(
        actor=actor,
        data=catalog.ProductInput(item_no=item_no, title=f"测试连衣裙 {item_no}"),
        skus=[
            catalog.SkuInput(merchant_code=code, size=f"S{index}", price=price)
            for index, code in enumerate(codes)
        ],
    )
    skus = list(product.skus.order_by("pk"))
    if on_hand:
        stock.post_moves(
            actor=actor,
            moves=[stock.MoveInput(sku.pk, on_hand, MoveKind.RECEIPT) for sku in skus],
        )
    return skus


def order_input(
    *lines: tuple[str, int],
    order_no: str | None = None,
    channel: str = "taobao",
    state: str = ChannelState.PAID,
    paid_at: datetime | None = None,
    price: str = "59.00",
    **fields: Any,
) -> OrderInput:
    """order_input(("K1-S", 2), ("K1-M", 1), buyer_message="...")"""
    return OrderInput(
        channel=channel,
        order_no=order_no or f"{3000000000000000 + next(_numbers)}",
        state=state,
        source=fields.pop("source", OrderSource.API),
        lines=tuple(
            LineInput(merchant_code=code, quantity=qty, price=Decimal(price), oid=f"{n}")
            for n, (code, qty) in enumerate(lines, start=1)
        ),
        buyer_nick=fields.pop("buyer_nick", "tb_buyer"),
        receiver=fields.pop("receiver", RECEIVER),
        paid_at=paid_at or (timezone.now() if state != ChannelState.UNPAID else None),
        **fields,
    )


def make_order(actor: Any, *lines: tuple[str, int], **fields: Any) -> Order:
    return receive_order(actor=actor, data=order_input(*lines, **fields)).order
