"""Purchase order pages: list with status filters, create and edit drafts (lines typed or
scanned), detail with events and audit, status actions, transport cost."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.core import audit
from zhanggui.core.errors import DomainError
from zhanggui.purchasing import selectors, services
from zhanggui.purchasing.forms import (
    NoteForm,
    OrderFilterForm,
    OrderHeaderForm,
    OrderLineFormSet,
    OrderStatusForm,
    ReviewFlagForm,
    ScanForm,
    TransportForm,
    error_text,
    show_service_error,
)
from zhanggui.purchasing.models import PurchaseOrder
from zhanggui.purchasing.status import PLACED, PurchaseOrderStatus
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.roles import VIEW_COST


class OrderListView(PagePermissionMixin, ListView):
    permission_required = "purchasing.view_purchaseorder"
    template_name = "purchasing/order_list.html"
    context_object_name = "orders"
    paginate_by = selectors.PAGE_SIZE

    def get_queryset(self) -> QuerySet[PurchaseOrder]:
        self.filter_form = OrderFilterForm(self.request.GET)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        supplier = data.get("supplier")
        filters = selectors.OrderFilters(
            status=data.get("status", ""),
            supplier_id=supplier.pk if supplier else None,
            q=data.get("q", "").strip(),
            overdue=bool(data.get("overdue")),
        )
        return selectors.list_purchase_orders(filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["show_cost"] = self.request.user.has_perm(VIEW_COST)
        return context


def get_order_or_404(pk: int) -> PurchaseOrder:
    order = PurchaseOrder.objects.select_related("supplier", "created_by").filter(pk=pk).first()
    if order is None:
        raise Http404(_("No such purchase order."))
    return order


def _with_scan(rows: list[Any], scan: str) -> list[services.LineInput]:
    """The typed rows plus one scanned unit: the row of that SKU goes up by one, or a new
    row of one starts (a scanner reads a barcode or a merchant code)."""
    lines = [services.LineInput(**row.cleaned_data) for row in rows]
    if not scan:
        return lines
    known = selectors.merchant_codes_for([scan, *(line.merchant_code.strip() for line in lines)])
    code = known.get(scan, scan)
    for index, line in enumerate(lines):
        if known.get(line.merchant_code.strip()) == code:
            quantity = str(line.quantity).strip()
            bumped = int(quantity) + 1 if quantity.isdigit() else 1
            lines[index] = services.LineInput(line.merchant_code, bumped, line.unit_cost)
            return lines
    return [*lines, services.LineInput(code, 1, None)]


class OrderFormView(PagePermissionMixin, View):
    """One page for a new PO and for editing a draft. Enter in the scan box adds the SKU
    and saves, so the next scan continues on the same page."""

    template_name = "purchasing/order_form.html"

    def _render(
        self, order: PurchaseOrder | None, header: Any, rows: Any, scan: Any
    ) -> HttpResponse:
        context = {
            "order": order,
            "form": header,
            "rows": rows,
            "scan_form": scan,
            "warnings": services.first_order_warnings(order) if order else [],
        }
        return render(self.request, self.template_name, context)

    def _save(self, order: PurchaseOrder | None, request: HttpRequest) -> HttpResponse:
        header = OrderHeaderForm(request.POST)
        rows = OrderLineFormSet(request.POST, prefix="lines")
        scan = ScanForm(request.POST)
        if not (header.is_valid() and rows.is_valid() and scan.is_valid()):
            return self._render(order, header, rows, scan)
        scanned = scan.cleaned_data["scan"].strip()
        data = services.PurchaseOrderInput(
            supplier_id=header.cleaned_data["supplier"].pk,
            expected_on=header.cleaned_data["expected_on"],
            transport_cost=header.cleaned_data["transport_cost"],
            note=header.cleaned_data["note"],
            lines=_with_scan(rows.filled(), scanned),
        )
        try:
            if order is None:
                order = services.create_purchase_order(actor=request.user, data=data)
            else:
                services.update_purchase_order(
                    actor=request.user, purchase_order_id=order.pk, data=data
                )
        except DomainError as error:
            show_service_error(error, header, {"lines": rows.filled()})
            return self._render(order, header, rows, scan)
        if scanned or request.POST.get("action") == "scan":
            return redirect("purchasing:order_edit", pk=order.pk)
        messages.success(request, _("Purchase order %(number)s saved.") % {"number": order.number})
        return redirect("purchasing:order_detail", pk=order.pk)


class OrderCreateView(OrderFormView):
    permission_required = "purchasing.add_purchaseorder"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"supplier": request.GET.get("supplier")}
        return self._render(
            None, OrderHeaderForm(initial=initial), OrderLineFormSet(prefix="lines"), ScanForm()
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._save(None, request)


class OrderEditView(OrderFormView):
    permission_required = "purchasing.change_purchaseorder"

    def _refused(self, order: PurchaseOrder) -> HttpResponse:
        # A stale tab of a PO ordered meanwhile: say why instead of a bare 404.
        messages.error(self.request, _("Only a draft purchase order can be edited."))
        return redirect("purchasing:order_detail", pk=order.pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        if order.status != PurchaseOrderStatus.DRAFT:
            return self._refused(order)
        header = OrderHeaderForm(
            initial={
                "supplier": order.supplier_id,
                "expected_on": order.expected_on,
                "transport_cost": order.transport_cost,
                "note": order.note,
            }
        )
        lines = [
            {
                "merchant_code": line.sku.merchant_code,
                "quantity": line.quantity,
                "unit_cost": line.unit_cost,
            }
            for line in selectors.purchase_order_lines(order)
        ]
        rows = OrderLineFormSet(prefix="lines", initial=lines)
        return self._render(order, header, rows, ScanForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        if order.status != PurchaseOrderStatus.DRAFT:
            return self._refused(order)
        return self._save(order, request)


class OrderDetailView(PagePermissionMixin, View):
    permission_required = "purchasing.view_purchaseorder"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        user = request.user
        show_cost = user.has_perm(VIEW_COST)
        is_draft = order.status == PurchaseOrderStatus.DRAFT
        context = {
            "order": order,
            "lines": selectors.purchase_order_lines(order),
            "totals": selectors.with_totals(PurchaseOrder.objects.filter(pk=order.pk)).get(),
            "events": order.events.select_related("actor"),
            "receipts": order.receipts.select_related("warehouse", "exchange_list"),
            "show_cost": show_cost,
            # Line changes carry unit costs: the audit trail is for those who may see them.
            "audit_entries": audit.entries_for(order)[:100] if show_cost else None,
            "warnings": services.first_order_warnings(order) if is_draft else [],
            "status_form": OrderStatusForm(),
            "transport_form": TransportForm(initial={"transport_cost": order.transport_cost}),
            "note_form": NoteForm(),
            "review_form": None,
        }
        if order.status in PLACED and user.has_perm("purchasing.add_batchreview"):
            products = selectors.reorder_products(order)
            if products:
                context["review_form"] = ReviewFlagForm(products=products)
        return render(request, "purchasing/order_detail.html", context)


class OrderStatusView(PagePermissionMixin, View):
    """Place, cancel or close: POST action=place|cancel|close, note, confirm checkbox."""

    permission_required = "purchasing.change_purchaseorder"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = OrderStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an action."))
            return redirect("purchasing:order_detail", pk=order.pk)
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            if action == "place":
                services.place_purchase_order(
                    actor=request.user,
                    purchase_order_id=order.pk,
                    confirm_over_first_order_cap=form.cleaned_data["confirm_over_first_order_cap"],
                    note=note,
                )
            elif action == "cancel":
                services.cancel_purchase_order(
                    actor=request.user, purchase_order_id=order.pk, note=note
                )
            else:
                services.close_purchase_order(
                    actor=request.user, purchase_order_id=order.pk, note=note
                )
        except DomainError as error:
            messages.error(request, error_text(error))
            return redirect("purchasing:order_detail", pk=order.pk)
        order.refresh_from_db()
        messages.success(
            request,
            _("Purchase order %(number)s is now %(status)s.")
            % {"number": order.number, "status": order.get_status_display()},
        )
        return redirect("purchasing:order_detail", pk=order.pk)


class OrderTransportView(PagePermissionMixin, View):
    permission_required = "purchasing.change_purchaseorder"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = TransportForm(request.POST)
        try:
            services.set_transport_cost(
                actor=request.user,
                purchase_order_id=order.pk,
                transport_cost=form.data.get("transport_cost", ""),
            )
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Transport cost saved."))
        return redirect("purchasing:order_detail", pk=order.pk)
