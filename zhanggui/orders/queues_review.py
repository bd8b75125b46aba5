"""Home-page work queues of order review (staff.queues), registered on import from
urls_review.py. Each counts exactly the tab (and status) its link opens."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.orders.models import OrderStatus
from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role

CUSTOMER_SERVICE = frozenset({Role.CS_PRESALE, Role.CS_AFTERSALE})
WAREHOUSE = frozenset({Role.WAREHOUSE})


def _count(tab: str, status: str = "") -> Callable[[], int]:
    def count() -> int:
        from zhanggui.orders.review_queue import QueueFilters, count_tab

        return count_tab(tab, QueueFilters(status=status))

    return count


def _url(tab: str, status: str = "") -> Callable[[], str]:
    def url() -> str:
        query = f"?tab={tab}&status={status}" if status else f"?tab={tab}"
        return f"{reverse('orders:review')}{query}"

    return url


for _key, _label, _roles, _tab, _status in (
    ("review_to_review", _("Orders to review"), CUSTOMER_SERVICE, "to_review", ""),
    ("review_on_hold", _("Orders on hold"), CUSTOMER_SERVICE, "on_hold", ""),
    (
        "review_out_of_stock",
        _("Orders out of stock: refund or wait"),
        CUSTOMER_SERVICE,
        "out_of_stock",
        "",
    ),
    (
        "review_overdue",
        _("Orders past the 24-hour shipping promise"),
        CUSTOMER_SERVICE | WAREHOUSE,
        "overdue",
        "",
    ),
    (
        "review_urgent_approved",
        _("Urgent orders to ship today"),
        WAREHOUSE,
        "urgent",
        OrderStatus.APPROVED,
    ),
):
    register(Queue(_key, _label, _roles, _count(_tab, _status), _url(_tab, _status)))
