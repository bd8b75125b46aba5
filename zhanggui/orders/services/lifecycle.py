"""An order's way from review to shipping: approve (allocate stock), hold, close, ship.

Every status change is audited and every decision says who or which rule made it and why.
Stock is only ever touched through the ledger's reservation services."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.inventory import reservations_bulk
from zhanggui.inventory import services as stock
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import Reservation, ReservationStatus
from zhanggui.orders.exceptions import (
    OrderBlocked,
    OrderNotFound,
    OrderOutOfStock,
    WrongOrderStatus,
)
from zhanggui.orders.models import (
    ALLOCATED_STATUSES,
    DecisionAction,
    Flag,
    HoldReason,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
    holds_text,
)

RESERVATION_SOURCE = "order_line"
REVIEWABLE = frozenset({OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD})
# Holds a person clears by fixing the order, not by approving over them.
BLOCKING_HOLDS = frozenset({HoldReason.UNMATCHED, HoldReason.ADDRESS_UNRESOLVED, HoldReason.REFUND})


def lock_order(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def decide(
    order: Order, action: str, *, actor: Any = None, rule: str = "", reason: str = ""
) -> OrderDecision:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return OrderDecision.objects.create(
        order=order, action=action, actor=user, rule=rule[:100], reason=str(reason)[:255]
    )


def set_status(actor: Any, order: Order, status: str, *, note: str = "", **fields: Any) -> None:
    """Change the status (and fields that go with it), audited as one change."""
    names = ("status", *fields)
    before = audit.snapshot(order, names)
    order.status = status
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=[*names, "updated_at"])
    audit.record(
        actor=actor,
        instance=order,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(order, names)),
        note=note,
    )


def group_of(order: Order) -> list[Order]:
    """The order and the orders merged into it: they ship as one parcel."""
    # Locks the merged orders by id (in id order), and reads whole rows only when there
    # are some: most orders have none, and a whole order row is costly to read.
    merged = list(
        Order.objects.select_for_update()
        .filter(merged_into=order)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not merged:
        return [order]
    return [order, *Order.objects.filter(pk__in=merged).order_by("pk")]


def _active_reservations(order_ids: Sequence[int]) -> list[Reservation]:
    line_ids = [
        str(pk)
        for pk in OrderLine.objects.filter(order_id__in=order_ids).values_list("pk", flat=True)
    ]
    return list(
        Reservation.objects.filter(
            source_type=RESERVATION_SOURCE, source_id__in=line_ids, status=ReservationStatus.ACTIVE
        ).order_by("pk")
    )


# ---------------------------------------------------------------- review


def mark_paid(*, actor: Any, order: Order) -> None:
    status = OrderStatus.ON_HOLD if order.holds else OrderStatus.TO_REVIEW
    set_status(actor, order, status, note=_("Paid on the channel"))


def hold_order(
    *, actor: Any, order_id: int, reasons: Sequence[str], rule: str = "", reason: str = ""
) -> Order:
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in REVIEWABLE:
            raise WrongOrderStatus()
        set_status(
            actor,
            order,
            OrderStatus.ON_HOLD,
            note=reason,
            hold_reasons=holds_text([*order.holds, *reasons]),
        )
        decide(order, DecisionAction.HOLD, actor=actor, rule=rule, reason=reason)
        return order


def release_holds(
    *, actor: Any, order_id: int, reasons: Sequence[str] | None = None, reason: str = ""
) -> Order:
    """Clear the named holds (all when None); with none left the order is to review again."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in REVIEWABLE:
            raise WrongOrderStatus()
        left = [] if reasons is None else [code for code in order.holds if code not in reasons]
        status = OrderStatus.ON_HOLD if left else OrderStatus.TO_REVIEW
        set_status(actor, order, status, note=reason, hold_reasons=holds_text(left))
        decide(order, DecisionAction.RELEASE, actor=actor, reason=reason)
        return order


def approve_order(
    *, actor: Any, order_id: int, rule: str = "", reason: str = "", force: bool = False
) -> Order:
    """Approve an order and allocate its stock (with the orders merged into it).

    Not enough stock: nothing is reserved, the order goes to the out-of-stock tab with a
    yellow flag, and OrderOutOfStock is raised after that is saved. Approving over
    review holds (a buyer message, a memo...) is a person's decision; blocking holds
    (unmatched lines, an unresolved address, a refund request) must be fixed first."""
    shortage: InsufficientStock | None = None
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status == OrderStatus.APPROVED:
            return order
        if order.status not in REVIEWABLE or order.merged_into_id is not None:
            raise WrongOrderStatus()
        blocking = [code for code in order.holds if code in BLOCKING_HOLDS]
        if blocking and not force:
            raise OrderBlocked(holds=blocking)
        group = group_of(order)
        try:
            with transaction.atomic():
                _reserve_lines(actor, group)
        except InsufficientStock as error:
            shortage = error
        if shortage is None:
            now = timezone.now()
            for member in group:
                set_status(
                    actor,
                    member,
                    OrderStatus.APPROVED,
                    note=reason,
                    hold_reasons="",
                    approved_at=now,
                )
                decide(member, DecisionAction.APPROVE, actor=actor, rule=rule, reason=reason)
            return order
        _mark_out_of_stock(actor, order, shortage)
    raise OrderOutOfStock(lines=shortage.lines)


