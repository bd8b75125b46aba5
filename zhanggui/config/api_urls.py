from django.urls import include, path

from zhanggui.staff.api import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api_token"),
    path("", include("zhanggui.catalog.api.urls")),
]
