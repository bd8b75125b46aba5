from django.urls import path

from zhanggui.inventory import stocktake_views as views

app_name = "stocktakes"
urlpatterns = [
    path("", views.StocktakeListView.as_view(), name="list"),
    path("new/", views.StocktakeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.StocktakeDetailView.as_view(), name="detail"),
    path("<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("<int:pk>/count/", views.CountView.as_view(), name="count"),
    path("<int:pk>/sheet/", views.SheetView.as_view(), name="sheet"),
    path("<int:pk>/import/", views.ImportView.as_view(), name="import"),
    path("<int:pk>/variance/", views.VarianceView.as_view(), name="variance"),
    path("<int:pk>/post/", views.PostView.as_view(), name="post"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
]
