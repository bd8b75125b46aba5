from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, InvalidInput, NotFound


class InsufficientStock(Conflict):
    """A move or reservation would take more than is available. `lines` says where:
    [{"merchant_code", "warehouse", "requested", "available"}]."""

    code = "out_of_stock"
    default_message = _("Not enough stock.")

    def __init__(self, *, lines: list[dict[str, Any]], message: Any = None) -> None:
        super().__init__(message, lines=lines)
        self.lines = lines


class InvalidMove(InvalidInput):
    """A move, transfer or reservation with a bad value; `field` is qty, kind, sku,
    warehouse or bin, as the API names them. A 400 with `fields`, like any bad input."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__({field: [message]})
        self.field = field


class WarehouseNotFound(NotFound):
    code = "warehouse_not_found"


class ReservationClosed(Conflict):
    code = "reservation_closed"
    default_message = _("This reservation was already released or shipped.")


class ReservationMismatch(Conflict):
    """The document already holds an active reservation of this SKU, for another quantity
    or warehouse: release it first rather than have the second request silently ignored."""

    code = "reservation_exists"
    default_message = _("This document already holds a different reservation of this SKU.")
