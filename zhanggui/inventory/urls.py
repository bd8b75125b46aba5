from django.urls import path

from zhanggui.inventory import (
    queues,  # noqa: F401 (registers the stock queues of the home page)
    views_moves,
    views_policy,
    views_stock,
    views_warehouses,
)

app_name = "inventory"
urlpatterns = [
    path("", views_stock.StockListView.as_view(), name="stock_list"),
    path("sku/<int:pk>/", views_stock.SkuStockView.as_view(), name="sku_stock"),
    path("alerts/", views_stock.AlertListView.as_view(), name="alert_list"),
    path("moves/", views_moves.MoveListView.as_view(), name="move_list"),
    path("adjust/", views_moves.AdjustmentView.as_view(), name="adjust"),
    path("transfer/", views_moves.TransferView.as_view(), name="transfer"),
    path("policy/", views_policy.PolicyView.as_view(), name="policy"),
    path("warehouses/", views_warehouses.WarehouseListView.as_view(), name="warehouse_list"),
    # Before the code routes: "new" is not a warehouse code here.
    path(
        "warehouses/new/",
        views_warehouses.WarehouseCreateView.as_view(),
        name="warehouse_create",
    ),
    path(
        "warehouses/<slug:code>/",
        views_warehouses.WarehouseDetailView.as_view(),
        name="warehouse_detail",
    ),
    path(
        "warehouses/<slug:code>/edit/",
        views_warehouses.WarehouseEditView.as_view(),
        name="warehouse_edit",
    ),
    path(
        "warehouses/<slug:code>/bins/",
        views_warehouses.BinCreateView.as_view(),
        name="bin_create",
    ),
    path("bins/<int:pk>/", views_warehouses.BinDetailView.as_view(), name="bin_detail"),
    path("bins/<int:pk>/edit/", views_warehouses.BinEditView.as_view(), name="bin_edit"),
    path("places/", views_warehouses.PlaceView.as_view(), name="place_sku"),
    path(
        "places/<int:pk>/primary/",
        views_warehouses.PlacePrimaryView.as_view(),
        name="place_primary",
    ),
    path(
        "places/<int:pk>/remove/", views_warehouses.PlaceRemoveView.as_view(), name="place_remove"
    ),
]
