"""The warehouse's shipping clock on the home page (staff.queues), registered on import from
urls_packing.py: orders still in the warehouse (approved, printed or packed) that broke the
24-hour promise, those due today (paid before today's 16:00 cut-off, or urgent), and parcels
packed but not shipped. Each count is one COUNT query and opens the parcel list filtered to
exactly the rows counted.

Order review counts its own tabs (orders/queues_review.py: every open order, review
included); these count only what the warehouse still has to do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.sla import due_today_paid_before, overdue_paid_before
from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role

# In the warehouse: stock reserved, not shipped yet.
IN_WAREHOUSE: Final = (OrderStatus.APPROVED, OrderStatus.PRINTED, OrderStatus.PACKED)
OVERDUE: Final = "overdue"
DUE_TODAY: Final = "due_today"
SLA_FILTERS: Final = (OVERDUE, DUE_TODAY)
WAREHOUSE: Final = frozenset({Role.WAREHOUSE})


def warehouse_orders(sla: str, now: datetime | None = None) -> QuerySet[Order]:
    """Orders the warehouse still has to ship, past their promise (`overdue`: paid more than
    24 h ago) or due today (`due_today`: paid before today's cut-off, or urgent). Orders
    merged into another ship in its parcel and are not counted twice."""
    now = now or timezone.now()
    orders = Order.objects.filter(status__in=IN_WAREHOUSE, merged_into__isnull=True)
    if sla == OVERDUE:
        return orders.filter(paid_at__lt=overdue_paid_before(now))
    if sla == DUE_TODAY:
        return orders.filter(Q(paid_at__lt=due_today_paid_before(now)) | Q(is_urgent=True))
    return orders


def _count_orders(sla: str) -> Callable[[], int]:
    def count() -> int:
        return warehouse_orders(sla).order_by().count()

    return count


def _count_packed() -> int:
    return Parcel.objects.filter(status=ParcelStatus.PACKED).order_by().count()


def _parcels_url(**query: str) -> Callable[[], str]:
    def url() -> str:
        params = "&".join(f"{key}={value}" for key, value in query.items())
        return f"{reverse('fulfillment:parcels')}?{params}"

    return url


register(
    Queue(
        "warehouse_overdue",
        _("Overdue in the warehouse: paid over 24 hours ago, not shipped"),
        WAREHOUSE,
        _count_orders(OVERDUE),
        _parcels_url(sla=OVERDUE),
    )
)
register(
    Queue(
        "warehouse_due_today",
        _("To ship today: paid before the cut-off or urgent, not shipped"),
        WAREHOUSE,
        _count_orders(DUE_TODAY),
        _parcels_url(sla=DUE_TODAY),
    )
)
register(
    Queue(
        "parcels_packed_not_shipped",
        _("Parcels packed, not shipped"),
        WAREHOUSE,
        _count_packed,
        _parcels_url(status=ParcelStatus.PACKED.value),
    )
)
