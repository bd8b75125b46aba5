"""Purchase order status changes: the one transition() every change goes through, and the
actions built on it: placing (with the first-order cap), cancelling, closing; and the
transport cost, which may still change after ordering."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction
from zhanggui.core.money import parse_money
from zhanggui.purchasing import rules
from zhanggui.purchasing.exceptions import (
    ConcurrentUpdate,
    FirstOrderCapExceeded,
    InvalidTransition,
    NotEditable,
)
from zhanggui.purchasing.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
from zhanggui.purchasing.services.common import first_order_cap, lock_purchase_order, user_or_none
from zhanggui.purchasing.services.ledger import sync_transport_charge
from zhanggui.purchasing.status import PLACED, TRANSITIONS, PurchaseOrderStatus


@transaction.atomic
def transition(
    purchase_order: PurchaseOrder, to: str, *, actor: Any, note: str = ""
) -> PurchaseOrder:
    """Move a PO to another status: checks TRANSITIONS, updates only if nobody changed the
    status meanwhile, and appends an event and an audit entry. Raises InvalidTransition,
    ConcurrentUpdate."""
    current = PurchaseOrderStatus(purchase_order.status)
    target = PurchaseOrderStatus(to)
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            _("A purchase order cannot go from %(current)s to %(to)s.")
            % {"current": current.label, "to": target.label},
            current=current.value,
            to=target.value,
        )
    now = timezone.now()
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    if target == PurchaseOrderStatus.ORDERED:
        values["ordered_at"] = now
    updated = PurchaseOrder.objects.filter(pk=purchase_order.pk, status=current.value).update(
        **values
    )
    if updated != 1:
        raise ConcurrentUpdate()
    for name, value in values.items():
        setattr(purchase_order, name, value)
    PurchaseOrderEvent.objects.create(
        purchase_order=purchase_order,
        from_status=current.value,
        to_status=target.value,
        actor=user_or_none(actor),
        note=note[:500],
    )
    audit.record(
        actor=actor,
        instance=purchase_order,
        action=AuditAction.UPDATE,
        changes={"status": {"before": current.value, "after": target.value}},
        note=note[:255],
    )
    return purchase_order


def _new_style_product_ids(order: PurchaseOrder) -> set[int]:
    product_ids = set(order.lines.values_list("sku__product_id", flat=True))
    bought = (
        PurchaseOrderLine.objects.filter(
            sku__product_id__in=product_ids, purchase_order__status__in=PLACED
        )
        .exclude(purchase_order=order)
        .values_list("sku__product_id", flat=True)
    )
    return product_ids - set(bought)


def first_order_warnings(order: PurchaseOrder) -> list[rules.CapExcess]:
    """Lines of new styles above the first-order cap (what placing would ask to confirm)."""
    new_styles = _new_style_product_ids(order)
    cap_lines = [
        rules.CapLine(line.sku.merchant_code, line.quantity, line.sku.product_id in new_styles)
        for line in order.lines.select_related("sku")
    ]
    return rules.first_order_excess(cap_lines, first_order_cap())


def _check_placeable(order: PurchaseOrder) -> None:
    lines = list(order.lines.select_related("sku"))
    if not lines:
        raise InvalidInput({"lines": [_("Add at least one line before ordering.")]})
    free = [line.sku.merchant_code for line in lines if line.unit_cost <= 0]
    if free:
        raise InvalidInput(
            {"lines": [_("Enter a unit cost for %(codes)s.") % {"codes": ", ".join(free)}]}
        )


@transaction.atomic
def place_purchase_order(
    *,
    actor: Any,
    purchase_order_id: int,
    confirm_over_first_order_cap: bool = False,
    note: str = "",
) -> PurchaseOrder:
    """Send a draft to the supplier (draft → ordered).

    New styles (products on no earlier placed PO) above FIRST_ORDER_MAX_PER_SKU per SKU
    raise FirstOrderCapExceeded(lines=[...]) unless the buyer confirms; the confirmation
    is written into the event. Raises InvalidInput for no lines or a line costing 0."""
    order = lock_purchase_order(purchase_order_id)
    if order.status != PurchaseOrderStatus.DRAFT:
        raise InvalidTransition(current=order.status, to=PurchaseOrderStatus.ORDERED.value)
    _check_placeable(order)
    excess = first_order_warnings(order)
    if excess and not confirm_over_first_order_cap:
        raise FirstOrderCapExceeded(
            _("New styles are usually ordered at most %(cap)d per SKU on a first order: %(lines)s.")
            % {
                "cap": excess[0].cap,
                "lines": ", ".join(f"{e.merchant_code} × {e.quantity}" for e in excess),
            },
            lines=[vars(e) for e in excess],
        )
    if excess:
        confirmed = _("Confirmed above the first-order cap of %(cap)d: %(lines)s.") % {
            "cap": excess[0].cap,
            "lines": ", ".join(f"{e.merchant_code} × {e.quantity}" for e in excess),
        }
        note = f"{note.strip()} {confirmed}".strip()
    return transition(order, PurchaseOrderStatus.ORDERED, actor=actor, note=note)


@transaction.atomic
def cancel_purchase_order(*, actor: Any, purchase_order_id: int, note: str = "") -> PurchaseOrder:
    """Cancel a draft or an order nothing was received against. Raises InvalidTransition."""
    order = lock_purchase_order(purchase_order_id)
    return transition(order, PurchaseOrderStatus.CANCELLED, actor=actor, note=note.strip())


@transaction.atomic
def close_purchase_order(*, actor: Any, purchase_order_id: int, note: str = "") -> PurchaseOrder:
    """File a received order, or give up on the rest of a partly received one (which needs
    a note saying why). Raises InvalidTransition, InvalidInput."""
    order = lock_purchase_order(purchase_order_id)
    if order.status == PurchaseOrderStatus.PARTLY_RECEIVED and not note.strip():
        raise InvalidInput({"note": [_("Say why the rest of the order will not come.")]})
    return transition(order, PurchaseOrderStatus.CLOSED, actor=actor, note=note.strip())


@transaction.atomic
def set_transport_cost(*, actor: Any, purchase_order_id: int, transport_cost: Any) -> PurchaseOrder:
    """Correct a PO's transport cost (the freight bill often comes with the goods). Once goods
    were received the supplier ledger follows with a correcting entry. Raises InvalidInput,
    NotEditable for a cancelled PO."""
    order = lock_purchase_order(purchase_order_id)
    if order.status == PurchaseOrderStatus.CANCELLED:
        raise NotEditable(_("A cancelled purchase order cannot be changed."))
    try:
        amount = parse_money(transport_cost)
    except ValueError as error:
        raise InvalidInput({"transport_cost": [_("Not an amount in yuan.")]}) from error
    before = audit.snapshot(order, ["transport_cost"])
    order.transport_cost = amount
    order.save(update_fields=["transport_cost", "updated_at"])
    changes = audit.diff(before, audit.snapshot(order, ["transport_cost"]))
    audit.record(actor=actor, instance=order, action=AuditAction.UPDATE, changes=changes)
    sync_transport_charge(actor=actor, purchase_order=order)
    return order
