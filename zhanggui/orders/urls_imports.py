"""Import pages: upload a channel export; map unknown merchant codes."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.orders import views_imports as imports

urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", imports.ImportOrdersView.as_view(), name="import"),
    path("unmatched/", imports.UnmatchedCodesView.as_view(), name="unmatched"),
    path("unmatched/map/", imports.MapCodeView.as_view(), name="unmatched_map"),
    path("unmatched/skus/", imports.SkuSearchView.as_view(), name="unmatched_skus"),
]
