"""The receiver-text parser of the order pages (included in the `orders` namespace)."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.orders.views_address import parse_address_view

urlpatterns: list[URLPattern | URLResolver] = [
    path("parse-address/", parse_address_view, name="parse_address"),
]
