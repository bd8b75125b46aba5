"""Packing and shipping pages (mounted under /shipping/): the packing station and its two
JSON endpoints, shipping packed parcels, and the parcel list with the shipping clock.
Importing this module registers the warehouse's home-page queues."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.fulfillment import queues  # noqa: F401 (registers the home-page queues)
from zhanggui.fulfillment import views_packing as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pack/", views.PackPageView.as_view(), name="pack"),
    path("pack/scan/", views.PackScanView.as_view(), name="pack_scan"),
    path("pack/finish/", views.PackFinishView.as_view(), name="pack_finish"),
    path("ship/", views.ShipView.as_view(), name="ship"),
    path("parcels/", views.ParcelListView.as_view(), name="parcels"),
]
