"""The operator menu. Each entry names the permission its page needs, so nobody sees a link
they would be refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    permission: str | None = None


MENU: list[MenuEntry] = [
    MenuEntry(_("Home"), "home"),
    MenuEntry(_("Products"), "catalog:product_list", "catalog.view_product"),
    MenuEntry(_("SKUs"), "catalog:sku_list", "catalog.view_sku"),
    MenuEntry(_("New product"), "catalog:product_create", "catalog.add_product"),
    MenuEntry(_("Import / export"), "catalog:import", "catalog.import_catalog"),
    MenuEntry(_("Stock"), "inventory:stock_list", "inventory.view_stocklevel"),
    MenuEntry(_("Stock moves"), "inventory:move_list", "inventory.view_stocklevel"),
    MenuEntry(_("Warehouses"), "inventory:warehouse_list", "inventory.view_stocklevel"),
    MenuEntry(_("Stock alerts"), "inventory:alert_list", "inventory.view_stocklevel"),
    MenuEntry(_("Stocktakes"), "stocktakes:list", "inventory.view_stocktake"),
    MenuEntry(_("Suppliers"), "purchasing:supplier_list", "purchasing.view_supplier"),
    MenuEntry(_("Purchase orders"), "purchasing:order_list", "purchasing.view_purchaseorder"),
    MenuEntry(_("Replenishment"), "replenishment:list", "purchasing.view_replenishmentrun"),
    MenuEntry(_("Exchange lists"), "purchasing:exchange_list", "purchasing.view_exchangelist"),
    MenuEntry(_("Batch reviews"), "purchasing:review_list", "purchasing.view_batchreview"),
    MenuEntry(_("Audit trail"), "audit_list", "core.view_auditentry"),
    MenuEntry(_("Orders"), "orders:list", "orders.view_order"),
    MenuEntry(_("Merge orders"), "orders:merge_list", "orders.review_order"),
    MenuEntry(_("Buyer messages"), "orders:buyer_messages", "orders.view_order"),
    MenuEntry(_("Failed deals"), "orders:failed_deals", "customers.view_faileddeal"),
    MenuEntry(_("Channel sync"), "channels:status", "channels.view_sync"),
    MenuEntry(_("Channel outbox"), "channels:outbox", "channels.view_sync"),
    MenuEntry(_("Import orders"), "orders:import", "orders.import_orders"),
    MenuEntry(_("Unmatched merchant codes"), "orders:unmatched", "orders.view_order"),
    MenuEntry(_("Couriers"), "fulfillment:courier_list", "fulfillment.view_courier"),
    MenuEntry(
        _("Shipping settings"), "fulfillment:shipping_settings", "fulfillment.manage_couriers"
    ),
    MenuEntry(_("Order review"), "orders:review", "orders.view_order"),
    MenuEntry(_("Packing station"), "fulfillment:pack", "fulfillment.pack_parcel"),
    MenuEntry(_("Ship parcels"), "fulfillment:ship", "orders.ship_order"),
    MenuEntry(_("Parcels"), "fulfillment:parcels", "fulfillment.view_parcel"),
    MenuEntry(_("Print labels"), "fulfillment:print", "fulfillment.print_labels"),
    MenuEntry(_("Label batches"), "fulfillment:batches", "fulfillment.print_labels"),
    MenuEntry(_("Handovers"), "fulfillment:handover_list", "fulfillment.view_parcel"),
    MenuEntry(_("Tracking & claims"), "fulfillment:tracking", "fulfillment.view_parcel"),
    MenuEntry(_("Courier bills"), "fulfillment:bill_list", "fulfillment.reconcile_bills"),
]


def menu_for(user: Any) -> list[dict[str, Any]]:
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "url_name": entry.url_name}
        for entry in MENU
        if entry.permission is None or user.has_perm(entry.permission)
    ]
