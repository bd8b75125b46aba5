"""Shipping packed parcels (发货, DOMAIN.md §6): each parcel's order is shipped through the
order lifecycle, which posts the stock-out from the reservations exactly once and tells the
channel the courier and tracking number; the parcel is then shipped.

Every parcel is its own transaction: one that fails (a refund requested after packing, an
order shipped elsewhere under another number) is listed with its reason and leaves nothing
half done, while the others ship."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, DomainError, NotFound
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.services.packing import LEFT_STATUSES, hold_labels
from zhanggui.orders.exceptions import OrderBlocked
from zhanggui.orders.services import lifecycle


class ParcelNotPacked(Conflict):
    code = "parcel_not_packed"
    default_message = gettext_lazy("Only packed parcels are shipped.")


@dataclass
class ShipReport:
    shipped: list[Parcel] = field(default_factory=list)
    already_shipped: list[Parcel] = field(default_factory=list)  # asked twice: shipped once
    failed: list[tuple[str, str]] = field(default_factory=list)  # tracking number, why

    @property
    def count(self) -> int:
        return len(self.shipped)


def ship_parcels(*, actor: Any, parcel_ids: Iterable[int]) -> ShipReport:
    """Ship each packed parcel: its order (with the orders merged into it) is shipped by
    lifecycle.ship_order with the parcel's courier and tracking number, the parcel becomes
    shipped. A parcel already shipped is reported as such and posts nothing again; one that
    cannot ship is listed in `failed` with the reason, and nothing of it changed."""
    report = ShipReport()
    for parcel_id in sorted(set(parcel_ids)):
        try:
            parcel, shipped_now = _ship_one(actor, parcel_id)
        except DomainError as error:
            tracking_no = (
                Parcel.objects.filter(pk=parcel_id).values_list("tracking_no", flat=True).first()
            )
            report.failed.append((tracking_no or f"#{parcel_id}", _reason(error)))
            continue
        (report.shipped if shipped_now else report.already_shipped).append(parcel)
    return report


def ship_packed(*, actor: Any, courier: str | None = None) -> ShipReport:
    """Ship every packed parcel (of one courier, by code, when given)."""
    parcels = Parcel.objects.filter(status=ParcelStatus.PACKED)
    if courier:
        parcels = parcels.filter(courier__code=courier)
    return ship_parcels(actor=actor, parcel_ids=list(parcels.values_list("pk", flat=True)))


def _ship_one(actor: Any, parcel_id: int) -> tuple[Parcel, bool]:
    order_id = Parcel.objects.filter(pk=parcel_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("No such parcel."))
    with transaction.atomic():
        # The order first, then its parcel: the lock order of printing and packing.
        lifecycle.lock_order(order_id)
        parcel = Parcel.objects.select_for_update().select_related("courier").get(pk=parcel_id)
        if parcel.status in LEFT_STATUSES:
            return parcel, False
        if parcel.status != ParcelStatus.PACKED:
            raise ParcelNotPacked(
                _("Not packed yet (%(status)s): scan it at the packing station first.")
                % {"status": parcel.get_status_display()}
            )
        order = lifecycle.ship_order(
            actor=actor,
            order_id=parcel.order_id,
            courier=parcel.courier.code,
            tracking_no=parcel.tracking_no,
        )
        names = ("status", "shipped_at")
        before = audit.snapshot(parcel, names)
        parcel.status = ParcelStatus.SHIPPED
        parcel.shipped_at = order.shipped_at or timezone.now()
        parcel.save(update_fields=[*names, "updated_at"])
        audit.record(
            actor=actor,
            instance=parcel,
            action=audit.AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(parcel, names)),
        )
        return parcel, True


def _reason(error: DomainError) -> str:
    if isinstance(error, OrderBlocked) and error.data.get("holds"):
        return _("the order is on hold (%(holds)s): customer service must clear it first") % {
            "holds": hold_labels(error.data["holds"])
        }
    return str(error.message)
