from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from zhanggui.core.media import protected_media
from zhanggui.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/", include("zhanggui.config.api_urls")),
    path("", include("zhanggui.staff.urls")),
    path("catalog/", include("zhanggui.catalog.urls")),
    path("stock/stocktakes/", include("zhanggui.inventory.stocktake_urls")),
    path("stock/", include("zhanggui.inventory.urls")),
    path("purchasing/replenishment/", include("zhanggui.purchasing.replenishment_urls")),
    path("purchasing/", include("zhanggui.purchasing.urls")),
    path("orders/", include("zhanggui.orders.urls")),
    path("channels/", include("zhanggui.channels.urls")),
    path("shipping/", include("zhanggui.fulfillment.urls")),
    path("media/<path:path>", protected_media, name="media"),
]
