from django.contrib import admin

from zhanggui.channels.models import Shop


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "code", "is_active"]
    list_filter = ["channel", "is_active"]
