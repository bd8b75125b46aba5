"""Receiving pages: the counting grid of a PO, and the printable receipt note."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.inventory.services import default_warehouse
from zhanggui.purchasing import pdf, selectors, services
from zhanggui.purchasing.forms_receiving import ReceiveForm
from zhanggui.purchasing.models import PurchaseOrder, Receipt
from zhanggui.purchasing.status import OPEN_FOR_RECEIPT
from zhanggui.purchasing.views_orders import get_order_or_404
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.roles import VIEW_COST


class ReceiveView(PagePermissionMixin, View):
    """Count a delivery by colour and size; defective units go on an exchange list."""

    permission_required = "purchasing.receive_purchaseorder"
    template_name = "purchasing/receive.html"

    def _order(self, pk: int) -> PurchaseOrder:
        order = get_order_or_404(pk)
        if order.status not in OPEN_FOR_RECEIPT:
            raise Http404(_("This purchase order is not waiting for goods."))
        return order

    def _render(self, order: PurchaseOrder, form: ReceiveForm) -> HttpResponse:
        return render(self.request, self.template_name, {"order": order, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        lines = list(selectors.purchase_order_lines(order))
        form = ReceiveForm(lines=lines, initial={"warehouse": default_warehouse().code})
        return self._render(order, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        form = ReceiveForm(request.POST, lines=list(selectors.purchase_order_lines(order)))
        if not form.is_valid():
            return self._render(order, form)
        try:
            receipt = services.receive_purchase_order(
                actor=request.user,
                purchase_order_id=order.pk,
                counts=form.counts(),
                warehouse_code=form.cleaned_data["warehouse"].code,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.show_error(error)
            return self._render(order, form)
        messages.success(request, _("Receipt %(number)s posted.") % {"number": receipt.number})
        exchange = getattr(receipt, "exchange_list", None)
        if exchange is not None:
            messages.warning(
                request,
                _("Defective goods are on exchange list %(number)s: print it for the buyer.")
                % {"number": exchange.number},
            )
        return redirect("purchasing:order_detail", pk=order.pk)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=pdf.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


class ReceiptPdfView(PagePermissionMixin, View):
    permission_required = "purchasing.view_purchaseorder"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        receipt = (
            Receipt.objects.select_related("purchase_order__supplier", "warehouse")
            .filter(pk=pk)
            .first()
        )
        if receipt is None:
            raise Http404(_("No such receipt."))
        content = pdf.receipt_pdf(receipt, show_cost=request.user.has_perm(VIEW_COST))
        return pdf_response(content, f"{receipt.number}.pdf")
