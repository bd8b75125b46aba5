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


# Purchasing (zhanggui/purchasing/tests/matrix_data.py builds the rows).
SUPPLIERS_READ = roles("manager", "warehouse", "buyer", "finance", "analyst")
SUPPLIERS_WRITE = roles("manager", "buyer")
PURCHASING_READ = roles("manager", "buyer", "warehouse", "finance", "analyst")
PURCHASING_WRITE = roles("manager", "buyer")
RECEIVE = roles("manager", "warehouse")
SUPPLIER_LEDGER = roles("manager", "buyer", "finance", "analyst")
RECORD_PAYMENT = roles("manager", "finance")
REVIEWS_READ = roles("manager", "editor", "buyer", "warehouse")
REVIEW_FLAG = roles("manager", "buyer", "warehouse")
REVIEW_DONE = roles("manager", "editor")


def _purchasing_routes() -> list[Route]:
    from zhanggui.purchasing.tests import matrix_data as m

    p = "purchasing:"
    return [
        Route(p + "supplier_list", SUPPLIERS_READ, note="purchasing.view_supplier"),
        Route(p + "supplier_create", SUPPLIERS_WRITE, note="purchasing.add_supplier"),
        Route(p + "supplier_create", SUPPLIERS_WRITE, method="post", data=m.new_supplier_form),
        Route(p + "supplier_edit", SUPPLIERS_WRITE, kwargs=m.supplier),
        Route(
            p + "supplier_edit",
            SUPPLIERS_WRITE,
            "post",
            kwargs=m.supplier,
            data=m.new_supplier_form,
        ),
        Route(p + "supplier_ledger", SUPPLIER_LEDGER, kwargs=m.supplier),
        Route(p + "supplier_statement", SUPPLIER_LEDGER, kwargs=m.supplier),
        Route(p + "payment_create", RECORD_PAYMENT, kwargs=m.supplier),
        Route(p + "payment_create", RECORD_PAYMENT, "post", kwargs=m.supplier, data=m.payment_form),
        Route(p + "order_list", PURCHASING_READ, note="purchasing.view_purchaseorder"),
        Route(p + "order_detail", PURCHASING_READ, kwargs=m.ordered_order),
        Route(p + "order_create", PURCHASING_WRITE, note="purchasing.add_purchaseorder"),
        Route(p + "order_create", PURCHASING_WRITE, method="post", data=m.order_form),
        Route(p + "order_edit", PURCHASING_WRITE, kwargs=m.draft_order),
        Route(p + "order_edit", PURCHASING_WRITE, "post", kwargs=m.draft_order, data=m.order_form),
        Route(
            p + "order_status",
            PURCHASING_WRITE,
            "post",
            kwargs=m.draft_order,
            data=lambda: {"action": "cancel"},
        ),
        Route(
            p + "order_transport",
            PURCHASING_WRITE,
            "post",
            kwargs=m.ordered_order,
            data=lambda: {"transport_cost": "5"},
        ),
        Route(p + "order_receive", RECEIVE, kwargs=m.ordered_order),
        Route(
            p + "order_receive",
            RECEIVE,
            "post",
            kwargs=m.ordered_order,
            data=lambda: {"warehouse": "main"},
            note="nothing counted: the grid says so",
        ),
        Route(p + "review_create", REVIEW_FLAG, "post", kwargs=m.reorder, data=m.review_form),
        Route(p + "receipt_pdf", PURCHASING_READ, kwargs=m.receipt),
        Route(p + "exchange_list", PURCHASING_READ, note="purchasing.view_exchangelist"),
        Route(p + "exchange_detail", PURCHASING_READ, kwargs=m.exchange),
        Route(p + "exchange_pdf", PURCHASING_READ, kwargs=m.exchange),
        Route(p + "exchange_receive", RECEIVE, "post", kwargs=m.exchange),
        Route(p + "exchange_close", PURCHASING_WRITE, "post", kwargs=m.exchange),
        Route(p + "review_list", REVIEWS_READ, note="purchasing.view_batchreview"),
        Route(p + "review_done", REVIEW_DONE, "post", kwargs=m.review),
    ]


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

