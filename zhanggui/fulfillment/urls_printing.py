"""Printing pages (mounted under /shipping/): choose orders and print their labels; label
batches with their labels, pick list and packing slips; reprint and cancel labels."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.fulfillment import views_printing as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("print/", views.PrintView.as_view(), name="print"),
    path("batches/", views.BatchListView.as_view(), name="batches"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/labels.pdf", views.BatchLabelsView.as_view(), name="batch_labels"),
    path(
        "batches/<int:pk>/pick-list.pdf",
        views.BatchPickListView.as_view(),
        name="batch_pick_list",
    ),
    path(
        "batches/<int:pk>/pick-list.xlsx",
        views.BatchPickListXlsxView.as_view(),
        name="batch_pick_list_xlsx",
    ),
    path(
        "batches/<int:pk>/packing-slips.pdf",
        views.BatchSlipsView.as_view(),
        name="batch_slips",
    ),
    path("batches/<int:pk>/reprint/", views.BatchReprintView.as_view(), name="batch_reprint"),
    path("parcels/<int:pk>/reprint/", views.LabelReprintView.as_view(), name="label_reprint"),
    path("parcels/<int:pk>/cancel/", views.LabelCancelView.as_view(), name="label_cancel"),
]
