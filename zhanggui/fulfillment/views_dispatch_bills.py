"""Courier bill pages: the bills with the import form, one bill's report (findings by
section), its XLSX export, matching again, sending to finance, finance's check, deleting a
bill not yet sent. Every page needs fulfillment.reconcile_bills."""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core.errors import DomainError, ImportRejected
from zhanggui.core.tabular import XLSX_CONTENT_TYPE
from zhanggui.fulfillment import forms_dispatch as forms
from zhanggui.fulfillment.forms_couriers import show_error
from zhanggui.fulfillment.models import Courier
from zhanggui.fulfillment.models_after import BillStatus, CourierBill
from zhanggui.fulfillment.services import bill_report, bills
from zhanggui.fulfillment.views_dispatch import RECONCILE_BILLS, DispatchPage, paginate

SECTIONS: Final = (
    ("all", gettext_lazy("All lines")),
    ("not_ours", gettext_lazy("Billed, not ours")),
    ("not_billed", gettext_lazy("Ours, not billed")),
    ("weight", gettext_lazy("Weight differences")),
    ("price", gettext_lazy("Price differences")),
    ("deductions", gettext_lazy("Deductions")),
    ("no_price", gettext_lazy("No price in our table")),
)


class _BillPage(DispatchPage):
    read_permission = RECONCILE_BILLS
    write_permission = RECONCILE_BILLS


def _bill(pk: int) -> CourierBill:
    try:
        return bills.get_bill(pk)
    except DomainError as error:
        raise Http404(str(error.message)) from error


def _list_page(
    request: HttpRequest, form: forms.BillImportForm | None = None, **extra: Any
) -> HttpResponse:
    status = request.GET.get("status", "")
    items = CourierBill.objects.select_related("courier", "imported_by", "sent_by")
    if status in BillStatus.values:
        items = items.filter(status=status)
    context = {
        "form": form or forms.BillImportForm(),
        "status": status,
        "statuses": BillStatus.choices,
        **paginate(request, items.order_by("-month", "courier__position", "-pk")),
        **extra,
    }
    return render(request, "fulfillment/dispatch/bill_list.html", context)


class BillListView(_BillPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _list_page(request)


class BillImportView(_BillPage):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.BillImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _list_page(request, form)
        data = form.cleaned_data
        upload = data["file"]
        courier = Courier.objects.filter(code=data["courier"]).first()
        if courier is None:  # pragma: no cover (the form offers existing couriers only)
            raise Http404(_("No courier with this code."))
        try:
            bill = bills.import_bill(
                actor=request.user,
                courier_id=courier.pk,
                month=bills.parse_month(data["month"]),
                filename=upload.name or "",
                content=upload.read(),
                weight_tolerance_g=data["weight_tolerance_g"],
            )
        except ImportRejected as rejected:
            return _list_page(request, form, row_errors=rejected.errors, filename=upload.name)
        except DomainError as error:
            show_error(error, form)
            return _list_page(request, form)
        messages.success(
            request,
            _("%(count)d lines imported and matched.") % {"count": bill.line_count},
        )
        return redirect("fulfillment:bill_detail", pk=bill.pk)


def _detail(
    request: HttpRequest, bill: CourierBill, form: forms.BillRematchForm | None = None
) -> HttpResponse:
    section = request.GET.get("show", "")
    summary = bill_report.summarize(bill)
    if section not in dict(SECTIONS):
        section = "all"
    if section == "not_billed":
        items: Any = bill_report.not_billed(bill)
    else:
        items = bill_report.section_lines(bill, section)
    page = paginate(request, items)
    rows = page["page_obj"].object_list
    context = {
        "bill": bill,
        "summary": summary,
        "sections": SECTIONS,
        "section": section,
        "rows": rows if section == "not_billed" else [(line, bill_report.findings_of(line)) for line in rows],
        "rematch_form": form or forms.BillRematchForm(initial={"weight_tolerance_g": bill.weight_tolerance_g}),
        "editable": bill.status == BillStatus.RECONCILED,
        **page,
    }  # fmt: skip
    return render(request, "fulfillment/dispatch/bill_detail.html", context)


class BillDetailView(_BillPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _detail(request, _bill(pk))


class BillExportView(_BillPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _bill(pk)
        response = HttpResponse(bill_report.export_bill(bill), content_type=XLSX_CONTENT_TYPE)
        filename = f"bill-{bill.courier.code}-{bill.month:%Y-%m}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class BillRematchView(_BillPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _bill(pk)
        form = forms.BillRematchForm(request.POST)
        if not form.is_valid():
            return _detail(request, bill, form)
        try:
            bills.rematch_bill(
                actor=request.user,
                bill_id=bill.pk,
                weight_tolerance_g=form.cleaned_data["weight_tolerance_g"],
            )
        except DomainError as error:
            show_error(error, form)
            return _detail(request, bill, form)
        messages.success(request, _("The bill was matched again."))
        return redirect("fulfillment:bill_detail", pk=bill.pk)


class BillSendView(_BillPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _bill(pk)
        form = forms.NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            bills.send_to_finance(actor=request.user, bill_id=bill.pk, note=note)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The bill was sent to finance."))
        return redirect("fulfillment:bill_detail", pk=bill.pk)


class BillCheckedView(_BillPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _bill(pk)
        try:
            bills.mark_checked(actor=request.user, bill_id=bill.pk)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The bill is marked checked."))
        return redirect("fulfillment:bill_detail", pk=bill.pk)


class BillDeleteView(_BillPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bill = _bill(pk)
        try:
            bills.delete_bill(actor=request.user, bill_id=bill.pk)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("fulfillment:bill_detail", pk=bill.pk)
        messages.success(request, _("The bill was deleted."))
        return redirect("fulfillment:bill_list")
