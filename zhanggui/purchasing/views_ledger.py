"""Supplier ledger pages (往来账): documents with goods, transport, paid, owed; the statement
of a period (page and XLSX); recording a payment."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.core.tabular import XLSX_CONTENT_TYPE, Cell, write_xlsx
from zhanggui.purchasing import selectors, services
from zhanggui.purchasing.forms import PaymentForm, StatementForm, show_service_error
from zhanggui.purchasing.models import PurchaseOrder, Supplier
from zhanggui.purchasing.status import PLACED
from zhanggui.purchasing.views_suppliers import get_supplier_or_404
from zhanggui.staff.access import PagePermissionMixin


class SupplierLedgerView(PagePermissionMixin, View):
    permission_required = "purchasing.view_supplier_ledger"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        documents = selectors.supplier_documents(supplier)
        context = {
            "supplier": supplier,
            "documents": documents,
            "on_account": selectors.unallocated_payments(supplier),
            "balance": selectors.supplier_balances([supplier.pk])[supplier.pk],
            "payments": selectors.recent_payments(supplier),
            "totals": {
                "goods": sum((d.goods for d in documents), selectors.ZERO),
                "transport": sum((d.transport for d in documents), selectors.ZERO),
                "paid": sum((d.paid for d in documents), selectors.ZERO),
                "owed": sum((d.owed for d in documents), selectors.ZERO),
            },
        }
        return render(request, "purchasing/supplier_ledger.html", context)


def _period(request: HttpRequest) -> tuple[StatementForm, datetime.date, datetime.date]:
    today = timezone.localdate()
    default = {"start": today.replace(day=1), "end": today}
    form = StatementForm(request.GET or None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


def _statement_sheet(statement: selectors.Statement) -> bytes:
    header = [_("Date"), _("Kind"), _("Purchase order"), _("Receipt"), _("Method"), _("Reference")]
    header += [_("Owed (debit)"), _("Paid (credit)"), _("Balance")]
    rows: list[list[Cell]] = [
        [
            statement.start,
            _("Balance brought forward"),
            "",
            "",
            "",
            "",
            None,
            None,
            statement.opening,
        ]
    ]
    for row in statement.rows:
        entry = row.entry
        rows.append(
            [
                entry.occurred_on,
                entry.get_kind_display(),
                entry.purchase_order.number if entry.purchase_order else "",
                entry.receipt.number if entry.receipt else "",
                entry.get_method_display(),
                entry.reference,
                row.debit,
                row.credit,
                row.balance,
            ]
        )
    rows.append(
        [
            statement.end,
            _("Closing balance"),
            "",
            "",
            "",
            "",
            statement.total_debit,
            statement.total_credit,
            statement.closing,
        ]
    )
    # Sheet names refuse / ? * [ ] : which supplier names may hold; the file name has it.
    return write_xlsx(header, rows, sheet_title=_("Statement"))


class SupplierStatementView(PagePermissionMixin, View):
    """?start=&end= (shop dates); &format=xlsx downloads the same statement."""

    permission_required = "purchasing.view_supplier_ledger"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        form, start, end = _period(request)
        statement = selectors.supplier_statement(supplier, start=start, end=end)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(_statement_sheet(statement), content_type=XLSX_CONTENT_TYPE)
            filename = f"{supplier.name}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        context = {"supplier": supplier, "form": form, "statement": statement}
        return render(request, "purchasing/supplier_statement.html", context)


def _payable_orders(supplier: Supplier) -> Any:
    return PurchaseOrder.objects.filter(supplier=supplier, status__in=PLACED).order_by("-id")


class PaymentCreateView(PagePermissionMixin, View):
    permission_required = "purchasing.record_payment"
    template_name = "purchasing/payment_form.html"

    def _render(self, supplier: Supplier, form: PaymentForm) -> HttpResponse:
        context = {
            "supplier": supplier,
            "form": form,
            "balance": selectors.supplier_balances([supplier.pk])[supplier.pk],
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        initial = {"paid_on": timezone.localdate(), "purchase_order": request.GET.get("order")}
        return self._render(
            supplier, PaymentForm(orders=_payable_orders(supplier), initial=initial)
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        form = PaymentForm(request.POST, orders=_payable_orders(supplier))
        if not form.is_valid():
            return self._render(supplier, form)
        data = form.cleaned_data
        try:
            entry = services.record_payment(
                actor=request.user,
                supplier_id=supplier.pk,
                amount=data["amount"],
                paid_on=data["paid_on"],
                method=data["method"],
                purchase_order_id=data["purchase_order"].pk if data["purchase_order"] else None,
                reference=data["reference"],
                note=data["note"],
            )
        except DomainError as error:
            show_service_error(error, form)
            return self._render(supplier, form)
        messages.success(
            request,
            _("Payment of ¥%(amount)s to %(supplier)s recorded.")
            % {"amount": f"{entry.paid:,.2f}", "supplier": supplier.name},
        )
        return redirect("purchasing:supplier_ledger", pk=supplier.pk)
