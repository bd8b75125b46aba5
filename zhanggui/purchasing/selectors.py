"""Purchasing reads for pages, queues and exports. Totals come from one aggregate query per
list, never from a loop of queries per row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.purchasing import rules
from zhanggui.purchasing.models import (
    BatchReview,
    ExchangeList,
    LedgerKind,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierLedgerEntry,
)
from zhanggui.purchasing.status import OPEN_FOR_RECEIPT, PLACED, ExchangeStatus, ReviewStatus

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
PAGE_SIZE = 50
# Pseudo statuses of the PO list filter, used by the home-page queues.
TO_RECEIVE = "to_receive"


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    supplier_id: int | None = None
    q: str = ""
    overdue: bool = False


def _line_sum(expression: Any) -> Subquery:
    lines = (
        PurchaseOrderLine.objects.filter(purchase_order=OuterRef("pk"))
        .order_by()
        .values("purchase_order")
        .annotate(total=Sum(expression))
        .values("total")
    )
    return Subquery(lines)


def with_totals(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    amount = ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY)
    return orders.annotate(
        ordered_units=Coalesce(_line_sum("quantity"), 0),
        received_units=Coalesce(_line_sum("received_quantity"), 0),
        ordered_amount=Coalesce(_line_sum(amount), Value(ZERO), output_field=MONEY),
    )


def overdue_q() -> Q:
    return Q(status__in=OPEN_FOR_RECEIPT, expected_on__lt=timezone.localdate())


def list_purchase_orders(filters: OrderFilters) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier")
    if filters.status == TO_RECEIVE:
        orders = orders.filter(status__in=OPEN_FOR_RECEIPT)
    elif filters.status:
        orders = orders.filter(status=filters.status)
    if filters.supplier_id:
        orders = orders.filter(supplier_id=filters.supplier_id)
    if filters.overdue:
        orders = orders.filter(overdue_q())
    if filters.q:
        orders = orders.filter(
            Q(number__icontains=filters.q)
            | Q(lines__sku__merchant_code__iexact=filters.q)
            | Q(lines__sku__product__item_no__iexact=filters.q)
        ).distinct()
    overdue = ExpressionWrapper(overdue_q(), output_field=BooleanField())
    return with_totals(orders).annotate(is_overdue=overdue)


def count_orders_to_receive() -> int:
    return PurchaseOrder.objects.filter(status__in=OPEN_FOR_RECEIPT).count()


def count_overdue_orders() -> int:
    return PurchaseOrder.objects.filter(overdue_q()).count()


def count_open_exchanges() -> int:
    return ExchangeList.objects.filter(status=ExchangeStatus.OPEN).count()


def count_open_reviews() -> int:
    return BatchReview.objects.filter(status=ReviewStatus.OPEN).count()


def purchase_order_lines(order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    # SKUs in the order they were created: sizes read S, M, L rather than alphabetically.
    return order.lines.select_related("sku", "sku__product").order_by(
        "sku__product__item_no", "sku__color", "sku_id"
    )


def reorder_products(order: PurchaseOrder) -> list[tuple[int, str]]:
    """(product id, "item no title") of the PO's products bought before on another placed PO:
    the ones a batch review can be raised for."""
    product_ids = set(order.lines.values_list("sku__product_id", flat=True))
    bought = set(
        PurchaseOrderLine.objects.filter(
            sku__product_id__in=product_ids, purchase_order__status__in=PLACED
        )
        .exclude(purchase_order=order)
        .values_list("sku__product_id", flat=True)
    )
    lines = order.lines.filter(sku__product_id__in=bought).select_related("sku__product")
    products = {line.sku.product_id: str(line.sku.product) for line in lines}
    return sorted(products.items(), key=lambda item: item[1])


# --- the supplier ledger ----------------------------------------------------------------


def merchant_codes_for(codes: Iterable[str]) -> dict[str, str]:
    """The merchant code of each code typed or scanned (a merchant code or a barcode)."""
    wanted = [code for code in codes if code]
    skus = Sku.objects.filter(Q(merchant_code__in=wanted) | Q(barcode__in=wanted))
    found: dict[str, str] = {}
    for merchant_code, barcode in skus.values_list("merchant_code", "barcode"):
        if barcode:
            found.setdefault(barcode, merchant_code)
        found[merchant_code] = merchant_code
    return found


def supplier_balances(supplier_ids: Iterable[int]) -> dict[int, Decimal]:
    """What the shop owes each supplier (negative: paid ahead)."""
    ids = list(supplier_ids)
    totals = dict.fromkeys(ids, ZERO)
    rows = (
        SupplierLedgerEntry.objects.filter(supplier_id__in=ids)
        .values("supplier_id")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        totals[row["supplier_id"]] = row["total"] or ZERO
    return totals


@dataclass(frozen=True)
class DocumentRow:
    """One purchase document as the supplier file lists it (DOMAIN.md §3)."""

    pk: int
    number: str
    ordered_on: date | None
    status: str
    status_label: str
    goods: Decimal
    transport: Decimal
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.goods + self.transport - self.paid


def _sum_kind(kind: LedgerKind) -> Any:
    return Coalesce(
        Sum("ledger_entries__amount", filter=Q(ledger_entries__kind=kind)),
        Value(ZERO),
        output_field=MONEY,
    )


def supplier_documents(supplier: Supplier) -> list[DocumentRow]:
    """The supplier's placed POs, newest first, with goods received, transport, paid, owed."""
    orders = (
        PurchaseOrder.objects.filter(supplier=supplier, status__in=PLACED)
        .annotate(
            goods=_sum_kind(LedgerKind.GOODS),
            transport=_sum_kind(LedgerKind.TRANSPORT),
            paid=_sum_kind(LedgerKind.PAYMENT),
        )
        .order_by("-ordered_at", "-id")
    )
    return [
        DocumentRow(
            pk=order.pk,
            number=order.number or "",
            ordered_on=timezone.localdate(order.ordered_at) if order.ordered_at else None,
            status=order.status,
            status_label=order.get_status_display(),
            goods=order.goods,  # type: ignore[attr-defined]
            transport=order.transport,  # type: ignore[attr-defined]
            paid=-order.paid,  # type: ignore[attr-defined]
        )
        for order in orders
    ]