# Stock pages (inventory): read by everyone but the designer; moves, warehouses, bins and
# SKU places by warehouse and manager; the stock policy by the manager.
STOCK_READ = ALL_ROLES - roles("designer")
STOCK_WRITE = roles("manager", "warehouse")
STOCK_POLICY = roles("manager")


def _stock_sku() -> Any:
    from zhanggui.catalog import services

    product = services.create_product(
        actor=None,
        data=services.ProductInput(item_no="M-ST", title="矩阵库存"),
        skus=[services.SkuInput(merchant_code="M-ST-S", size="S", price="59")],
    )
    return product.skus.get()


def _stock_bin() -> Any:
    from zhanggui.inventory.models import Bin, Warehouse

    return Bin.objects.create(warehouse=Warehouse.objects.get(code="main"), code="M-01")


def _stock_place() -> dict[str, Any]:
    from zhanggui.inventory.models import SkuBin

    return {"pk": SkuBin.objects.create(sku=_stock_sku(), bin=_stock_bin()).pk}


def _stock_receipt() -> dict[str, Any]:
    code = _stock_sku().merchant_code
    return {"sku": code, "warehouse": "main", "kind": "receipt", "quantity": "3", "reason": "矩阵"}


def _stock_placing() -> dict[str, Any]:
    _stock_bin()
    return {"sku": _stock_sku().merchant_code, "warehouse": "main", "bin": "M-01"}


_POLICY = {
    "window_days": "30",
    "hot_min_units": "30",
    "slow_max_units": "3",
    "warning_hot": "20",
    "warning_steady": "8",
    "warning_slow": "2",
    "safety_hot": "10",
    "safety_steady": "4",
    "safety_slow": "0",
    "review_days": "7",
}
_MAIN = {"name": "主仓", "is_sellable": "on", "is_default": "on", "is_active": "on"}

PAGE_ROUTES += [
    Route("inventory:stock_list", STOCK_READ, note="inventory.view_stocklevel"),
    Route("inventory:sku_stock", STOCK_READ, kwargs=lambda: {"pk": _stock_sku().pk}),
    Route("inventory:alert_list", STOCK_READ),
    Route("inventory:move_list", STOCK_READ),
    Route("inventory:adjust", STOCK_WRITE, note="inventory.add_stockmove"),
    Route("inventory:adjust", STOCK_WRITE, method="post", data=_stock_receipt),
    Route("inventory:transfer", STOCK_WRITE, note="inventory.add_stockmove"),
    Route("inventory:transfer", STOCK_WRITE, method="post", note="empty: the form says so"),
    Route("inventory:policy", STOCK_POLICY, note="inventory.change_stockpolicy"),
    Route("inventory:policy", STOCK_POLICY, method="post", data=lambda: dict(_POLICY)),
    Route("inventory:warehouse_list", STOCK_READ),
    Route("inventory:warehouse_create", STOCK_WRITE, note="inventory.add_warehouse"),
    Route(
        "inventory:warehouse_create",
        STOCK_WRITE,
        method="post",
        data=lambda: {"code": "m-wh", "name": "矩阵仓", "is_sellable": "on", "is_active": "on"},
    ),
    Route("inventory:warehouse_detail", STOCK_READ, kwargs=lambda: {"code": "main"}),
    Route(
        "inventory:warehouse_edit",
        STOCK_WRITE,
        kwargs=lambda: {"code": "main"},
        note="inventory.change_warehouse",
    ),
    Route(
        "inventory:warehouse_edit",
        STOCK_WRITE,
        method="post",
        kwargs=lambda: {"code": "main"},
        data=lambda: dict(_MAIN),
    ),
    Route(
        "inventory:bin_create",
        STOCK_WRITE,
        method="post",
        kwargs=lambda: {"code": "main"},
        data=lambda: {"code": "A-01"},
        note="inventory.add_bin",
    ),
    Route("inventory:bin_detail", STOCK_READ, kwargs=lambda: {"pk": _stock_bin().pk}),
    Route(
        "inventory:bin_edit",
        STOCK_WRITE,
        method="post",
        kwargs=lambda: {"pk": _stock_bin().pk},
        data=lambda: {"code": "M-02"},
        note="inventory.change_bin",
    ),
    Route("inventory:place_sku", STOCK_WRITE, note="inventory.add_skubin"),
    Route("inventory:place_sku", STOCK_WRITE, method="post", data=_stock_placing),
    Route(
        "inventory:place_primary",
        STOCK_WRITE,
        method="post",
        kwargs=_stock_place,
        note="inventory.change_skubin",
    ),
    Route(
        "inventory:place_remove",
        STOCK_WRITE,
        method="post",
        kwargs=_stock_place,
        note="inventory.delete_skubin",
    ),
]

