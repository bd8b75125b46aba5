"""Order pages, one module per area so each stays small."""

from django.urls import URLPattern, URLResolver

from zhanggui.orders import urls_address, urls_imports, urls_pages, urls_review

app_name = "orders"
urlpatterns: list[URLPattern | URLResolver] = [
    *urls_review.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_address.urlpatterns,
    *urls_pages.urlpatterns,
]
