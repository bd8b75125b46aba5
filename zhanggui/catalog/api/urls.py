from rest_framework.routers import SimpleRouter

from zhanggui.catalog.api.views import ProductViewSet, SkuViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("skus", SkuViewSet, basename="sku")
urlpatterns = router.urls
