"""Customer service's edits of an order: the receiver (before the label is printed), the
seller memo, the answer to a buyer message, urgency. Every change is audited."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.orders.exceptions import OrderNotFound, WrongOrderStatus
from zhanggui.orders.models import DecisionAction, HoldReason, Order, OrderStatus, holds_text
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.services.intake import RECEIVER_EDITABLE
from zhanggui.orders.services.receivers import resolve_receiver

# Urgency only matters while the order still has to leave.
URGENT_EDITABLE = RECEIVER_EDITABLE | {OrderStatus.PRINTED, OrderStatus.PACKED}
RECEIVER_LENGTHS = {
    "name": 50,
    "phone": 40,
    "province": 20,
    "city": 30,
    "district": 30,
    "address": 255,
    "postcode": 6,
}
POSTCODE = re.compile(r"^(\d{6})?$")
MEMO_MAX = 1000


class NoBuyerMessage(Conflict):
    code = "no_buyer_message"
    default_message = gettext_lazy("The buyer left no message on this order.")


def _checked_receiver(receiver: ReceiverInput) -> ReceiverInput:
    cleaned = replace(
        receiver, **{item.name: getattr(receiver, item.name).strip() for item in fields(receiver)}
    )
    errors: dict[str, list[Any]] = {}
    for name, limit in RECEIVER_LENGTHS.items():
        if len(getattr(cleaned, name)) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if not POSTCODE.match(cleaned.postcode):
        errors["postcode"] = [_("A postcode is six digits.")]
    if not cleaned.name:
        errors["name"] = [_("The receiver needs a name.")]
    if not cleaned.address:
        errors["address"] = [_("The receiver needs an address.")]
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _lock_parcel(order_id: int) -> list[Order]:
    """The order's parcel, locked: the parcel order and the orders merged into it."""
    row = Order.objects.filter(pk=order_id).values_list("pk", "merged_into_id").first()
    if row is None:
        raise OrderNotFound()
    return lifecycle.group_of(lifecycle.lock_order(row[1] or row[0]))


def change_receiver(
    *, actor: Any, order_id: int, receiver: ReceiverInput, reason: str = ""
) -> Order:
    """Change the receiver of an order not yet printed, with the official division names.

    A merged order changes with its whole parcel (one parcel, one receiver). An address
    that does not resolve holds a reviewable order (ADDRESS_UNRESOLVED) and is refused on
    an approved one; one that resolves clears that hold. Raises InvalidInput,
    WrongOrderStatus (printed or later), OrderNotFound."""
    checked = _checked_receiver(receiver)
    resolved, is_resolved = resolve_receiver(checked)
    resolved = replace(
        resolved,
        **{name: getattr(resolved, name)[:limit] for name, limit in RECEIVER_LENGTHS.items()},
    )
    with transaction.atomic():
        group = _lock_parcel(order_id)
        for order in group:
            if order.status not in RECEIVER_EDITABLE:
                raise WrongOrderStatus(
                    _("The label of %(order)s is printed: the receiver can no longer change.")
                    % {"order": order}
                )
            if not is_resolved and order.status == OrderStatus.APPROVED:
                raise InvalidInput(
                    {"address": [_("The address does not resolve; a courier could not use it.")]}
                )
        for order in group:
            _set_receiver(actor, order, resolved, is_resolved, reason)
        return next(order for order in group if order.pk == order_id)


def _set_receiver(
    actor: Any, order: Order, receiver: ReceiverInput, is_resolved: bool, reason: str
) -> None:
    was_held = HoldReason.ADDRESS_UNRESOLVED in order.holds
    holds = [code for code in order.holds if code != HoldReason.ADDRESS_UNRESOLVED]
    if not is_resolved:
        holds.append(HoldReason.ADDRESS_UNRESOLVED)
    status = order.status
    if status in lifecycle.REVIEWABLE:
        status = OrderStatus.ON_HOLD if holds else OrderStatus.TO_REVIEW
    lifecycle.set_status(
        actor,
        order,
        status,
        note=reason or _("Receiver changed"),
        hold_reasons=holds_text(holds),
        **{f"receiver_{item.name}": getattr(receiver, item.name) for item in fields(receiver)},
    )
    if was_held and is_resolved:
        lifecycle.decide(
            order, DecisionAction.RELEASE, actor=actor, reason=_("The address now resolves")
        )
    elif is_resolved is False and not was_held:
        lifecycle.decide(
            order,
            DecisionAction.HOLD,
            actor=actor,
            rule="address",
            reason=str(HoldReason.ADDRESS_UNRESOLVED.label),
        )


def change_memo(*, actor: Any, order_id: int, memo: str) -> Order:
    """Replace the seller memo (卖家备注). Raises InvalidInput when it is too long."""
    memo = memo.strip()
    if len(memo) > MEMO_MAX:
        raise InvalidInput({"seller_memo": [_("At most %(n)d characters.") % {"n": MEMO_MAX}]})
    with transaction.atomic():
        order = lifecycle.lock_order(order_id)
        before = audit.snapshot(order, ("seller_memo",))
        order.seller_memo = memo
        order.save(update_fields=["seller_memo", "updated_at"])
        audit.record(
            actor=actor,
            instance=order,
            action=audit.AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(order, ("seller_memo",))),
        )
        return order


def answer_buyer_message(*, actor: Any, order_id: int) -> Order:
    """Mark the buyer's message answered, on every part of the trade that carries it.
    Answering twice changes nothing. Raises NoBuyerMessage, OrderNotFound."""
    with transaction.atomic():
        order = lifecycle.lock_order(order_id)
        if not order.buyer_message.strip():
            raise NoBuyerMessage()
        parts = Order.objects.select_for_update().filter(
            channel=order.channel,
            shop_id=order.shop_id,
            order_no=order.order_no,
            buyer_message_answered_at__isnull=True,
        )
        now = timezone.now()
        for part in parts.exclude(buyer_message="").order_by("pk"):
            before = audit.snapshot(part, ("buyer_message_answered_at",))
            part.buyer_message_answered_at = now
            part.save(update_fields=["buyer_message_answered_at", "updated_at"])
            audit.record(
                actor=actor,
                instance=part,
                action=audit.AuditAction.UPDATE,
                changes=audit.diff(before, audit.snapshot(part, ("buyer_message_answered_at",))),
                note=_("Buyer message answered"),
            )
        order.refresh_from_db()
        return order


def set_urgent(*, actor: Any, order_id: int, urgent: bool) -> Order:
    """Mark an order urgent (picked first) or not. Raises WrongOrderStatus once shipped."""
    with transaction.atomic():
        order = lifecycle.lock_order(order_id)
        if order.status not in URGENT_EDITABLE:
            raise WrongOrderStatus()
        before = audit.snapshot(order, ("is_urgent",))
        order.is_urgent = urgent
        order.save(update_fields=["is_urgent", "updated_at"])
        audit.record(
            actor=actor,
            instance=order,
            action=audit.AuditAction.UPDATE,
            changes=audit.diff(before, audit.snapshot(order, ("is_urgent",))),
        )
        return order
