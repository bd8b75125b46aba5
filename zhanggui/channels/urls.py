from django.urls import URLPattern, URLResolver, path

from zhanggui.channels import views

app_name = "channels"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.SyncStatusView.as_view(), name="status"),
    path("shops/<slug:code>/", views.ShopSyncView.as_view(), name="shop"),
    path("shops/<slug:code>/sync/", views.SyncNowView.as_view(), name="sync_now"),
    path("shops/<slug:code>/connection/", views.ConnectionEditView.as_view(), name="connection"),
    path("failures/<int:pk>/retry/", views.RetryFailureView.as_view(), name="failure_retry"),
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", views.RetryOutboxView.as_view(), name="outbox_retry"),
    path("reconciliations/", views.ReconciliationListView.as_view(), name="reconciliations"),
    path("reconciliations/check/", views.ReconcileView.as_view(), name="reconcile"),
    path(
        "reconciliations/<int:pk>/",
        views.ReconciliationDetailView.as_view(),
        name="reconciliation",
    ),
]
