from django.contrib import admin

from zhanggui.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["buyer_nick", "channel", "name", "phone", "province", "city", "last_order_at"]
    list_filter = ["channel", "province"]
    search_fields = ["buyer_nick", "name", "phone", "address"]
    date_hierarchy = "last_order_at"
