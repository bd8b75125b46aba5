from django.urls import path

from zhanggui.purchasing import (
    views_exchanges,
    views_ledger,
    views_orders,
    views_receiving,
    views_reviews,
    views_suppliers,
)

app_name = "purchasing"
urlpatterns = [
    path("suppliers/", views_suppliers.SupplierListView.as_view(), name="supplier_list"),
    path("suppliers/new/", views_suppliers.SupplierCreateView.as_view(), name="supplier_create"),
    path(
        "suppliers/<int:pk>/edit/", views_suppliers.SupplierEditView.as_view(), name="supplier_edit"
    ),
    path(
        "suppliers/<int:pk>/ledger/",
        views_ledger.SupplierLedgerView.as_view(),
        name="supplier_ledger",
    ),
    path(
        "suppliers/<int:pk>/statement/",
        views_ledger.SupplierStatementView.as_view(),
        name="supplier_statement",
    ),
    path(
        "suppliers/<int:pk>/payments/new/",
        views_ledger.PaymentCreateView.as_view(),
        name="payment_create",
    ),
    path("orders/", views_orders.OrderListView.as_view(), name="order_list"),
    path("orders/new/", views_orders.OrderCreateView.as_view(), name="order_create"),
    path("orders/<int:pk>/", views_orders.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/edit/", views_orders.OrderEditView.as_view(), name="order_edit"),
    path("orders/<int:pk>/status/", views_orders.OrderStatusView.as_view(), name="order_status"),
    path(
        "orders/<int:pk>/transport/",
        views_orders.OrderTransportView.as_view(),
        name="order_transport",
    ),
    path("orders/<int:pk>/receive/", views_receiving.ReceiveView.as_view(), name="order_receive"),
    path(
        "orders/<int:pk>/reviews/", views_reviews.ReviewCreateView.as_view(), name="review_create"
    ),
    path("receipts/<int:pk>/pdf/", views_receiving.ReceiptPdfView.as_view(), name="receipt_pdf"),
    path("exchanges/", views_exchanges.ExchangeListView.as_view(), name="exchange_list"),
    path(
        "exchanges/<int:pk>/", views_exchanges.ExchangeDetailView.as_view(), name="exchange_detail"
    ),
    path(
        "exchanges/<int:pk>/receive/",
        views_exchanges.ExchangeReceiveView.as_view(),
        name="exchange_receive",
    ),
    path(
        "exchanges/<int:pk>/close/",
        views_exchanges.ExchangeCloseView.as_view(),
        name="exchange_close",
    ),
    path("exchanges/<int:pk>/pdf/", views_exchanges.ExchangePdfView.as_view(), name="exchange_pdf"),
    path("reviews/", views_reviews.ReviewListView.as_view(), name="review_list"),
    path("reviews/<int:pk>/done/", views_reviews.ReviewDoneView.as_view(), name="review_done"),
]
