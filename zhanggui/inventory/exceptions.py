from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, DomainError, NotFound


class InsufficientStock(Conflict):
    """A move or reservation would take more than is available. `lines` says where:
    [{"merchant_code", "warehouse", "requested", "available"}]."""

    code = "out_of_stock"
    default_message = _("Not enough stock.")


class InvalidMove(DomainError):
    code = "invalid_move"


class WarehouseNotFound(NotFound):
    code = "warehouse_not_found"


class ReservationClosed(Conflict):
    code = "reservation_closed"
    default_message = _("This reservation was already released or shipped.")
