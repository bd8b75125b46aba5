from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from zhanggui.orders.api.views import OrderViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
