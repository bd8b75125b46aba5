"""Merging (合单): paid orders of one buyer to one receiver leave as one parcel.

Every order keeps its own lines and its link to its channel order; the orders merged into
another point at it (`merged_into`), and that order (the earliest paid: the parcel order)
carries them all. Approval and shipping act on the parcel order for the whole group
(lifecycle.group_of) and refuse to act on a merged order directly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core.errors import Conflict
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import Reservation, ReservationStatus
from zhanggui.orders.exceptions import OrderNotFound
from zhanggui.orders.models import DecisionAction, Order, OrderLine, OrderStatus, holds_text
from zhanggui.orders.services import lifecycle

# Not yet printed: the parcel is still ours to put together.
MERGEABLE = frozenset({OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED})
RECEIVER_KEY = (
    "receiver_name",
    "receiver_phone",
    "receiver_province",
    "receiver_city",
    "receiver_district",
    "receiver_address",
)
# One parcel: the same shop, the same buyer, the same receiver at the same address.
PARCEL_KEY = ("channel", "shop_id", "buyer_nick", *RECEIVER_KEY)
CANDIDATE_GROUPS = 100


class NotMergeable(Conflict):
    """The orders cannot travel as one parcel (another buyer or receiver, printed, unpaid,
    already merged elsewhere); the message says which and why."""

    code = "not_mergeable"
    default_message = gettext_lazy("These orders cannot be merged.")


@dataclass(frozen=True)
class MergeGroup:
    """Orders offered for merging: the one that would carry the parcel first."""

    orders: list[Order]

    @property
    def parcel(self) -> Order:
        return self.orders[0]

    @property
    def order_ids(self) -> list[int]:
        return [order.pk for order in self.orders]


def parcel_key(order: Order) -> tuple[Any, ...]:
    return tuple(getattr(order, name) for name in PARCEL_KEY)


def _open_parcels() -> QuerySet[Order]:
    """Paid orders not yet printed that are not merged into another order."""
    # "merged_into IS NULL" is true of nearly every order, but SQLite without statistics
    # would answer it through the merged_into index, walking the whole table; as an
    # expression it cannot, and the (status, paid_at) index serves instead.
    not_merged = Exact(Coalesce(F("merged_into_id"), Value(0)), Value(0))
    return Order.objects.filter(not_merged, status__in=MERGEABLE, paid_at__isnull=False).exclude(
        buyer_nick=""
    )


def _earliest_paid(order: Order) -> tuple[Any, int]:
    return (order.paid_at, order.pk)


def merge_candidates(*, limit: int = CANDIDATE_GROUPS) -> list[MergeGroup]:
    """Groups of paid, unprinted, unmerged orders of one buyer to one receiver in one shop,
    oldest payment first; at most `limit` groups. Parts split off one trade are only
    offered together with another trade: splitting them was a decision."""
    keys = list(
        _open_parcels()
        .values(*PARCEL_KEY)
        .annotate(trades=Count("order_no", distinct=True), first_paid=Min("paid_at"))
        .filter(trades__gte=2)
        .order_by("first_paid")[:limit]
    )
    if not keys:
        return []
    wanted = reduce(or_, (Q(**{name: key[name] for name in PARCEL_KEY}) for key in keys))
    grouped: dict[tuple[Any, ...], list[Order]] = {}
    for order in _open_parcels().filter(wanted).select_related("shop"):
        grouped.setdefault(parcel_key(order), []).append(order)
    groups = [
        MergeGroup(orders=sorted(orders, key=_earliest_paid))
        for orders in grouped.values()
        if len({order.order_no for order in orders}) >= 2
    ]
    return sorted(groups, key=lambda group: _earliest_paid(group.parcel))


def count_merge_candidates() -> int:
    return (
        _open_parcels()
        .values(*PARCEL_KEY)
        .annotate(trades=Count("order_no", distinct=True))
        .filter(trades__gte=2)
        .order_by()
        .count()
    )


def _check_mergeable(order: Order) -> None:
    if order.status not in MERGEABLE:
        raise NotMergeable(
            _("Order %(order)s is %(status)s: only orders not yet printed can be merged.")
            % {"order": order, "status": order.get_status_display()}
        )
    if order.paid_at is None:
        raise NotMergeable(_("Order %(order)s is not paid.") % {"order": order})
    if order.merged_into_id is not None:
        raise NotMergeable(
            _("Order %(order)s is already merged into another order; merge that one instead.")
            % {"order": order}
        )
    if not order.buyer_nick:
        raise NotMergeable(_("Order %(order)s has no buyer.") % {"order": order})


def _line_reservations(order_ids: Iterable[int]) -> list[Reservation]:
    line_ids = [
        str(pk)
        for pk in OrderLine.objects.filter(order_id__in=list(order_ids)).values_list(
            "pk", flat=True
        )
    ]
    return list(
        Reservation.objects.filter(
            source_type=lifecycle.RESERVATION_SOURCE,
            source_id__in=line_ids,
            status=ReservationStatus.ACTIVE,
        ).order_by("pk")
    )


def _back_to_review(actor: Any, orders: Sequence[Order], parcel: Order) -> None:
    """Approved orders joining unapproved ones give their stock back: the parcel is then
    approved (and allocated) as one, so reserved stock is always exactly what approved
    orders need."""
    for reservation in _line_reservations(order.pk for order in orders):
        stock.release_reservation(actor=actor, reservation_id=reservation.pk)
    reason = _("Back to review to ship with %(parcel)s") % {"parcel": parcel}
    for order in orders:
        lifecycle.set_status(actor, order, OrderStatus.TO_REVIEW, note=reason, approved_at=None)
        lifecycle.decide(order, DecisionAction.RELEASE, actor=actor, reason=reason)


def merge_orders(
    *, actor: Any, order_ids: Sequence[int], reason: str = "", rule: str = ""
) -> Order:
    """Merge orders into one parcel and return the order that carries it (the earliest
    paid). Orders already carrying others bring them along.

    All approved: stock stays reserved as it is. Approved and unapproved mixed: the
    approved ones go back to review (their reservations released), so the parcel is
    approved as one. Unapproved: the parcel order takes every member's holds, so the
    review of the parcel sees what the members were held for.
    Raises NotMergeable (another buyer or receiver, printed, unpaid, merged elsewhere),
    OrderNotFound."""
    ids = sorted(set(order_ids))
    if len(ids) < 2:
        raise NotMergeable(_("Choose at least two orders to merge."))
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if len(orders) != len(ids):
            raise OrderNotFound()
        for order in orders:
            _check_mergeable(order)
        if len({parcel_key(order) for order in orders}) != 1:
            raise NotMergeable(
                _("Only orders of one buyer to the same receiver in one shop can be merged.")
            )
        members = list(
            Order.objects.select_for_update().filter(merged_into__in=orders).order_by("pk")
        )
        for member in members:
            if member.status not in MERGEABLE:  # e.g. closed inside its parcel
                raise NotMergeable(
                    _("Order %(order)s (%(status)s) is still in a parcel: take it out first.")
                    % {"order": member, "status": member.get_status_display()}
                )
        group = sorted([*orders, *members], key=_earliest_paid)
        parcel, others = group[0], group[1:]
        approved = [order for order in group if order.status == OrderStatus.APPROVED]
        if approved and len(approved) < len(group):
            _back_to_review(actor, approved, parcel)
        note = _("Merged into %(parcel)s") % {"parcel": parcel}
        for order in others:
            lifecycle.set_status(actor, order, order.status, note=note, merged_into=parcel)
            lifecycle.decide(
                order, DecisionAction.MERGE, actor=actor, rule=rule, reason=_join(note, reason)
            )
        if parcel.status != OrderStatus.APPROVED:
            holds = [code for order in group for code in order.holds]
            status = OrderStatus.ON_HOLD if holds else OrderStatus.TO_REVIEW
            lifecycle.set_status(actor, parcel, status, note=reason, hold_reasons=holds_text(holds))
        carries = _("Carries %(orders)s") % {"orders": ", ".join(str(order) for order in others)}
        lifecycle.decide(
            parcel, DecisionAction.MERGE, actor=actor, rule=rule, reason=_join(carries, reason)
        )
        return parcel


def unmerge_order(*, actor: Any, order_id: int, reason: str = "") -> list[Order]:
    """Take a merged order out of its parcel; on the parcel order itself, undo the whole
    merge. Returns the orders taken out. Each keeps its own lines, status and
    reservations (an approved group's orders stay approved, each now its own parcel).
    Raises NotMergeable when nothing is merged or the parcel is already printed."""
    with transaction.atomic():
        first = Order.objects.filter(pk=order_id).first()
        if first is None:
            raise OrderNotFound()
        parcel = lifecycle.lock_order(first.merged_into_id or first.pk)
        group = lifecycle.group_of(parcel)
        if first.pk == parcel.pk:
            detached = group[1:]
        else:
            detached = [order for order in group if order.pk == first.pk]
        if not detached:
            raise NotMergeable(_("This order is not merged with another."))
        if parcel.status not in MERGEABLE:
            raise NotMergeable(_("The parcel is already printed; it can no longer be split up."))
        note = _("Taken out of the parcel of %(parcel)s") % {"parcel": parcel}
        for order in detached:
            lifecycle.set_status(actor, order, order.status, note=note, merged_into=None)
            lifecycle.decide(order, DecisionAction.MERGE, actor=actor, reason=_join(note, reason))
        left = _("No longer carries %(orders)s") % {
            "orders": ", ".join(str(order) for order in detached)
        }
        lifecycle.decide(parcel, DecisionAction.MERGE, actor=actor, reason=_join(left, reason))
        return detached


def _join(what: str, why: str) -> str:
    return f"{what}: {why}" if why else what


def merge_candidates_for(order: Order) -> list[Order]:
    """Other open orders that could travel in this order's parcel (same buyer, receiver
    and shop, paid, not printed, not merged into another)."""
    if (
        order.merged_into_id is not None
        or order.status not in MERGEABLE
        or order.paid_at is None
        or not order.buyer_nick
    ):
        return []
    same = {name: getattr(order, name) for name in PARCEL_KEY}
    return list(_open_parcels().filter(**same).exclude(pk=order.pk).order_by("paid_at", "pk"))
