"""Supplier ledger writes (往来账). Entries are appended, never changed: goods when a receipt
is posted, transport once a PO has goods in (corrected when the cost changes), payments
when finance records them. A supplier's balance owed is the sum of its entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.money import parse_money
from zhanggui.purchasing.exceptions import SupplierNotFound
from zhanggui.purchasing.models import (
    LedgerKind,
    PaymentMethod,
    PurchaseOrder,
    Receipt,
    Supplier,
    SupplierLedgerEntry,
)
from zhanggui.purchasing.services.common import user_or_none
from zhanggui.purchasing.status import PLACED

PAYMENT_AUDITED = ("kind", "occurred_on", "amount", "purchase_order", "method", "reference", "note")


def _append(
    *,
    actor: Any,
    supplier_id: int,
    kind: LedgerKind,
    amount: Decimal,
    purchase_order: PurchaseOrder | None = None,
    receipt: Receipt | None = None,
    note: str = "",
) -> SupplierLedgerEntry:
    return SupplierLedgerEntry.objects.create(
        supplier_id=supplier_id,
        kind=kind,
        occurred_on=timezone.localdate(),
        amount=amount,
        purchase_order=purchase_order,
        receipt=receipt,
        note=note[:255],
        actor=user_or_none(actor),
    )


def charge_receipt(*, actor: Any, receipt: Receipt, amount: Decimal) -> SupplierLedgerEntry | None:
    """The goods of a posted receipt, owed to the supplier (defective units too: the
    supplier replaces them rather than refunding them)."""
    if amount == 0:
        return None
    order = receipt.purchase_order
    return _append(
        actor=actor,
        supplier_id=order.supplier_id,
        kind=LedgerKind.GOODS,
        amount=amount,
        purchase_order=order,
        receipt=receipt,
    )


def sync_transport_charge(
    *, actor: Any, purchase_order: PurchaseOrder
) -> SupplierLedgerEntry | None:
    """Make the transport charged for a PO equal its transport cost once goods came in
    (nothing before: a PO cancelled unreceived owes no freight). Appends the difference."""
    due = purchase_order.transport_cost if purchase_order.receipts.exists() else Decimal("0.00")
    charged = SupplierLedgerEntry.objects.filter(
        purchase_order=purchase_order, kind=LedgerKind.TRANSPORT
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if due == charged:
        return None
    return _append(
        actor=actor,
        supplier_id=purchase_order.supplier_id,
        kind=LedgerKind.TRANSPORT,
        amount=due - charged,
        purchase_order=purchase_order,
        note=_("transport cost corrected") if charged else "",
    )


def _payment_errors(
    *, supplier: Supplier, amount: Any, paid_on: date | None, method: str, order_id: int | None
) -> tuple[dict[str, list[str]], Decimal, PurchaseOrder | None]:
    errors: dict[str, list[str]] = {}
    value = Decimal("0.00")
    try:
        value = parse_money(amount)
        if value <= 0:
            raise ValueError(amount)
    except ValueError:
        errors["amount"] = [_("A payment is an amount in yuan above 0.")]
    if paid_on is None:
        errors["paid_on"] = [_("Enter the date of the payment.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("A payment cannot be dated in the future.")]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose how it was paid.")]
    order = None
    if order_id is not None:
        order = PurchaseOrder.objects.filter(
            pk=order_id, supplier=supplier, status__in=PLACED
        ).first()
        if order is None:
            errors["purchase_order"] = [_("Choose an ordered purchase order of this supplier.")]
    return errors, value, order


@transaction.atomic
def record_payment(
    *,
    actor: Any,
    supplier_id: int,
    amount: Any,
    paid_on: date | None,
    method: str,
    purchase_order_id: int | None = None,
    reference: str = "",
    note: str = "",
) -> SupplierLedgerEntry:
    """Record money paid to a supplier, against one of its POs or on account. Raises
    SupplierNotFound, InvalidInput naming `amount`, `paid_on`, `method`, `purchase_order`."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise SupplierNotFound()
    errors, value, order = _payment_errors(
        supplier=supplier, amount=amount, paid_on=paid_on, method=method, order_id=purchase_order_id
    )
    if len(reference.strip()) > 100:
        errors["reference"] = [_("At most %(limit)d characters.") % {"limit": 100}]
    if errors:
        raise InvalidInput(errors)
    assert paid_on is not None  # noqa: S101 (checked above)
    entry = SupplierLedgerEntry.objects.create(
        supplier=supplier,
        kind=LedgerKind.PAYMENT,
        occurred_on=paid_on,
        amount=-value,
        purchase_order=order,
        method=method,
        reference=reference.strip(),
        note=note.strip()[:255],
        actor=user_or_none(actor),
    )
    audit.record_creation(actor=actor, instance=entry, fields=PAYMENT_AUDITED)
    return entry
