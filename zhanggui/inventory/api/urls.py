from rest_framework.routers import SimpleRouter

from zhanggui.inventory.api.views import StockMoveViewSet, StockViewSet

router = SimpleRouter()
router.register("stock/moves", StockMoveViewSet, basename="stock-move")
router.register("stock", StockViewSet, basename="stock")
urlpatterns = router.urls
