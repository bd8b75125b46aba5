from django.urls import path

from zhanggui.purchasing import replenishment_views as views

app_name = "replenishment"
urlpatterns = [
    path("", views.RunListView.as_view(), name="list"),
    path("run/", views.ComputeView.as_view(), name="compute"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="detail"),
    path("<int:pk>/export/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/orders/", views.ConvertView.as_view(), name="convert"),
]
