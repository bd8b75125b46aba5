"""Purchasing test data, made through the real services so every row is one the app could
have written itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Product
from zhanggui.purchasing import services
from zhanggui.purchasing.models import PurchaseOrder, Supplier


def make_supplier(name: str = "广州十三行芊语服饰", **values: Any) -> Supplier:
    return services.create_supplier(actor=None, data=services.SupplierInput(name=name, **values))


def make_product(item_no: str = "T-100", sizes: Sequence[str] = ("S", "M", "L")) -> Product:
    """A product in white, one SKU per size, merchant codes like T-100-W-S."""
    return catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no=item_no, title=f"纯棉圆领T恤 {item_no}"),
        skus=[
            catalog.SkuInput(
                merchant_code=f"{item_no}-W-{size}",
                color="白色",
                size=size,
                price="59",
                cost_price="20",
            )
            for size in sizes
        ],
    )


def make_order(
    supplier: Supplier,
    lines: Sequence[tuple[str, int, str]],
    *,
    actor: Any = None,
    transport_cost: str = "0",
    expected_on: Any = None,
) -> PurchaseOrder:
    """A draft PO: lines are (merchant code, quantity, unit cost)."""
    return services.create_purchase_order(
        actor=actor,
        data=services.PurchaseOrderInput(
            supplier_id=supplier.pk,
            transport_cost=transport_cost,
            expected_on=expected_on,
            lines=[services.LineInput(code, quantity, cost) for code, quantity, cost in lines],
        ),
    )


def placed_order(
    supplier: Supplier, lines: Sequence[tuple[str, int, str]], **kwargs: Any
) -> PurchaseOrder:
    """An ordered PO (the first-order cap confirmed if it applies)."""
    order = make_order(supplier, lines, **kwargs)
    return services.place_purchase_order(
        actor=kwargs.get("actor"), purchase_order_id=order.pk, confirm_over_first_order_cap=True
    )


def counts(order: PurchaseOrder, **by_code: Any) -> list[services.CountInput]:
    """Counts by merchant code with '-' as '_': counts(po, T_100_W_S=3) or (3, 1) with
    defective units."""
    lines = {line.sku.merchant_code: line for line in order.lines.select_related("sku")}
    result = []
    for key, value in by_code.items():
        quantity, defective = value if isinstance(value, tuple) else (value, 0)
        line = lines[key.replace("_", "-")]
        result.append(services.CountInput(line.pk, quantity, defective))
    return result
