"""The store team's roles (DOMAIN.md §1) and what each may do.

Each role is a Django group holding exactly these permissions; a person may hold several
roles. This table is the single source of truth: `sync_role_groups` makes the groups match
it, and the permission-matrix test checks every page and endpoint against it.
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    CS_PRESALE = "cs_presale", _("Customer service (pre-sale)")
    CS_AFTERSALE = "cs_aftersale", _("Customer service (after-sale)")
    DESIGNER = "designer", _("Designer")
    EDITOR = "editor", _("Editor")
    PROMOTION = "promotion", _("Promotion")
    WAREHOUSE = "warehouse", _("Warehouse")
    BUYER = "buyer", _("Buyer")
    FINANCE = "finance", _("Finance")
    ANALYST = "analyst", _("Analyst")


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