def _reserve_lines(actor: Any, group: Sequence[Order]) -> None:
    lines = OrderLine.objects.filter(order__in=group).exclude(refund_status=RefundStatus.REFUNDED)
    wanted = sorted(
        lines.values_list("sku_id", "pk", "quantity"), key=lambda row: (row[0] or 0, row[1])
    )
    if any(sku_id is None for sku_id, _pk, _quantity in wanted):
        raise OrderBlocked(holds=[HoldReason.UNMATCHED])
    # All lines in one go, as stock.reserve() for each line in (SKU id, line) order would:
    # the balances are locked together in SKU order (two approvals never deadlock), and
    # the first line that does not fit reserves nothing and is the one reported.
    (result,) = reservations_bulk.reserve_many(
        actor=actor,
        groups=[
            [
                reservations_bulk.ReservationRequest(
                    sku_id, quantity, RESERVATION_SOURCE, str(line_id)
                )
                for sku_id, line_id, quantity in wanted
            ]
        ],
    )
    if not result.is_reserved:
        raise InsufficientStock(lines=result.shortage)


def _mark_out_of_stock(actor: Any, order: Order, shortage: InsufficientStock) -> None:
    set_status(
        actor,
        order,
        OrderStatus.ON_HOLD,
        note=_("Out of stock"),
        hold_reasons=holds_text([*order.holds, HoldReason.OUT_OF_STOCK]),
        flag=Flag.YELLOW,
    )
    codes = ", ".join(f"{line['merchant_code']}×{line['requested']}" for line in shortage.lines)
    decide(order, DecisionAction.OUT_OF_STOCK, actor=actor, reason=codes)


def unapprove_order(*, actor: Any, order_id: int, reason: str = "") -> Order:
    """Take an approved (not yet printed) order back to review, giving its stock back."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != OrderStatus.APPROVED:
            raise WrongOrderStatus()
        group = group_of(order)
        for reservation in _active_reservations([member.pk for member in group]):
            stock.release_reservation(actor=actor, reservation_id=reservation.pk)
        for member in group:
            set_status(actor, member, OrderStatus.TO_REVIEW, note=reason, approved_at=None)
            decide(member, DecisionAction.RELEASE, actor=actor, reason=reason)
        return order


# ---------------------------------------------------------------- refunds, closing


def set_line_refund(
    *, actor: Any, line: OrderLine, refund_status: str, refund_amount: Decimal
) -> None:
    """A refund moved on the channel. Refunded lines give their stock back; a request
    holds the order until customer service has dealt with it."""
    with transaction.atomic():
        order = lock_order(line.order_id)
        before = audit.snapshot(line, ("refund_status", "refund_amount"))
        line.refund_status = refund_status
        line.refund_amount = refund_amount
        line.save(update_fields=["refund_status", "refund_amount"])
        audit.record(
            actor=actor,
            instance=order,
            action=audit.AuditAction.UPDATE,
            changes={
                f"line {line.merchant_code} {name}": change
                for name, change in audit.diff(
                    before, audit.snapshot(line, ("refund_status", "refund_amount"))
                ).items()
            },
        )
        if refund_status == RefundStatus.REFUNDED and order.status in ALLOCATED_STATUSES:
            for reservation in _active_reservations([order.pk]):
                if reservation.source_id == str(line.pk):
                    stock.release_reservation(actor=actor, reservation_id=reservation.pk)
        lines = list(order.lines.all())
        if all(item.refund_status == RefundStatus.REFUNDED for item in lines):
            if order.status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CLOSED):
                close_order(actor=actor, order_id=order.pk, reason=_("Every line refunded"))
            return
        requested = any(item.refund_status == RefundStatus.REQUESTED for item in lines)
        holds = [code for code in order.holds if code != HoldReason.REFUND]
        if requested:
            holds.append(HoldReason.REFUND)
        if holds != order.holds and order.status not in (
            OrderStatus.SHIPPED,
            OrderStatus.COMPLETED,
            OrderStatus.CLOSED,
            OrderStatus.AWAITING_PAYMENT,
        ):
            status = order.status
            if order.status in REVIEWABLE:
                status = OrderStatus.ON_HOLD if holds else OrderStatus.TO_REVIEW
            set_status(actor, order, status, hold_reasons=holds_text(holds))


def close_order(*, actor: Any, order_id: int, reason: str = "") -> Order:
    """Close an order that will not ship (unpaid and cancelled, refunded): its stock goes
    back to available."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status == OrderStatus.CLOSED:
            return order
        if order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
            raise WrongOrderStatus()
        for reservation in _active_reservations([order.pk]):
            stock.release_reservation(actor=actor, reservation_id=reservation.pk)
        Order.objects.filter(merged_into=order).update(merged_into=None)
        set_status(actor, order, OrderStatus.CLOSED, note=reason, closed_at=timezone.now())
        decide(order, DecisionAction.CANCEL, actor=actor, reason=reason)
        return order


