from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import Conflict, NotFound


class PoolExhausted(Conflict):
    """The courier's pool has no tracking number left: import the next allocation."""

    code = "pool_exhausted"
    default_message = _("No tracking numbers left for this courier; import more.")


class NumberAlreadyUsed(Conflict):
    code = "tracking_no_used"
    default_message = _("This tracking number is already used.")


class CourierNotFound(NotFound):
    code = "courier_not_found"
    default_message = _("No such courier.")


class CourierCannotReach(Conflict):
    code = "courier_cannot_reach"
    default_message = _("This courier cannot deliver to the receiver's address.")
