"""The /api/v1/ endpoints of the permission matrix (see matrix.py).

Allowed roles are written out from staff/roles.py rather than computed from it, so that a
change to the roles table that opens or closes an endpoint shows up here as a failure."""

from __future__ import annotations

from itertools import count
from typing import Any

from tests.matrix import ALL_ROLES, Route, roles
from zhanggui.catalog import services
from zhanggui.catalog.models import Product, Sku

_numbers = count(1)
TOKEN_PASSWORD = "matrix-token-password-7"


def _product() -> Product:
    number = next(_numbers)
    return services.create_product(
        actor=None, data=services.ProductInput(item_no=f"M{number}.x", title=f"矩阵{number}")
    )


def _sku() -> Sku:
    product = _product()
    return services.create_sku(
        actor=None,
        product_id=product.pk,
        data=services.SkuInput(merchant_code=f"{product.item_no}-M", size="M", price="59"),
    )


def _token_request() -> dict[str, Any]:
    from zhanggui.staff.services import create_staff_member

    username = f"token-owner-{next(_numbers)}"
    create_staff_member(username=username, password=TOKEN_PASSWORD, roles=["warehouse"])
    return {"username": username, "password": TOKEN_PASSWORD}


# Reading the catalog is open to every role (CATALOG_READ).
EVERYONE = ALL_ROLES
ADD_PRODUCT = roles("manager", "editor", "buyer")
CHANGE_PRODUCT = roles("manager", "editor")
ADD_SKU = roles("manager", "editor", "buyer")
CHANGE_SKU = roles("manager", "editor", "warehouse", "buyer")

# Routes that answer without a token (the anonymous check expects no 401 there).
OPEN_API_ROUTES: frozenset[str] = frozenset({"api_token"})

API_ROUTES: list[Route] = [
    Route("api_token", EVERYONE, "post", data=_token_request, api=True, note="open: no token"),
    Route("product-list", EVERYONE, api=True, note="catalog.view_product"),
    Route(
        "product-list",
        ADD_PRODUCT,
        "post",
        data=lambda: {"item_no": f"N{next(_numbers)}", "title": "新款"},
        api=True,
        note="catalog.add_product",
    ),
    Route(
        "product-detail",
        EVERYONE,
        kwargs=lambda: {"item_no": _product().item_no},
        api=True,
        note="catalog.view_product",
    ),
    Route(
        "product-detail",
        CHANGE_PRODUCT,
        "patch",
        kwargs=lambda: {"item_no": _product().item_no},
        data=lambda: {"title": "改过的标题"},
        api=True,
        note="catalog.change_product",
    ),
    Route("sku-list", EVERYONE, api=True, note="catalog.view_sku"),
    Route(
        "sku-list",
        ADD_SKU,
        "post",
        data=lambda: {
            "merchant_code": f"S{next(_numbers)}",
            "product": _product().item_no,
            "price": "9.90",
        },
        api=True,
        note="catalog.add_sku",
    ),
    Route(
        "sku-detail",
        EVERYONE,
        kwargs=lambda: {"merchant_code": _sku().merchant_code},
        api=True,
        note="catalog.view_sku",
    ),
    Route(
        "sku-detail",
        CHANGE_SKU | roles("promotion", "finance"),
        "patch",
        kwargs=lambda: {"merchant_code": _sku().merchant_code},
        data=dict,
        api=True,
        note="any of change_sku, change_price, change_cost; fields are then checked one by one",
    ),
]

# Stock: every role but the designer reads balances; warehouse and manager post moves.
API_ROUTES += [
    Route(
        "stock-list",
        ALL_ROLES - roles("designer"),
        api=True,
        note="inventory.view_stocklevel",
    ),
    Route(
        "stock-move-list",
        roles("warehouse", "manager"),
        "post",
        data=lambda: {"merchant_code": _sku().merchant_code, "qty": 3, "kind": "receipt"},
        api=True,
        note="inventory.add_stockmove",
    ),
]
