from django.urls import include, path, re_path

from zhanggui.core.api.errors import api_not_found
from zhanggui.staff.api import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api_token"),
    path("", include("zhanggui.catalog.api.urls")),
    path("", include("zhanggui.inventory.api.urls")),
    path("", include("zhanggui.orders.api.urls")),
    path("", include("zhanggui.fulfillment.api.urls")),
    # Last: any other address under /api/v1/ answers a JSON 404, not the HTML page.
    re_path(r"^(?P<path>.*)$", api_not_found),
]
