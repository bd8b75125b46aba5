"""Back-office views of purchasing, read-only: suppliers, orders, exchanges and the ledger
change only through the operator pages, which audit and post stock moves."""

from __future__ import annotations

from django.contrib import admin

from zhanggui.catalog.admin import ReadOnlyAdmin
from zhanggui.purchasing.models import (
    ExchangeLine,
    ExchangeList,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    Supplier,
    SupplierContact,
    SupplierLedgerEntry,
)


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SupplierContact
    fields = ["name", "position", "phone", "wechat"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ["name", "contact_name", "phone", "city", "lead_time_days", "is_active"]
    list_filter = ["is_active", "province"]
    search_fields = ["name", "contact_name", "phone", "city", "address"]
    inlines = [ContactInline]


class LineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PurchaseOrderLine
    fields = ["sku", "quantity", "unit_cost", "received_quantity", "defective_quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PurchaseOrderEvent
    fields = ["created_at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "supplier", "status", "ordered_at", "expected_on"]
    list_filter = ["status"]
    search_fields = ["number", "supplier__name"]
    inlines = [LineInline, EventInline]


class ExchangeLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ExchangeLine
    fields = ["sku", "quantity", "returned_quantity", "kept_quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ExchangeList)
class ExchangeListAdmin(ReadOnlyAdmin):
    list_display = ["number", "supplier", "status", "created_at", "closed_at"]
    list_filter = ["status"]
    inlines = [ExchangeLineInline]


@admin.register(SupplierLedgerEntry)
class SupplierLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "supplier", "kind", "amount", "purchase_order", "reference"]
    list_filter = ["kind"]
    search_fields = ["supplier__name", "reference"]