PAGE_ROUTES += _purchasing_routes()

# Stocktakes: warehouse and manager count; the manager posts; finance reads the variance.
STOCKTAKE_READ = roles("manager", "warehouse", "finance")
STOCKTAKE_COUNT = roles("manager", "warehouse")
STOCKTAKE_POST = roles("manager")
# The replenishment list: buyer and manager make it and order from it; the analyst reads.
REPLENISHMENT_READ = roles("manager", "buyer", "analyst")
REPLENISHMENT_RUN = roles("manager", "buyer")


def _stocktake(start: bool) -> dict[str, Any]:
    from zhanggui.inventory import stocktakes
    from zhanggui.inventory.models import Warehouse

    main = Warehouse.objects.get(code="main")
    stocktake = stocktakes.create_stocktake(actor=None, warehouse_id=main.pk)
    if start:
        stocktakes.start_counting(actor=None, stocktake_id=stocktake.pk)
    return {"pk": stocktake.pk}


def _replenishment_run() -> dict[str, Any]:
    from zhanggui.purchasing.replenishment import compute_replenishment

    return {"pk": compute_replenishment(actor=None).pk}


def _stocktake_routes() -> list[Route]:
    from zhanggui.inventory.models import Warehouse

    draft, counting = (lambda: _stocktake(False)), (lambda: _stocktake(True))
    s, r = "stocktakes:", "replenishment:"
    return [
        Route(s + "list", STOCKTAKE_READ, note="inventory.view_stocktake"),
        Route(s + "create", roles("manager", "warehouse"), note="inventory.add_stocktake"),
        Route(
            s + "create",
            roles("manager", "warehouse"),
            method="post",
            data=lambda: {"warehouse": str(Warehouse.objects.get(code="main").pk), "blind": "on"},
        ),
        Route(s + "detail", STOCKTAKE_READ, kwargs=draft),
        Route(s + "start", STOCKTAKE_COUNT, method="post", kwargs=draft),
        Route(s + "count", STOCKTAKE_COUNT, kwargs=counting, note="inventory.change_stocktake"),
        Route(
            s + "count",
            STOCKTAKE_COUNT,
            method="post",
            kwargs=counting,
            data=lambda: {"code": _product().skus.get().merchant_code},
        ),
        Route(s + "sheet", STOCKTAKE_COUNT, kwargs=counting),
        Route(s + "import", STOCKTAKE_COUNT, kwargs=counting),
        Route(s + "import", STOCKTAKE_COUNT, method="post", kwargs=counting, note="no file"),
        Route(s + "variance", STOCKTAKE_READ, kwargs=counting),
        Route(s + "post", STOCKTAKE_POST, method="post", kwargs=counting),
        Route(s + "cancel", STOCKTAKE_POST, method="post", kwargs=draft),
        Route(r + "list", REPLENISHMENT_READ, note="purchasing.view_replenishmentrun"),
        Route(r + "compute", REPLENISHMENT_RUN, method="post"),
        Route(r + "detail", REPLENISHMENT_READ, kwargs=_replenishment_run),
        Route(r + "export", REPLENISHMENT_READ, kwargs=_replenishment_run),
        Route(
            r + "convert",
            REPLENISHMENT_RUN,
            method="post",
            kwargs=_replenishment_run,
            note="also purchasing.add_purchaseorder",
        ),
    ]


PAGE_ROUTES += _stocktake_routes()
