"""The operator pages of the permission matrix (see matrix.py).

Allowed roles are spelled out rather than derived from ROLE_PERMISSIONS, so that a change
to the role table shows up here as a failing page instead of silently following along."""

from __future__ import annotations

from typing import Any

from tests.matrix import ALL_ROLES, Route, roles

# Who holds which catalog permission (staff/roles.py), by the pages that need it.
ADD_PRODUCT = roles("manager", "editor", "buyer")
CHANGE_PRODUCT = roles("manager", "editor")
ADD_SKU = roles("manager", "editor", "buyer")
CHANGE_SKU = roles("manager", "editor", "warehouse", "buyer")
CHANGE_LISTING = roles("manager", "editor")
MANAGE_IMAGES = roles("manager", "editor", "designer")
IMPORT = roles("manager", "editor", "buyer")
EXPORT = roles("manager", "editor", "buyer", "finance", "analyst")
VIEW_AUDIT = roles("manager", "finance", "analyst")


def _product() -> Any:
    from zhanggui.catalog import services

    return services.create_product(
        actor=None,
        data=services.ProductInput(item_no="M-1.a_b", title="矩阵测试宝贝"),
        skus=[services.SkuInput(merchant_code="M-1-S", size="S", price="59")],
    )


def _item_no() -> dict[str, Any]:
    return {"item_no": _product().item_no}


def _sku() -> dict[str, Any]:
    return {"pk": _product().skus.get().pk}


def _image() -> dict[str, Any]:
    from zhanggui.catalog.models import ProductImage

    # Width and height filled in: the ImageField never opens the (absent) file.
    image = ProductImage.objects.create(
        product=_product(),
        image="products/M-1/M-1-01.jpg",
        name="M-1-01.jpg",
        sequence=1,
        width=710,
        height=710,
    )
    return {"pk": image.pk}


def _new_product() -> dict[str, Any]:
    return {
        "item_no": "M-2",
        "title": "矩阵新宝贝",
        "product_line": "profit",
        "skus-TOTAL_FORMS": "1",
        "skus-INITIAL_FORMS": "0",
        "skus-0-merchant_code": "M-2-S",
        "skus-0-size": "S",
        "skus-0-price": "59",
    }


def _listing() -> dict[str, Any]:
    from zhanggui.channels.models import Shop

    shop = Shop.objects.create(channel="taobao", code="m-shop", name="矩阵店")
    return {"shop": str(shop.pk), "status": "on_sale"}


PAGE_ROUTES: list[Route] = [
    Route("home", ALL_ROLES, note="any signed-in person"),
    Route("catalog:product_list", ALL_ROLES, note="catalog.view_product"),
    Route("catalog:product_detail", ALL_ROLES, kwargs=_item_no, note="catalog.view_product"),
    Route("catalog:product_create", ADD_PRODUCT, note="catalog.add_product"),
    Route("catalog:product_create", ADD_PRODUCT, method="post", data=_new_product),
    Route("catalog:product_edit", CHANGE_PRODUCT, kwargs=_item_no, note="catalog.change_product"),
    Route(
        "catalog:product_edit",
        CHANGE_PRODUCT,
        method="post",
        kwargs=_item_no,
        data=lambda: {"title": "矩阵改名", "product_line": "promo"},
    ),
    Route("catalog:sku_list", ALL_ROLES, note="catalog.view_sku"),
    Route("catalog:sku_create", ADD_SKU, kwargs=_item_no, note="catalog.add_sku"),
    Route(
        "catalog:sku_create",
        ADD_SKU,
        method="post",
        kwargs=_item_no,
        data=lambda: {"merchant_code": "M-1-L", "size": "L", "price": "59"},
    ),
    Route(
        "catalog:sku_edit",
        CHANGE_SKU | roles("promotion", "finance"),
        kwargs=_sku,
        note="any of change_sku, change_price, change_cost",
    ),
    Route(
        "catalog:sku_edit",
        CHANGE_SKU | roles("promotion", "finance"),
        method="post",
        kwargs=_sku,
        data=lambda: {"merchant_code": "M-1-S", "size": "S", "price": "59", "weight_g": "250"},
    ),
    Route(
        "catalog:listing_status",
        CHANGE_LISTING,
        method="post",
        kwargs=_item_no,
        data=_listing,
        note="catalog.change_listing",
    ),
    Route(
        "catalog:image_upload",
        MANAGE_IMAGES,
        method="post",
        kwargs=_item_no,
        note="catalog.manage_images; no file: refused with a message",
    ),
    Route(
        "catalog:image_move",
        MANAGE_IMAGES,
        method="post",
        kwargs=_image,
        data=lambda: {"direction": "down"},
    ),
    Route("catalog:image_delete", MANAGE_IMAGES, method="post", kwargs=_image),
    Route("catalog:import", IMPORT, note="catalog.import_catalog"),
    Route("catalog:import", IMPORT, method="post", note="no file: the form says so"),
    Route("catalog:export", EXPORT, note="catalog.export_catalog"),
    Route("audit_list", VIEW_AUDIT, note="core.view_auditentry"),
]