def unallocated_payments(supplier: Supplier) -> Decimal:
    """Payments on account, not against any one PO."""
    total = SupplierLedgerEntry.objects.filter(
        supplier=supplier, kind=LedgerKind.PAYMENT, purchase_order__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return -(total or ZERO)


def recent_payments(supplier: Supplier, limit: int = 20) -> list[SupplierLedgerEntry]:
    return list(
        SupplierLedgerEntry.objects.filter(supplier=supplier, kind=LedgerKind.PAYMENT)
        .select_related("purchase_order", "actor")
        .order_by("-occurred_on", "-id")[:limit]
    )


@dataclass(frozen=True)
class StatementRow:
    entry: SupplierLedgerEntry
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    supplier: Supplier
    start: date
    end: date
    opening: Decimal
    rows: list[StatementRow]

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].balance if self.rows else self.opening

    @property
    def total_debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)


def supplier_statement(supplier: Supplier, *, start: date, end: date) -> Statement:
    """The supplier's account from `start` to `end` (shop dates, both included): the balance
    brought forward, every entry with the running balance, and the closing balance."""
    entries = SupplierLedgerEntry.objects.filter(supplier=supplier)
    opening = entries.filter(occurred_on__lt=start).aggregate(total=Sum("amount"))["total"]
    period = list(
        entries.filter(occurred_on__gte=start, occurred_on__lte=end)
        .select_related("purchase_order", "receipt")
        .order_by("occurred_on", "id")
    )
    balances = rules.running_balance(opening or ZERO, [entry.amount for entry in period])
    rows = [
        StatementRow(entry, row.debit, row.credit, row.balance)
        for entry, row in zip(period, balances, strict=True)
    ]
    return Statement(supplier, start, end, opening or ZERO, rows)
