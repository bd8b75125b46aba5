"""The store team's roles (DOMAIN.md §1) and what each may do.

Each role is a Django group holding exactly these permissions; a person may hold several
roles. This table is the single source of truth: `sync_role_groups` makes the groups match
it, and the permission-matrix test checks every page and endpoint against it.
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    # The "role" context keeps a role's name apart from the same English word elsewhere
    # (the warehouse role is 仓管, a warehouse is 仓库; the buyer role is 采购, a buyer 买家).
    MANAGER = "manager", pgettext_lazy("role", "Manager")
    CS_PRESALE = "cs_presale", pgettext_lazy("role", "Customer service (pre-sale)")
    CS_AFTERSALE = "cs_aftersale", pgettext_lazy("role", "Customer service (after-sale)")
    DESIGNER = "designer", pgettext_lazy("role", "Designer")
    EDITOR = "editor", pgettext_lazy("role", "Editor")
    PROMOTION = "promotion", pgettext_lazy("role", "Promotion")
    WAREHOUSE = "warehouse", pgettext_lazy("role", "Warehouse")
    BUYER = "buyer", pgettext_lazy("role", "Buyer")
    FINANCE = "finance", pgettext_lazy("role", "Finance")
    ANALYST = "analyst", pgettext_lazy("role", "Analyst")


# Group names are the role codes, so they read the same in every language.
CATALOG_READ: Final = frozenset(
    {"catalog.view_product", "catalog.view_sku", "catalog.view_listing"}
)
VIEW_COST: Final = "catalog.view_cost"
CHANGE_COST: Final = "catalog.change_cost"
CHANGE_PRICE: Final = "catalog.change_price"
VIEW_AUDIT: Final = "core.view_auditentry"

SUPPLIERS_READ: Final = frozenset({"purchasing.view_supplier"})
SUPPLIERS_WRITE: Final = SUPPLIERS_READ | {"purchasing.add_supplier", "purchasing.change_supplier"}
CUSTOMERS_READ: Final = frozenset({"customers.view_customer"})

ROLE_PERMISSIONS: Final[dict[Role, frozenset[str]]] = {
    Role.MANAGER: CATALOG_READ
    | {
        "catalog.add_product",
        "catalog.change_product",
        "catalog.delete_product",
        "catalog.add_sku",
        "catalog.change_sku",
        "catalog.change_listing",
        "catalog.manage_images",
        "catalog.import_catalog",
        "catalog.export_catalog",
        CHANGE_PRICE,
        VIEW_COST,
        CHANGE_COST,
        VIEW_AUDIT,
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "purchasing.delete_supplier",
        "customers.add_customer",
        "customers.change_customer",
        "customers.delete_customer",
    }
    | SUPPLIERS_WRITE
    | CUSTOMERS_READ,
    Role.CS_PRESALE: CATALOG_READ
    | CUSTOMERS_READ
    | {"customers.add_customer", "customers.change_customer"},
    Role.CS_AFTERSALE: CATALOG_READ | CUSTOMERS_READ | {"customers.change_customer"},
    Role.DESIGNER: CATALOG_READ | {"catalog.manage_images"},
    Role.EDITOR: CATALOG_READ
    | {
        "catalog.add_product",
        "catalog.change_product",
        "catalog.add_sku",
        "catalog.change_sku",
        "catalog.change_listing",
        "catalog.manage_images",
        "catalog.import_catalog",
        "catalog.export_catalog",
    },
    Role.PROMOTION: CATALOG_READ | CUSTOMERS_READ | {CHANGE_PRICE},
    # Warehouse weighs and labels SKUs but never sees what they cost.
    Role.WAREHOUSE: CATALOG_READ | SUPPLIERS_READ | {"catalog.change_sku"},
    Role.BUYER: CATALOG_READ
    | {
        "catalog.add_product",
        "catalog.add_sku",
        "catalog.change_sku",
        "catalog.import_catalog",
        "catalog.export_catalog",
        VIEW_COST,
        CHANGE_COST,
    }
    | SUPPLIERS_WRITE,
    Role.FINANCE: CATALOG_READ
    | SUPPLIERS_READ
    | CUSTOMERS_READ
    | {VIEW_COST, CHANGE_COST, "catalog.export_catalog", VIEW_AUDIT},
    Role.ANALYST: CATALOG_READ
    | SUPPLIERS_READ
    | CUSTOMERS_READ
    | {VIEW_COST, "catalog.export_catalog", VIEW_AUDIT},
}

# Editing a SKU opens to any of these; each field group then needs its own permission
# (identity and weight: change_sku, prices: change_price, cost: change_cost).
SKU_EDIT_PERMISSIONS: Final = ("catalog.change_sku", CHANGE_PRICE, CHANGE_COST)

# Audited fields that only some roles may read, in the audit trail as on the record.
SENSITIVE_FIELDS: Final[dict[str, str]] = {"cost_price": VIEW_COST}

# Purchasing (采购): orders, receiving with quality check, supplier exchanges, the supplier
# ledger, batch reviews. Warehouse receives and counts but never sees what goods cost.
PURCHASING_READ: Final = frozenset(
    {"purchasing.view_purchaseorder", "purchasing.view_exchangelist"}
)
PURCHASING_WRITE: Final = frozenset(
    {"purchasing.add_purchaseorder", "purchasing.change_purchaseorder"}
)
RECEIVING: Final = frozenset({"purchasing.receive_purchaseorder", "purchasing.receive_exchange"})
CLOSE_EXCHANGE: Final = "purchasing.close_exchangelist"
SUPPLIER_LEDGER: Final = "purchasing.view_supplier_ledger"
RECORD_PAYMENT: Final = "purchasing.record_payment"
REVIEWS_READ: Final = "purchasing.view_batchreview"
REVIEW_FLAG: Final = "purchasing.add_batchreview"
REVIEW_DONE: Final = "purchasing.change_batchreview"
_PURCHASING: Final[dict[Role, frozenset[str]]] = {
    Role.MANAGER: PURCHASING_READ
    | PURCHASING_WRITE
    | RECEIVING
    | {CLOSE_EXCHANGE, SUPPLIER_LEDGER, RECORD_PAYMENT, REVIEWS_READ, REVIEW_FLAG, REVIEW_DONE},
    Role.BUYER: PURCHASING_READ
    | PURCHASING_WRITE
    | {CLOSE_EXCHANGE, SUPPLIER_LEDGER, REVIEWS_READ, REVIEW_FLAG},
    Role.WAREHOUSE: PURCHASING_READ | RECEIVING | {REVIEWS_READ, REVIEW_FLAG},
    Role.FINANCE: PURCHASING_READ | {SUPPLIER_LEDGER, RECORD_PAYMENT},
    Role.ANALYST: PURCHASING_READ | {SUPPLIER_LEDGER},
    Role.EDITOR: frozenset({REVIEWS_READ, REVIEW_DONE}),
}
for _role, _names in _PURCHASING.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names
SENSITIVE_FIELDS.update({"unit_cost": VIEW_COST, "transport_cost": VIEW_COST})

# Stock (库存): everyone who answers "有货吗", lists, buys, packs or reports reads balances;
# the designer works on images only. Only warehouse and manager post moves by hand.
VIEW_STOCK: Final = "inventory.view_stocklevel"
POST_STOCK_MOVES: Final = "inventory.add_stockmove"
for _role in Role:
    if _role != Role.DESIGNER:
        ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {VIEW_STOCK}
for _role in (Role.WAREHOUSE, Role.MANAGER):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {POST_STOCK_MOVES}

# Warehouses, bins and where SKUs sit are kept by the warehouse team and the manager; the
# stock policy (velocity thresholds, warning levels, safety stock) is the manager's call.
MANAGE_WAREHOUSES: Final = frozenset(
    {
        "inventory.add_warehouse",
        "inventory.change_warehouse",
        "inventory.add_bin",
        "inventory.change_bin",
        "inventory.add_skubin",
        "inventory.change_skubin",
        "inventory.delete_skubin",
    }
)
CHANGE_STOCK_POLICY: Final = "inventory.change_stockpolicy"
for _role in (Role.WAREHOUSE, Role.MANAGER):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | MANAGE_WAREHOUSES
ROLE_PERMISSIONS[Role.MANAGER] = ROLE_PERMISSIONS[Role.MANAGER] | {CHANGE_STOCK_POLICY}

# Stocktakes (盘点): warehouse and manager create and count; only the manager posts the
# differences or cancels; finance reads the variance with its cost value.
STOCKTAKE_COUNT: Final = frozenset(
    {"inventory.view_stocktake", "inventory.add_stocktake", "inventory.change_stocktake"}
)
POST_STOCKTAKE: Final = "inventory.post_stocktake"
# The weekly replenishment list (补货需求表): buyer and manager run it and turn it into
# draft purchase orders; the analyst reads it.
REPLENISHMENT_READ: Final = "purchasing.view_replenishmentrun"
REPLENISHMENT_RUN: Final = "purchasing.add_replenishmentrun"
_STOCKTAKE_AND_REPLENISHMENT: Final[dict[Role, frozenset[str]]] = {
    Role.MANAGER: STOCKTAKE_COUNT | {POST_STOCKTAKE, REPLENISHMENT_READ, REPLENISHMENT_RUN},
    Role.WAREHOUSE: STOCKTAKE_COUNT,
    Role.FINANCE: frozenset({"inventory.view_stocktake"}),
    Role.BUYER: frozenset({REPLENISHMENT_READ, REPLENISHMENT_RUN}),
    Role.ANALYST: frozenset({REPLENISHMENT_READ}),
}
for _role, _names in _STOCKTAKE_AND_REPLENISHMENT.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names

# Orders (订单): customer service reviews, holds, merges and splits; the warehouse ships;
# finance and the analyst read. Review rules are the manager's; the channel sync's state is
# visible to those who would act on a failure.
VIEW_ORDERS: Final = "orders.view_order"
CHANGE_ORDERS: Final = "orders.change_order"
REVIEW_ORDERS: Final = "orders.review_order"
IMPORT_ORDERS: Final = "orders.import_orders"
SHIP_ORDERS: Final = "orders.ship_order"
MANAGE_REVIEW_RULES: Final = "orders.manage_review_rules"
MAP_MERCHANT_CODES: Final = "orders.add_merchantcodemapping"
VIEW_SYNC: Final = "channels.view_sync"
RUN_SYNC: Final = "channels.run_sync"
FAILED_DEALS: Final = frozenset({"customers.view_faileddeal", "customers.add_faileddeal"})
_CUSTOMER_SERVICE: Final = frozenset(
    {VIEW_ORDERS, CHANGE_ORDERS, REVIEW_ORDERS, VIEW_SYNC} | FAILED_DEALS
)
_ORDERS: Final[dict[Role, frozenset[str]]] = {
    Role.MANAGER: _CUSTOMER_SERVICE
    | {IMPORT_ORDERS, SHIP_ORDERS, MANAGE_REVIEW_RULES, MAP_MERCHANT_CODES, RUN_SYNC},
    Role.CS_PRESALE: _CUSTOMER_SERVICE | {IMPORT_ORDERS, MAP_MERCHANT_CODES, RUN_SYNC},
    Role.CS_AFTERSALE: _CUSTOMER_SERVICE,
    Role.WAREHOUSE: frozenset({VIEW_ORDERS, SHIP_ORDERS}),
    Role.FINANCE: frozenset({VIEW_ORDERS}),
    Role.ANALYST: frozenset({VIEW_ORDERS, VIEW_SYNC}),
}
for _role, _names in _ORDERS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names

# Shipping (发货): the warehouse prints, packs, ships and hands over; couriers, prices and
# number pools are kept by the warehouse and the manager; finance reconciles the monthly
# bill; after-sales opens claims; customer service and the analyst read parcels.
VIEW_PARCELS: Final = frozenset({"fulfillment.view_parcel", "fulfillment.view_courier"})
PRINT_LABELS: Final = "fulfillment.print_labels"
PACK_PARCELS: Final = "fulfillment.pack_parcel"
MANAGE_COURIERS: Final = "fulfillment.manage_couriers"
RECONCILE_BILLS: Final = "fulfillment.reconcile_bills"
MANAGE_CLAIMS: Final = "fulfillment.manage_claims"
_SHIPPING: Final[dict[Role, frozenset[str]]] = {
    Role.MANAGER: VIEW_PARCELS
    | {PRINT_LABELS, PACK_PARCELS, MANAGE_COURIERS, RECONCILE_BILLS, MANAGE_CLAIMS},
    Role.WAREHOUSE: VIEW_PARCELS | {PRINT_LABELS, PACK_PARCELS, MANAGE_COURIERS, MANAGE_CLAIMS},
    Role.FINANCE: VIEW_PARCELS | {RECONCILE_BILLS},
    Role.CS_PRESALE: VIEW_PARCELS,
    Role.CS_AFTERSALE: VIEW_PARCELS | {MANAGE_CLAIMS},
    Role.ANALYST: VIEW_PARCELS,
}
for _role, _names in _SHIPPING.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _names
