"""Purchase order drafts: header and lines, typed or scanned, replaced as a whole while the
PO is a draft. Status changes live in services.status_changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction
from zhanggui.core.money import parse_money
from zhanggui.purchasing.exceptions import (
    NotEditable,
)
from zhanggui.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    Supplier,
)
from zhanggui.purchasing.services.common import (
    assign_number,
    lock_purchase_order,
    user_or_none,
)
from zhanggui.purchasing.status import PLACED, PurchaseOrderStatus

HEADER_AUDITED = ("supplier", "expected_on", "transport_cost", "note")
MAX_LINES = 500
MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class LineInput:
    merchant_code: str  # or the SKU's barcode, as a scanner reads it
    quantity: Any
    unit_cost: Any = None  # blank: the SKU's last purchase cost, else its catalog cost


@dataclass(frozen=True)
class PurchaseOrderInput:
    supplier_id: int | None
    expected_on: date | None = None
    transport_cost: Any = "0"
    note: str = ""
    lines: Sequence[LineInput] = ()


@dataclass(frozen=True)
class _Line:
    sku: Sku
    quantity: int
    unit_cost: Decimal


def _whole_number(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _find_skus(codes: list[str]) -> dict[str, Sku]:
    found = Sku.objects.select_related("product").filter(
        Q(merchant_code__in=codes) | Q(barcode__in=codes)
    )
    by_code: dict[str, Sku] = {}
    for sku in found:
        by_code.setdefault(sku.barcode or "", sku)
        by_code[sku.merchant_code] = sku  # a merchant code wins over a barcode
    return by_code


def _default_cost(sku: Sku) -> Decimal:
    last = (
        PurchaseOrderLine.objects.filter(sku=sku, purchase_order__status__in=PLACED)
        .order_by("-purchase_order__ordered_at", "-id")
        .values_list("unit_cost", flat=True)
        .first()
    )
    if last is not None:
        return last
    return sku.cost_price if sku.cost_price is not None else Decimal("0.00")


def _clean_lines(lines: Sequence[LineInput], errors: dict[str, list[str]]) -> list[_Line]:
    if len(lines) > MAX_LINES:
        errors["lines"] = [_("At most %(limit)d lines.") % {"limit": MAX_LINES}]
        return []
    skus = _find_skus([line.merchant_code.strip() for line in lines])
    clean: list[_Line] = []
    seen: dict[int, int] = {}
    for index, line in enumerate(lines):
        where, code = f"lines[{index}]", line.merchant_code.strip()
        sku = skus.get(code)
        if sku is None:
            errors[f"{where}.merchant_code"] = [_("No SKU has the code %(code)s.") % {"code": code}]
            continue
        if sku.pk in seen:
            errors[f"{where}.merchant_code"] = [
                _("%(code)s is already on line %(line)d.") % {"code": code, "line": seen[sku.pk]}
            ]
            continue
        seen[sku.pk] = index + 1
        try:
            quantity = _whole_number(line.quantity)
            if not 0 < quantity <= MAX_QUANTITY:
                raise ValueError(quantity)
        except ValueError:
            errors[f"{where}.quantity"] = [
                _("%(code)s: a quantity is a whole number from 1 to %(max)d.")
                % {"code": code, "max": MAX_QUANTITY}
            ]
            continue
        blank_cost = line.unit_cost is None or str(line.unit_cost).strip() == ""
        try:
            cost = _default_cost(sku) if blank_cost else parse_money(line.unit_cost)
        except ValueError:
            errors[f"{where}.unit_cost"] = [_("%(code)s: not an amount in yuan.") % {"code": code}]
            continue
        clean.append(_Line(sku, quantity, cost))
    return clean


def _clean(data: PurchaseOrderInput) -> tuple[Supplier, Decimal, list[_Line]]:
    errors: dict[str, list[str]] = {}
    supplier = None
    if data.supplier_id is not None:
        supplier = Supplier.objects.filter(pk=data.supplier_id, is_active=True).first()
    if supplier is None:
        errors["supplier"] = [_("Choose an active supplier.")]
    try:
        transport = parse_money(data.transport_cost or "0")
    except ValueError:
        transport = Decimal("0.00")
        errors["transport_cost"] = [_("Not an amount in yuan.")]
    lines = _clean_lines(data.lines, errors)
    if errors:
        raise InvalidInput(errors)
    assert supplier is not None  # noqa: S101 (errors would have been raised)
    return supplier, transport, lines


def _line_text(quantity: int, unit_cost: Decimal) -> str:
    return f"{quantity} × {unit_cost:f}"


def _line_snapshot(order: PurchaseOrder) -> dict[str, str]:
    return {
        line.sku.merchant_code: _line_text(line.quantity, line.unit_cost)
        for line in order.lines.select_related("sku")
    }


def _replace_lines(order: PurchaseOrder, lines: list[_Line]) -> None:
    order.lines.all().delete()
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            purchase_order=order, sku=line.sku, quantity=line.quantity, unit_cost=line.unit_cost
        )
        for line in lines
    )


@transaction.atomic
def create_purchase_order(*, actor: Any, data: PurchaseOrderInput) -> PurchaseOrder:
    """Start a draft PO with its lines (none is fine: scan them in later). Raises
    InvalidInput naming each bad field as `supplier`, `transport_cost`, `lines[i].quantity`."""
    supplier, transport, lines = _clean(data)
    order = PurchaseOrder.objects.create(
        supplier=supplier,
        expected_on=data.expected_on,
        transport_cost=transport,
        note=data.note.strip(),
        created_by=user_or_none(actor),
    )
    assign_number(order, "PO")
    _replace_lines(order, lines)
    PurchaseOrderEvent.objects.create(
        purchase_order=order, to_status=order.status, actor=user_or_none(actor)
    )
    after = audit.snapshot(order, HEADER_AUDITED) | _line_snapshot(order)
    changes = audit.diff(dict.fromkeys(after), after)
    audit.record(actor=actor, instance=order, action=AuditAction.CREATE, changes=changes)
    return order


@transaction.atomic
def update_purchase_order(
    *, actor: Any, purchase_order_id: int, data: PurchaseOrderInput
) -> PurchaseOrder:
    """Replace a draft's header and lines. Raises NotEditable once it is ordered,
    InvalidInput naming each bad field."""
    order = lock_purchase_order(purchase_order_id)
    if order.status != PurchaseOrderStatus.DRAFT:
        raise NotEditable()
    supplier, transport, lines = _clean(data)
    before = audit.snapshot(order, HEADER_AUDITED) | _line_snapshot(order)
    order.supplier = supplier
    order.expected_on = data.expected_on
    order.transport_cost = transport
    order.note = data.note.strip()
    order.save()
    _replace_lines(order, lines)
    after = audit.snapshot(order, HEADER_AUDITED) | _line_snapshot(order)
    changes = audit.diff(before, after) | audit.diff(dict.fromkeys(set(after) - set(before)), after)
    audit.record(actor=actor, instance=order, action=AuditAction.UPDATE, changes=changes)
    return order
