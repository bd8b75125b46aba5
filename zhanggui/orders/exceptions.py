from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = _("No such order.")


class WrongOrderStatus(Conflict):
    """The order is not in a status that allows this step (e.g. approving a shipped one)."""

    code = "wrong_status"
    default_message = _("The order's status does not allow this.")


class OrderOutOfStock(Conflict):
    """Approval found too little stock; the order went to the out-of-stock tab and stock is
    untouched. `lines` as the stock ledger reports them."""

    code = "out_of_stock"
    default_message = _("Not enough stock to approve this order.")

    def __init__(self, *, lines: list[dict[str, Any]], message: Any = None) -> None:
        super().__init__(message, lines=lines)
        self.lines = lines


class OrderBlocked(Conflict):
    """The order has open holds a person must clear first (unmatched lines, an address
    that did not resolve, a refund request)."""

    code = "order_held"
    default_message = _("The order is held; clear its holds first.")
