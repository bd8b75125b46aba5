"""Permission-matrix rows of the order import pages (see matrix.py).

Allowed roles are written out from staff/roles.py (_ORDERS) rather than computed from it,
so a change to the roles table that opens or closes a page shows up as a failure."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import Route, roles

_numbers = count(1)

# orders.import_orders
IMPORT_ORDERS = roles("manager", "cs_presale")
# orders.view_order
READ_ORDERS = roles("manager", "cs_presale", "cs_aftersale", "warehouse", "finance", "analyst")
# orders.add_merchantcodemapping
MAP_CODES = roles("manager", "cs_presale")

JD_HEADER = "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,应付金额,运费金额,订单状态,下单帐号,客户姓名,客户地址,联系电话,商家SKUID,付款确认时间"


def _jd_export() -> dict[str, Any]:
    number = next(_numbers)
    row = (
        f"{9100000000 + number},100{number},矩阵连衣裙,1,在线支付,2026-11-11 10:00:00,59.00,59.00,"
        f"0.00,等待出库,jd_matrix,张三,北京市朝阳区望京街道阜通东大街6号,13812345678,MX-JD-{number},"
        "2026-11-11 10:01:00"
    )
    content = f"{JD_HEADER}\r\n{row}\r\n".encode("gb18030")
    return {
        "channel": "jd",
        "orders_file": SimpleUploadedFile("jd-orders.csv", content, content_type="text/csv"),
    }


def _unmatched_code() -> dict[str, Any]:
    from zhanggui.orders.tests.factories import make_order, make_skus

    number = next(_numbers)
    (sku,) = make_skus(None, f"MM-OURS-{number}", on_hand=2)
    make_order(None, (f"MM-THEIRS-{number}", 1))
    return {
        "channel": "taobao",
        "merchant_code": f"MM-THEIRS-{number}",
        "sku_code": sku.merchant_code,
    }


ROUTES: list[Route] = [
    Route("orders:import", IMPORT_ORDERS, note="orders.import_orders"),
    Route("orders:import", IMPORT_ORDERS, "post", data=_jd_export, note="orders.import_orders"),
    Route("orders:unmatched", READ_ORDERS, note="orders.view_order"),
    Route(
        "orders:unmatched_map",
        MAP_CODES,
        "post",
        data=_unmatched_code,
        note="orders.add_merchantcodemapping",
    ),
    Route("orders:unmatched_skus", MAP_CODES, note="orders.add_merchantcodemapping"),
]
