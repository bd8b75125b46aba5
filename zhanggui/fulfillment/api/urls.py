from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from zhanggui.fulfillment.api.views import WaybillViewSet

router = SimpleRouter()
router.register("waybills", WaybillViewSet, basename="waybill")
urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
