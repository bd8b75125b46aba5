"""Dispatch pages (mounted under /shipping/): handovers and stubs, tracking and claims,
courier bills."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.fulfillment import queues_dispatch  # noqa: F401 (registers the home queues)
from zhanggui.fulfillment import views_dispatch_bills as bills
from zhanggui.fulfillment import views_dispatch_handover as handovers
from zhanggui.fulfillment import views_dispatch_tracking as tracking

urlpatterns: list[URLPattern | URLResolver] = [
    path("handovers/", handovers.HandoverListView.as_view(), name="handover_list"),
    path("handovers/new/", handovers.HandoverCreateView.as_view(), name="handover_create"),
    path("handovers/<int:pk>/", handovers.HandoverDetailView.as_view(), name="handover_detail"),
    path(
        "handovers/<int:pk>/checks/",
        handovers.HandoverChecksView.as_view(),
        name="handover_checks",
    ),
    path(
        "handovers/<int:pk>/manifest.pdf",
        handovers.HandoverManifestView.as_view(),
        name="handover_manifest",
    ),
    path("stubs/", handovers.StubsView.as_view(), name="stubs"),
    path("stubs/archive/", handovers.StubsArchiveView.as_view(), name="stubs_archive"),
    path("tracking/", tracking.TrackingView.as_view(), name="tracking"),
    path("tracking/import/", tracking.TrackingImportView.as_view(), name="tracking_import"),
    path(
        "tracking/parcels/<int:pk>/",
        tracking.TrackingParcelView.as_view(),
        name="tracking_parcel",
    ),
    path(
        "tracking/parcels/<int:pk>/undeliverable/",
        tracking.TrackingUndeliverableView.as_view(),
        name="tracking_undeliverable",
    ),
    path(
        "tracking/parcels/<int:pk>/claim/", tracking.ClaimCreateView.as_view(), name="claim_create"
    ),
    path("claims/", tracking.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/", tracking.ClaimDetailView.as_view(), name="claim_detail"),
    path("claims/<int:pk>/status/", tracking.ClaimStatusView.as_view(), name="claim_status"),
    path("claims/<int:pk>/photos/", tracking.ClaimPhotosView.as_view(), name="claim_photos"),
    path("bills/", bills.BillListView.as_view(), name="bill_list"),
    path("bills/import/", bills.BillImportView.as_view(), name="bill_import"),
    path("bills/<int:pk>/", bills.BillDetailView.as_view(), name="bill_detail"),
    path("bills/<int:pk>/export/", bills.BillExportView.as_view(), name="bill_export"),
    path("bills/<int:pk>/rematch/", bills.BillRematchView.as_view(), name="bill_rematch"),
    path("bills/<int:pk>/send/", bills.BillSendView.as_view(), name="bill_send"),
    path("bills/<int:pk>/checked/", bills.BillCheckedView.as_view(), name="bill_checked"),
    path("bills/<int:pk>/delete/", bills.BillDeleteView.as_view(), name="bill_delete"),
]
