"""The stock work queues of the home page. Registered when this module is imported, which the
inventory URL conf does, so they are there from the first request on."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role


def _count_below_warning() -> int:
    from zhanggui.inventory.alerts import count_stock_alerts

    return count_stock_alerts()


def _below_warning_url() -> str:
    return f"{reverse('inventory:stock_list')}?below_warning=1"


# The manager sees every queue; the buyer decides what to reorder.
register(
    Queue(
        "skus_below_warning_level",
        _("SKUs under their stock warning level"),
        frozenset({Role.BUYER}),
        _count_below_warning,
        _below_warning_url,
    )
)
