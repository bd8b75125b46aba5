from django.contrib import admin

from zhanggui.purchasing.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "phone", "city", "lead_time_days", "is_active"]
    list_filter = ["is_active", "province"]
    search_fields = ["name", "contact_name", "phone", "city", "address"]
