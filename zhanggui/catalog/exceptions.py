from __future__ import annotations

from zhanggui.core.errors import Conflict, NotFound


class ProductNotFound(NotFound):
    code = "product_not_found"


class SkuNotFound(NotFound):
    code = "sku_not_found"


class DuplicateCode(Conflict):
    code = "duplicate"
