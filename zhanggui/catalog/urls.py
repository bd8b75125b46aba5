from django.urls import path

from zhanggui.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("import/", views.ProductListView.as_view(), name="import"),
]
