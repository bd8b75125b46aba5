"""Permission-matrix rows for the order routes of one area (see matrix.py)."""

from __future__ import annotations

from tests.matrix import Route, roles

# Everyone who reads orders may parse a pasted receiver text (the order page's paste box).
VIEW_ORDERS = roles("manager", "cs_presale", "cs_aftersale", "warehouse", "finance", "analyst")

ROUTES: list[Route] = [
    Route(
        "orders:parse_address",
        VIEW_ORDERS,
        method="post",
        data=lambda: {"text": "张三 13812345678 浙江省杭州市西湖区文三路90号"},
        note="orders.view_order",
    ),
]
