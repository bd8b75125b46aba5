"""Courier pages: couriers, price tables, places not reached, number pools, settings, and
one order's courier (mounted under /shipping/)."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.fulfillment import views_couriers as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("couriers/", views.CourierListView.as_view(), name="courier_list"),
    # Before the code routes: "new" is not a courier code here.
    path("couriers/new/", views.CourierCreateView.as_view(), name="courier_create"),
    path("couriers/<slug:code>/edit/", views.CourierEditView.as_view(), name="courier_edit"),
    path("couriers/<slug:code>/rates/", views.RateTableView.as_view(), name="courier_rates"),
    path(
        "couriers/<slug:code>/rates/import/",
        views.RateImportView.as_view(),
        name="courier_rates_import",
    ),
    path(
        "couriers/<slug:code>/rates/export/",
        views.RateExportView.as_view(),
        name="courier_rates_export",
    ),
    path(
        "couriers/<slug:code>/exclusions/",
        views.ExclusionsView.as_view(),
        name="courier_exclusions",
    ),
    path(
        "exclusions/<int:pk>/remove/",
        views.ExclusionRemoveView.as_view(),
        name="courier_exclusion_remove",
    ),
    path("couriers/<slug:code>/pool/", views.PoolView.as_view(), name="courier_pool"),
    path("settings/", views.SettingsView.as_view(), name="shipping_settings"),
    path("orders/<int:pk>/courier/", views.OrderCourierView.as_view(), name="order_courier"),
]
