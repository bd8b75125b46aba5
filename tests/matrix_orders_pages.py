"""Permission-matrix rows of the order pages: list, one order and its actions, merge and
split, buyer messages, failed deals (see matrix.py).

Customer service (pre- and after-sale) and the manager review and edit orders; the
warehouse, finance and the analyst read them; failed deals are customer service's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.matrix import Route, roles

READ_ORDERS = roles("manager", "cs_presale", "cs_aftersale", "warehouse", "finance", "analyst")
CUSTOMER_SERVICE = roles("manager", "cs_presale", "cs_aftersale")


def _order(*lines: tuple[str, int], **fields: Any) -> Any:
    """A paid order of SKUs made for it (10 of each on hand)."""
    from zhanggui.orders.tests.factories import make_order, make_skus

    codes = [code for code, _qty in lines]
    make_skus(None, *codes, on_hand=10)
    return make_order(None, *lines, **fields)


def _pk(**fields: Any) -> dict[str, Any]:
    return {"pk": _order(("MX-1-S", 2), ("MX-1-M", 1), **fields).pk}


def _merged_pk() -> dict[str, Any]:
    from django.utils import timezone

    from zhanggui.orders.services.merge import merge_orders
    from zhanggui.orders.tests.factories import make_order

    first = _order(("MX-2-S", 1), buyer_nick="矩阵", paid_at=timezone.now() - timedelta(hours=1))
    second = make_order(None, ("MX-2-S", 1), buyer_nick="矩阵")
    merge_orders(actor=None, order_ids=[first.pk, second.pk])
    return {"pk": second.pk}


def _merge_data() -> dict[str, Any]:
    from zhanggui.orders.tests.factories import make_order

    first = _order(("MX-3-S", 1), buyer_nick="矩阵")
    second = make_order(None, ("MX-3-S", 1), buyer_nick="矩阵")
    return {"orders": [str(first.pk), str(second.pk)], "reason": "同一地址"}


def _split_data() -> dict[str, Any]:
    from zhanggui.orders.models import Order

    line = Order.objects.get().lines.order_by("pk").first()
    assert line is not None
    return {f"line_{line.pk}": "1"}


def _short_pk() -> dict[str, Any]:
    from zhanggui.orders.tests.factories import make_order, make_skus

    make_skus(None, "MX-4-S", on_hand=1)
    return {"pk": make_order(None, ("MX-4-S", 3)).pk}


RECEIVER = {
    "name": "王五",
    "phone": "13700000000",
    "address": "上海市浦东新区世纪大道100号",
    "postcode": "",
}
FAILED_DEAL = {"channel": "taobao", "buyer_nick": "问了没买", "note": "要M码，没货"}

ROUTES: list[Route] = [
    Route("orders:list", READ_ORDERS),
    Route("orders:detail", READ_ORDERS, kwargs=_pk),
    Route("orders:buyer_messages", READ_ORDERS),
    Route("orders:merge_list", CUSTOMER_SERVICE),
    Route(
        "orders:order_status",
        CUSTOMER_SERVICE,
        method="post",
        kwargs=_pk,
        data=lambda: {"action": "approve"},
    ),
    Route(
        "orders:order_receiver", CUSTOMER_SERVICE, method="post", kwargs=_pk, data=lambda: RECEIVER
    ),
    Route(
        "orders:order_memo",
        CUSTOMER_SERVICE,
        method="post",
        kwargs=_pk,
        data=lambda: {"seller_memo": "已联系", "flag": "red"},
    ),
    Route(
        "orders:order_urgent",
        CUSTOMER_SERVICE,
        method="post",
        kwargs=_pk,
        data=lambda: {"urgent": "on"},
    ),
    Route(
        "orders:order_answer",
        CUSTOMER_SERVICE,
        method="post",
        kwargs=lambda: _pk(buyer_message="请发顺丰"),
    ),
    Route("orders:split", CUSTOMER_SERVICE, kwargs=_pk),
    Route("orders:split", CUSTOMER_SERVICE, method="post", kwargs=_pk, data=_split_data),
    Route("orders:split_out_of_stock", CUSTOMER_SERVICE, method="post", kwargs=_short_pk),
    Route("orders:unmerge", CUSTOMER_SERVICE, method="post", kwargs=_merged_pk),
    Route("orders:merge_orders", CUSTOMER_SERVICE, method="post", data=_merge_data),
    Route("orders:failed_deals", CUSTOMER_SERVICE),
    Route("orders:failed_deals", CUSTOMER_SERVICE, method="post", data=lambda: FAILED_DEAL),
]
