"""Rows the permission matrix (tests/matrix_pages.py) needs for the purchasing pages. Each
builder runs inside the test's database and returns URL kwargs or a request body."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhanggui.catalog.models import Product
from zhanggui.purchasing import services
from zhanggui.purchasing.models import ExchangeList, Supplier
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

LINES = [("MX-1-W-S", 2, "18")]


def _supplier_object() -> Supplier:
    return Supplier.objects.first() or make_supplier("矩阵档口")


def supplier() -> dict[str, Any]:
    return {"pk": _supplier_object().pk}


def _product() -> Product:
    return Product.objects.filter(item_no="MX-1").first() or make_product("MX-1", ("S",))


def draft_order() -> dict[str, Any]:
    _product()
    return {"pk": make_order(_supplier_object(), LINES).pk}


def ordered_order() -> dict[str, Any]:
    _product()
    return {"pk": placed_order(_supplier_object(), LINES).pk}


def receipt() -> dict[str, Any]:
    _product()
    order = placed_order(_supplier_object(), LINES)
    done = services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, MX_1_W_S=(2, 1))
    )
    return {"pk": done.pk}


def exchange() -> dict[str, Any]:
    receipt()
    return {"pk": ExchangeList.objects.get().pk}


def reorder() -> dict[str, Any]:
    ordered_order()
    return ordered_order()


def review() -> dict[str, Any]:
    order = reorder()
    flagged = services.flag_batch_difference(
        actor=None, purchase_order_id=order["pk"], product_id=_product().pk, price_differs=True
    )
    return {"pk": flagged.pk}


def new_supplier_form() -> dict[str, Any]:
    return {
        "name": "矩阵新档口",
        "lead_time_days": "7",
        "is_active": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }


def order_form() -> dict[str, Any]:
    return {
        "supplier": str(_supplier_object().pk),
        "transport_cost": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-merchant_code": "MX-1-W-S",
        "lines-0-quantity": "2",
    }


def payment_form() -> dict[str, Any]:
    return {"amount": "10", "paid_on": timezone.localdate().isoformat(), "method": "bank"}


def review_form() -> dict[str, Any]:
    return {"product": str(_product().pk), "photos_differ": "on"}
