"""Permission-matrix rows of the orders API (/api/v1/orders/, see matrix.py).

Allowed roles are written out from staff/roles.py (_ORDERS) rather than computed from it,
so a change to the roles table that opens or closes an endpoint shows up as a failure."""

from __future__ import annotations

from itertools import count
from typing import Any

from tests.matrix import Route, roles
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_order, make_skus

_numbers = count(1)

# orders.view_order
READ_ORDERS = roles("manager", "cs_presale", "cs_aftersale", "warehouse", "finance", "analyst")
# orders.review_order or orders.import_orders: placing an order is customer service's work
PLACE_ORDERS = roles("manager", "cs_presale", "cs_aftersale")
# orders.review_order
REVIEW_ORDERS = roles("manager", "cs_presale", "cs_aftersale")
# orders.ship_order
SHIP_ORDERS = roles("manager", "warehouse")


def _order_body() -> dict[str, Any]:
    number = next(_numbers)
    return {
        "channel": "taobao",
        "order_no": f"5{number:017d}",
        "buyer_nick": "tb_matrix",
        "receiver": {
            "name": "张三",
            "phone": "13812345678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "address": "文三路90号",
        },
        "lines": [{"merchant_code": f"MX-{number}", "qty": 1, "price": "59.00"}],
        "post_fee": "0.00",
        "paid_at": "2026-11-11T10:00:00+08:00",
    }


def _order_to_review() -> dict[str, Any]:
    code = f"MA-{next(_numbers)}"
    make_skus(None, code, on_hand=5)
    return {"pk": make_order(None, (code, 1)).pk}


def _approved_order() -> dict[str, Any]:
    kwargs = _order_to_review()
    lifecycle.approve_order(actor=None, order_id=kwargs["pk"])
    return kwargs


def _ship_body() -> dict[str, Any]:
    return {"courier": "sf", "tracking_no": f"SF{next(_numbers):012d}"}


ROUTES: list[Route] = [
    Route("order-list", READ_ORDERS, api=True, note="orders.view_order"),
    Route(
        "order-list",
        PLACE_ORDERS,
        "post",
        data=_order_body,
        api=True,
        note="orders.review_order or orders.import_orders",
    ),
    Route(
        "order-detail",
        READ_ORDERS,
        kwargs=_order_to_review,
        api=True,
        note="orders.view_order",
    ),
    Route(
        "order-approve",
        REVIEW_ORDERS,
        "post",
        kwargs=_order_to_review,
        data=dict,
        api=True,
        note="orders.review_order",
    ),
    Route(
        "order-ship",
        SHIP_ORDERS,
        "post",
        kwargs=_approved_order,
        data=_ship_body,
        api=True,
        note="orders.ship_order",
    ),
]
