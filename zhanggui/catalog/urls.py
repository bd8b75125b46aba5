from django.urls import path

from zhanggui.catalog import views_files, views_images, views_products, views_skus

app_name = "catalog"
urlpatterns = [
    path("products/", views_products.ProductListView.as_view(), name="product_list"),
    # Before the item-number routes: "new" is not an item number here.
    path("products/new/", views_products.ProductCreateView.as_view(), name="product_create"),
    path(
        "products/<str:item_no>/", views_products.ProductDetailView.as_view(), name="product_detail"
    ),
    path(
        "products/<str:item_no>/edit/",
        views_products.ProductEditView.as_view(),
        name="product_edit",
    ),
    path("products/<str:item_no>/skus/new/", views_skus.SkuCreateView.as_view(), name="sku_create"),
    path(
        "products/<str:item_no>/listings/",
        views_skus.ListingStatusView.as_view(),
        name="listing_status",
    ),
    path(
        "products/<str:item_no>/images/",
        views_images.ImageUploadView.as_view(),
        name="image_upload",
    ),
    path("images/<int:pk>/move/", views_images.ImageMoveView.as_view(), name="image_move"),
    path("images/<int:pk>/delete/", views_images.ImageDeleteView.as_view(), name="image_delete"),
    path("skus/", views_skus.SkuListView.as_view(), name="sku_list"),
    path("skus/<int:pk>/edit/", views_skus.SkuEditView.as_view(), name="sku_edit"),
    path("import/", views_files.ImportView.as_view(), name="import"),
    path("export/", views_files.ExportView.as_view(), name="export"),
]
