"""Shipping pages, one module per area so each stays small."""

from django.urls import URLPattern, URLResolver

from zhanggui.fulfillment import urls_couriers, urls_dispatch, urls_packing, urls_printing

app_name = "fulfillment"
urlpatterns: list[URLPattern | URLResolver] = [
    *urls_couriers.urlpatterns,
    *urls_printing.urlpatterns,
    *urls_packing.urlpatterns,
    *urls_dispatch.urlpatterns,
]
