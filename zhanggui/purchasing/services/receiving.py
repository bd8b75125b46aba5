"""Receiving goods against a purchase order (入库单), with the quality check.

What the ledger shows for a delivery of 10 units, 2 of them defective: a `receipt` move of
+10 at the PO's unit cost (the supplier delivered 10 and is owed for 10), and in the same
transaction an `exchange_out` move of −2 on the new exchange list (换货单), so only the 8
good units are ever available for sale. Replacements come back later as `exchange_in`
(services.exchanges). Receiving every unit first keeps "delivered" and "sent back" as two
facts in the ledger instead of one net number nobody can check against the supplier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.inventory.models import MoveKind, Warehouse
from zhanggui.inventory.services import MoveInput, post_moves, warehouse_by_code
from zhanggui.purchasing import rules
from zhanggui.purchasing.exceptions import InvalidTransition
from zhanggui.purchasing.models import (
    ExchangeLine,
    ExchangeList,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from zhanggui.purchasing.services.common import assign_number, lock_purchase_order, user_or_none
from zhanggui.purchasing.services.ledger import charge_receipt, sync_transport_charge
from zhanggui.purchasing.services.status_changes import transition
from zhanggui.purchasing.status import OPEN_FOR_RECEIPT, PurchaseOrderStatus

RECEIPT_SOURCE = "purchase_receipt"
EXCHANGE_SOURCE = "exchange_list"


@dataclass(frozen=True)
class CountInput:
    line_id: int  # a PurchaseOrderLine of the PO
    quantity: int  # counted in this delivery, defective units included
    defective: int = 0  # of which failed the quality check
    allow_over: bool = False  # take more than ordered (needs over_reason)
    over_reason: str = ""


@dataclass(frozen=True)
class _Count:
    line: PurchaseOrderLine
    quantity: int
    defective: int
    over_reason: str


def _count_errors(line: PurchaseOrderLine, count: CountInput) -> dict[str, str]:
    code, where = line.sku.merchant_code, f"lines.{line.pk}"
    if count.quantity < 0 or count.defective < 0:
        return {f"{where}.quantity": _("%(code)s: counts cannot be negative.") % {"code": code}}
    if count.defective > count.quantity:
        return {
            f"{where}.defective": _(
                "%(code)s: more defective (%(defective)d) than counted (%(count)d)."
            )
            % {"code": code, "defective": count.defective, "count": count.quantity}
        }
    excess = rules.over_receipt(
        ordered=line.quantity, received=line.received_quantity, now=count.quantity
    )
    if excess and not count.allow_over:
        return {
            f"{where}.quantity": _(
                "%(code)s: %(count)d more would exceed the %(ordered)d ordered "
                "(%(received)d received so far); tick 'allow more' and give a reason."
            )
            % {
                "code": code,
                "count": count.quantity,
                "ordered": line.quantity,
                "received": line.received_quantity,
            }
        }
    if excess and not count.over_reason.strip():
        return {
            f"{where}.over_reason": _("%(code)s: say why more than ordered is taken.")
            % {"code": code}
        }
    return {}


def _check_counts(order: PurchaseOrder, counts: Sequence[CountInput]) -> list[_Count]:
    lines = {line.pk: line for line in order.lines.select_related("sku")}
    errors: dict[str, list[str]] = {}
    clean = []
    for count in counts:
        line = lines.get(count.line_id)
        if line is None:
            errors[f"lines.{count.line_id}"] = [_("This line is not on the purchase order.")]
            continue
        problems = _count_errors(line, count)
        for field, message in problems.items():
            errors.setdefault(field, []).append(message)
        if not problems and count.quantity:
            clean.append(_Count(line, count.quantity, count.defective, count.over_reason.strip()))
    if not errors and not clean:
        errors["lines"] = [_("Count at least one unit.")]
    if errors:
        raise InvalidInput(errors)
    return clean


def _receiving_warehouse(code: str) -> Warehouse:
    warehouse = warehouse_by_code(code)
    if not (warehouse.is_sellable and warehouse.is_active):
        raise InvalidInput({"warehouse": [_("Receive goods into an active, sellable warehouse.")]})
    return warehouse


def _create_receipt(
    *, actor: Any, order: PurchaseOrder, warehouse: Warehouse, counts: list[_Count], note: str
) -> Receipt:
    receipt = Receipt.objects.create(
        purchase_order=order,
        warehouse=warehouse,
        note=note.strip()[:255],
        actor=user_or_none(actor),
    )
    assign_number(receipt, "RK")
    ReceiptLine.objects.bulk_create(
        ReceiptLine(
            receipt=receipt,
            order_line=count.line,
            sku=count.line.sku,
            quantity=count.quantity,
            defective_quantity=count.defective,
            unit_cost=count.line.unit_cost,
            over_reason=count.over_reason[:200],
        )
        for count in counts
    )
    for count in counts:
        PurchaseOrderLine.objects.filter(pk=count.line.pk).update(
            received_quantity=F("received_quantity") + count.quantity,
            defective_quantity=F("defective_quantity") + count.defective,
        )
    return receipt


def _create_exchange_list(receipt: Receipt, counts: list[_Count]) -> ExchangeList | None:
    defective = [count for count in counts if count.defective]
    if not defective:
        return None
    exchange = ExchangeList.objects.create(
        receipt=receipt, supplier_id=receipt.purchase_order.supplier_id
    )
    assign_number(exchange, "HH")
    ExchangeLine.objects.bulk_create(
        ExchangeLine(
            exchange_list=exchange,
            order_line=count.line,
            sku=count.line.sku,
            quantity=count.defective,
            unit_cost=count.line.unit_cost,
        )
        for count in defective
    )
    return exchange


def _moves(
    receipt: Receipt, exchange: ExchangeList | None, counts: list[_Count]
) -> list[MoveInput]:
    moves = [
        MoveInput(
            sku_id=count.line.sku_id,
            quantity=count.quantity,
            kind=MoveKind.RECEIPT,
            warehouse_id=receipt.warehouse_id,
            unit_cost=count.line.unit_cost,
            source_type=RECEIPT_SOURCE,
            source_id=str(receipt.pk),
            ref=receipt.number or "",
        )
        for count in counts
    ]
    if exchange is not None:
        moves += [
            MoveInput(
                sku_id=count.line.sku_id,
                quantity=-count.defective,
                kind=MoveKind.EXCHANGE_OUT,
                warehouse_id=receipt.warehouse_id,
                unit_cost=count.line.unit_cost,
                source_type=EXCHANGE_SOURCE,
                source_id=str(exchange.pk),
                ref=exchange.number or "",
                note=_("failed the quality check"),
            )
            for count in counts
            if count.defective
        ]
    return moves


@transaction.atomic
def receive_purchase_order(
    *,
    actor: Any,
    purchase_order_id: int,
    counts: Sequence[CountInput],
    warehouse_code: str = "",
    note: str = "",
) -> Receipt:
    """Post one delivery: a receipt note, receipt moves for every counted unit into the
    warehouse (default: main) at the PO's unit cost, exchange_out moves and an exchange
    list for defective units, the goods (and first time, transport) on the supplier
    ledger, and the PO's status (partly received / received).

    Raises InvalidTransition when the PO is not waiting for goods, InvalidInput naming
    `lines.<line id>.quantity|defective|over_reason` (messages name the merchant code)."""
    order = lock_purchase_order(purchase_order_id)
    if order.status not in OPEN_FOR_RECEIPT:
        raise InvalidTransition(
            _("Purchase order %(number)s is not waiting for goods.") % {"number": order.number},
            current=order.status,
            to=PurchaseOrderStatus.RECEIVED.value,
        )
    clean = _check_counts(order, counts)
    warehouse = _receiving_warehouse(warehouse_code)
    receipt = _create_receipt(
        actor=actor, order=order, warehouse=warehouse, counts=clean, note=note
    )
    exchange = _create_exchange_list(receipt, clean)
    post_moves(actor=actor, moves=_moves(receipt, exchange, clean))
    amount = sum(
        (rules.line_amount(count.quantity, count.line.unit_cost) for count in clean),
        Decimal("0.00"),
    )
    charge_receipt(actor=actor, receipt=receipt, amount=amount)
    sync_transport_charge(actor=actor, purchase_order=order)
    progress = order.lines.values_list("quantity", "received_quantity")
    status = rules.status_after_receipt(progress)
    if status != order.status:
        transition(order, status, actor=actor, note=receipt.number or "")
    audit.record_creation(actor=actor, instance=receipt, fields=("purchase_order", "warehouse"))
    return receipt