def complete_order(*, actor: Any, order_id: int) -> Order:
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status == OrderStatus.SHIPPED:
            set_status(actor, order, OrderStatus.COMPLETED, note=_("Finished on the channel"))
        return order


# ---------------------------------------------------------------- shipping


def ship_order(
    *, actor: Any, order_id: int, courier: str, tracking_no: str, notify_channel: bool = True
) -> Order:
    """Ship an allocated order (with the orders merged into it): the reservations become
    sale moves exactly once, the order is shipped, and the channel is told."""
    courier, tracking_no = courier.strip(), tracking_no.strip()
    if not courier or not tracking_no:
        raise InvalidInput(
            {
                name: [_("This field is required.")]
                for name, value in (("courier", courier), ("tracking_no", tracking_no))
                if not value
            }
        )
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status == OrderStatus.SHIPPED and order.tracking_no == tracking_no:
            return order  # asked twice: shipped once
        if order.status not in ALLOCATED_STATUSES or order.merged_into_id is not None:
            raise WrongOrderStatus()
        if order.holds:
            raise OrderBlocked(holds=order.holds)
        group = group_of(order)
        for reservation in _active_reservations([member.pk for member in group]):
            stock.consume_reservation(actor=actor, reservation_id=reservation.pk, ref=tracking_no)
        now = timezone.now()
        for member in group:
            set_status(
                actor,
                member,
                OrderStatus.SHIPPED,
                courier=courier[:16],
                tracking_no=tracking_no[:40],
                shipped_at=now,
            )
        if notify_channel:
            transaction.on_commit(lambda: _notify_shipment([member.pk for member in group]))
        return order


def _notify_shipment(order_ids: list[int]) -> None:
    """Tell the channel (when the shop has a channel connection); a failure is retried by
    the sync, never undoes the shipment."""
    from zhanggui.channels import hooks

    hooks.shipment_posted(order_ids)


def mark_shipped_on_channel(
    *, actor: Any, order: Order, courier: str = "", tracking_no: str = ""
) -> None:
    """The channel says the order left, but not through us. Allocated stock ships from its
    reservations; an order never allocated was shipped outside Zhanggui and posts no stock
    (a stocktake will show it), which the decision records."""
    with transaction.atomic():
        order = lock_order(order.pk)
        if order.status in ALLOCATED_STATUSES:
            for reservation in _active_reservations([order.pk]):
                stock.consume_reservation(
                    actor=actor, reservation_id=reservation.pk, ref=tracking_no[:100]
                )
        else:
            decide(
                order,
                DecisionAction.NOTE,
                actor=actor,
                reason=_("Shipped outside Zhanggui: no stock was posted."),
            )
        set_status(
            actor,
            order,
            OrderStatus.SHIPPED,
            note=_("Shipped on the channel"),
            courier=courier[:16] or order.courier,
            tracking_no=tracking_no[:40] or order.tracking_no,
            shipped_at=timezone.now(),
        )


# ---------------------------------------------------------------- flags and memos


def set_flag(
    *, actor: Any, order_id: int, flag: str, memo: str | None = None, rule: str = ""
) -> Order:
    if flag not in Flag.values:
        raise InvalidInput({"flag": [_("Unknown flag.")]})
    with transaction.atomic():
        order = lock_order(order_id)
        before = audit.snapshot(order, ("flag", "seller_memo"))
        order.flag = flag
        if memo is not None:
            order.seller_memo = memo
        order.save(update_fields=["flag", "seller_memo", "updated_at"])
        audit.record(
            actor=actor,
            instance=order,
            action=audit.AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(order, ("flag", "seller_memo"))),
        )
        decide(order, DecisionAction.FLAG, actor=actor, rule=rule, reason=str(Flag(flag).label))
        return order
