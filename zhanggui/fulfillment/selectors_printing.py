"""Reads of the printing pages: the orders ready for a label, filtered as the warehouse
picks its work (courier, shop, the shipping clock, urgency, paid date), and label batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from django.db.models import Count, QuerySet
from django.utils import timezone

from zhanggui.fulfillment.models import Courier, LabelBatch, LabelBatchEntry
from zhanggui.fulfillment.services.printing import sizes_of
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.sla import SHANGHAI, due_today_paid_before, overdue_paid_before

NO_COURIER: Final = "-"  # the courier filter's value for "not chosen yet"
DUE_TODAY: Final = "due_today"
OVERDUE: Final = "overdue"


@dataclass(frozen=True)
class PrintFilters:
    courier: str = ""  # a courier code, NO_COURIER, or "" for any
    shop_id: int | None = None
    sla: str = ""  # DUE_TODAY, OVERDUE or ""
    urgent: bool = False
    paid_from: date | None = None
    paid_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def printable_orders(filters: PrintFilters, now: datetime | None = None) -> QuerySet[Order]:
    """Approved orders without holds that carry their own parcel (not merged into another)
    and have no label yet: urgent ones first, then the longest paid."""
    now = now or timezone.now()
    orders = Order.objects.select_related("shop").filter(
        status=OrderStatus.APPROVED, hold_reasons="", merged_into__isnull=True
    )
    if filters.courier == NO_COURIER:
        orders = orders.filter(courier="")
    elif filters.courier:
        orders = orders.filter(courier=filters.courier)
    if filters.shop_id:
        orders = orders.filter(shop_id=filters.shop_id)
    if filters.sla == DUE_TODAY:
        orders = orders.filter(paid_at__lt=due_today_paid_before(now))
    elif filters.sla == OVERDUE:
        orders = orders.filter(paid_at__lt=overdue_paid_before(now))
    if filters.urgent:
        orders = orders.filter(is_urgent=True)
    if filters.paid_from:
        orders = orders.filter(paid_at__gte=_day_start(filters.paid_from))
    if filters.paid_to:
        orders = orders.filter(paid_at__lt=_day_start(filters.paid_to + timedelta(days=1)))
    return orders.order_by("-is_urgent", "paid_at", "pk")


def label_sizes(courier_code: str = "") -> list[str]:
    """The sizes the chosen courier prints, or those of every active courier."""
    couriers = Courier.objects.filter(is_active=True)
    if courier_code and courier_code != NO_COURIER:
        couriers = couriers.filter(code=courier_code)
    sizes: dict[str, None] = {}
    for courier in couriers:
        sizes.update(dict.fromkeys(sizes_of(courier)))
    return list(sizes)


def list_batches() -> QuerySet[LabelBatch]:
    return (
        LabelBatch.objects.select_related("created_by")
        .annotate(labels=Count("entries"))
        .order_by("-created_at", "-pk")
    )


def batch_entries(batch: LabelBatch) -> QuerySet[LabelBatchEntry]:
    return (
        LabelBatchEntry.objects.filter(batch=batch)
        .select_related("parcel", "parcel__courier", "parcel__order")
        .order_by("page")
    )
