"""The stock invariant of orders, checked after every merge and split in the tests."""

from __future__ import annotations

from django.db.models import Sum

from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import ALLOCATED_STATUSES, OrderLine, RefundStatus


def assert_stock_exact() -> None:
    """Per balance: reserved == the active reservations == what allocated orders need,
    and each active reservation is exactly its line's quantity."""
    for level in StockLevel.objects.all():
        active = Reservation.objects.filter(
            sku_id=level.sku_id, warehouse_id=level.warehouse_id, status=ReservationStatus.ACTIVE
        ).aggregate(total=Sum("quantity"))["total"]
        needed = (
            OrderLine.objects.filter(sku_id=level.sku_id, order__status__in=ALLOCATED_STATUSES)
            .exclude(refund_status=RefundStatus.REFUNDED)
            .aggregate(total=Sum("quantity"))["total"]
        )
        assert level.reserved == (active or 0) == (needed or 0), level
    for reservation in Reservation.objects.filter(status=ReservationStatus.ACTIVE):
        line = OrderLine.objects.select_related("order").get(pk=int(reservation.source_id))
        assert reservation.quantity == line.quantity
        assert line.order.status in ALLOCATED_STATUSES
    assert not ledger_differences()
