"""Back-office views of the catalog. Audited fields (prices, costs, titles) change only
through the operator pages, the API or imports, which all audit; here they are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhanggui.catalog.models import Category, Listing, Product, ProductImage, Sku


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name"]


class SkuInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Sku
    fields = ["merchant_code", "color", "size", "barcode", "price", "vip_price", "weight_g"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["item_no", "title", "category", "product_line", "is_hero", "created_at"]
    list_filter = ["product_line", "is_hero", "category"]
    search_fields = ["item_no", "title"]
    inlines = [SkuInline]


@admin.register(Sku)
class SkuAdmin(ReadOnlyAdmin):
    list_display = ["merchant_code", "product", "color", "size", "barcode", "price", "weight_g"]
    search_fields = ["merchant_code", "barcode", "product__item_no"]
    list_select_related = ["product"]


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["product", "shop", "status", "channel_item_id"]
    list_filter = ["status", "shop"]
    list_select_related = ["product", "shop"]


@admin.register(ProductImage)
class ProductImageAdmin(ReadOnlyAdmin):
    list_display = ["name", "product", "sequence", "width", "height"]
    list_select_related = ["product"]
