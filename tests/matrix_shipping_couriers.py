"""Permission-matrix rows of the courier pages: couriers, price tables, places not reached,
number pools, shipping settings and one order's courier (see matrix.py).

Everyone who reads parcels reads couriers; the warehouse and the manager change them. An
order's courier is chosen by those who review orders or print labels."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, roles

VIEW_COURIER = roles("manager", "warehouse", "finance", "cs_presale", "cs_aftersale", "analyst")
MANAGE_COURIERS = roles("manager", "warehouse")
ORDER_COURIER = roles("manager", "cs_presale", "cs_aftersale", "warehouse")


def _courier() -> dict[str, Any]:
    from zhanggui.fulfillment.models import Courier

    return {"code": Courier.objects.create(code="MX-KD", name="矩阵快递").code}


def _exclusion() -> dict[str, Any]:
    from zhanggui.fulfillment.models import Courier, CourierExclusion

    courier = Courier.objects.create(code="MX-EX", name="矩阵快递")
    return {"pk": CourierExclusion.objects.create(courier=courier, province="西藏自治区").pk}


def _order() -> dict[str, Any]:
    from zhanggui.orders.tests.factories import make_order, make_skus

    make_skus(None, "MX-KD-S", on_hand=10)
    return {"pk": make_order(None, ("MX-KD-S", 1)).pk}


def _rates_file() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "省份,首重(kg),首重价格,续重价格(元/kg)\r\n浙江省,1,8,2\r\n".encode()
    return {"file": SimpleUploadedFile("rates.csv", content, content_type="text/csv")}


def _settings() -> dict[str, Any]:
    from zhanggui.fulfillment.models import Courier

    courier = Courier.objects.create(code="MX-ST", name="矩阵默认快递")
    return {"default_courier": courier.code, "default_label_size": "76x130"}


COURIER = {
    "code": "MX-NEW",
    "name": "矩阵新快递",
    "label_sizes": "76x130,100x180",
    "is_active": "on",
    "position": "0",
}
RATE = {"province": "浙江", "first_weight_kg": "1", "first_price": "8", "extra_price_per_kg": "2"}

ROUTES: list[Route] = [
    Route("fulfillment:courier_list", VIEW_COURIER),
    Route("fulfillment:courier_create", MANAGE_COURIERS),
    Route("fulfillment:courier_create", MANAGE_COURIERS, method="post", data=lambda: COURIER),
    Route("fulfillment:courier_edit", MANAGE_COURIERS, kwargs=_courier),
    Route(
        "fulfillment:courier_edit",
        MANAGE_COURIERS,
        method="post",
        kwargs=_courier,
        data=lambda: {**COURIER, "name": "矩阵快递改"},
    ),
    Route("fulfillment:courier_rates", VIEW_COURIER, kwargs=_courier),
    Route(
        "fulfillment:courier_rates",
        MANAGE_COURIERS,
        method="post",
        kwargs=_courier,
        data=lambda: RATE,
    ),
    Route(
        "fulfillment:courier_rates_import",
        MANAGE_COURIERS,
        method="post",
        kwargs=_courier,
        data=_rates_file,
    ),
    Route("fulfillment:courier_rates_export", VIEW_COURIER, kwargs=_courier),
    Route("fulfillment:courier_exclusions", VIEW_COURIER, kwargs=_courier),
    Route(
        "fulfillment:courier_exclusions",
        MANAGE_COURIERS,
        method="post",
        kwargs=_courier,
        data=lambda: {"province": "西藏"},
    ),
    Route(
        "fulfillment:courier_exclusion_remove", MANAGE_COURIERS, method="post", kwargs=_exclusion
    ),
    Route("fulfillment:courier_pool", VIEW_COURIER, kwargs=_courier),
    Route(
        "fulfillment:courier_pool",
        MANAGE_COURIERS,
        method="post",
        kwargs=_courier,
        data=lambda: {"numbers": "7700000001-7700000005"},
    ),
    Route("fulfillment:shipping_settings", VIEW_COURIER),
    Route("fulfillment:shipping_settings", MANAGE_COURIERS, method="post", data=_settings),
    Route("fulfillment:order_courier", ORDER_COURIER, kwargs=_order),
    Route(
        "fulfillment:order_courier",
        ORDER_COURIER,
        method="post",
        kwargs=_order,
        data=lambda: {"auto": "1"},
        note="orders.review_order or fulfillment.print_labels",
    ),
]
