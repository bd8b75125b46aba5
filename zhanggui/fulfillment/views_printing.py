"""Printing pages: choose the orders and print their labels as one PDF; label batches with
their labels, pick list (PDF, XLSX) and packing slips; reprint a batch or one label; cancel
a label. Everything needs fulfillment.print_labels.

Printing goes to the batch's page, which starts the PDF download once (a `Refresh`
header: no script needed) and lists the orders refused with why; the pick list and the
packing slips of the batch are one click away there."""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from zhanggui.core import audit
from zhanggui.core.errors import DomainError
from zhanggui.core.tabular import XLSX_CONTENT_TYPE
from zhanggui.fulfillment import forms_printing as forms
from zhanggui.fulfillment import selectors_printing as selectors
from zhanggui.fulfillment.models import LabelBatch
from zhanggui.fulfillment.services import picklists, printing, slips
from zhanggui.fulfillment.services.couriers import get_settings
from zhanggui.orders.selectors_pages import order_rows, page_of
from zhanggui.staff.access import PagePermissionMixin

PRINT_LABELS: Final = "fulfillment.print_labels"
SHOWN: Final = 200  # orders listed on the print page; "the first N" reaches further
REFUSALS_SHOWN: Final = 30
PDF: Final = "application/pdf"
DOWNLOAD_KEY: Final = "fulfillment.download_batch"


class _PrintPage(PagePermissionMixin, View):
    permission_required = PRINT_LABELS


def _batch(pk: int) -> LabelBatch:
    batch = LabelBatch.objects.select_related("created_by").filter(pk=pk).first()
    if batch is None:
        raise Http404(_("No such label batch."))
    return batch


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report(request: HttpRequest, result: printing.PrintResult) -> None:
    """What happened, as messages on the next page: how many printed, and each refusal."""
    if result.printed:
        text = ngettext(
            "%(count)d label in batch #%(batch)d; the PDF downloads now.",
            "%(count)d labels in batch #%(batch)d; the PDF downloads now.",
            result.printed,
        )
        batch = result.batch.pk if result.batch else 0
        messages.success(request, text % {"count": result.printed, "batch": batch})
    if result.refused:
        text = ngettext(
            "%(count)d order was not printed and is left as it was:",
            "%(count)d orders were not printed and are left as they were:",
            len(result.refused),
        )
        messages.warning(request, text % {"count": len(result.refused)})
    for refusal in result.refused[:REFUSALS_SHOWN]:
        messages.warning(request, f"{refusal.order_no or refusal.order_id}: {refusal.reason}")
    if len(result.refused) > REFUSALS_SHOWN:
        messages.warning(
            request,
            _("… and %(count)d more.") % {"count": len(result.refused) - REFUSALS_SHOWN},
        )


def _to_batch(request: HttpRequest, batch: LabelBatch) -> HttpResponse:
    # Remembered in the session, not the address: reloading the page downloads nothing.
    request.session[DOWNLOAD_KEY] = batch.pk
    return redirect("fulfillment:batch_detail", pk=batch.pk)


# ---------------------------------------------------------------- choosing and printing


class PrintView(_PrintPage):
    template_name = "fulfillment/printing/print.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = forms.PrintFilterForm(request.GET or None)
        return self._page(request, filters, forms.PrintForm(initial=self._initial(filters)))

    def post(self, request: HttpRequest) -> HttpResponse:
        filters = forms.PrintFilterForm(request.POST)
        form = forms.PrintForm(request.POST)
        if not form.is_valid():
            return self._page(request, filters, form, status=400)
        order_ids = form.cleaned_data["order"]
        if not order_ids:
            orders = selectors.printable_orders(filters.filters())
            order_ids = list(orders.values_list("pk", flat=True)[: form.cleaned_data["first"]])
        try:
            result = printing.create_batch(request.user, order_ids, form.cleaned_data["size"])
        except DomainError as error:
            form.add_error(None, str(error.message))
            return self._page(request, filters, form, status=400)
        if result.batch is None:
            return self._page(request, filters, form, refused=result.refused)
        _report(request, result)
        return _to_batch(request, result.batch)

    def _initial(self, filters: forms.PrintFilterForm) -> dict[str, Any]:
        sizes = selectors.label_sizes(filters.filters().courier)
        default = get_settings().default_label_size
        return {"size": default if default in sizes or not sizes else sizes[0]}

    def _page(
        self,
        request: HttpRequest,
        filters: forms.PrintFilterForm,
        form: forms.PrintForm,
        *,
        refused: list[printing.Refusal] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        chosen = filters.filters()
        orders = selectors.printable_orders(chosen)
        sizes = selectors.label_sizes(chosen.courier)
        context = {
            "filters": filters,
            "form": form,
            "rows": order_rows(list(orders[:SHOWN])),
            "count": orders.count(),
            "shown": SHOWN,
            "sizes": sizes,
            "max_batch": forms.MAX_BATCH,
            "refused": refused or [],
        }
        return render(request, self.template_name, context, status=status)


# ---------------------------------------------------------------- batches


class BatchListView(_PrintPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = page_of(selectors.list_batches(), request.GET.get("page"))
        return render(request, "fulfillment/printing/batches.html", {"page": page})


class BatchDetailView(_PrintPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        page = page_of(selectors.batch_entries(batch), request.GET.get("page"), size=SHOWN)
        context = {
            "batch": batch,
            "page": page,
            "labels": batch.entries.count(),
            "reprint_form": forms.ReprintForm(),
        }
        response = render(request, "fulfillment/printing/batch_detail.html", context)
        if request.session.pop(DOWNLOAD_KEY, None) == batch.pk:
            # The browser fetches the PDF at once and stays on this page (an attachment).
            url = reverse("fulfillment:batch_labels", kwargs={"pk": batch.pk})
            response["Refresh"] = f"0; url={url}"
        return response


class BatchLabelsView(_PrintPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        pdf = printing.render_batch(batch)
        # The same pages again: not a reprint (no new batch), but kept in the audit trail.
        audit.record(
            actor=request.user,
            instance=batch,
            action=audit.AuditAction.UPDATE,
            changes={"downloaded": {"before": None, "after": timezone.now().isoformat()}},
            note=_("Labels downloaded"),
        )
        return _download(pdf, PDF, f"labels-{batch.pk}.pdf")


class BatchPickListView(_PrintPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        return _download(picklists.pick_list_pdf(batch), PDF, f"pick-list-{batch.pk}.pdf")


class BatchPickListXlsxView(_PrintPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        content = picklists.pick_list_xlsx(batch)
        return _download(content, XLSX_CONTENT_TYPE, f"pick-list-{batch.pk}.xlsx")


class BatchSlipsView(_PrintPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        return _download(slips.packing_slips_pdf(batch), PDF, f"packing-slips-{batch.pk}.pdf")


# ---------------------------------------------------------------- reprint, cancel


def _after_reprint(
    request: HttpRequest, result: printing.PrintResult, back: HttpResponse
) -> HttpResponse:
    _report(request, result)
    if result.batch is None:
        messages.error(request, _("Nothing was printed."))
        return back
    return _to_batch(request, result.batch)


class BatchReprintView(_PrintPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = _batch(pk)
        form = forms.ReprintForm(request.POST)
        size = form.cleaned_data["size"] if form.is_valid() else ""
        back = redirect("fulfillment:batch_detail", pk=batch.pk)
        try:
            result = printing.reprint_batch(request.user, batch.pk, size or None)
        except DomainError as error:
            messages.error(request, str(error.message))
            return back
        return _after_reprint(request, result, back)


class LabelReprintView(_PrintPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.CancelLabelForm(request.POST)  # only its `batch`: where to go back
        batch_id = form.cleaned_data.get("batch") if form.is_valid() else None
        back = _back(batch_id)
        try:
            result = printing.reprint_label(request.user, pk)
        except DomainError as error:
            messages.error(request, str(error.message))
            return back
        return _after_reprint(request, result, back)


class LabelCancelView(_PrintPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.CancelLabelForm(request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        back = _back(data.get("batch"))
        try:
            cancelled = printing.cancel_label(request.user, pk, reason=data.get("reason") or "")
        except DomainError as error:
            messages.error(request, str(error.message))
            return back
        number = cancelled.parcel.tracking_no
        if cancelled.number_status == "available":
            text = _("Label %(number)s cancelled; the number is back in the pool.")
        else:
            text = _("Label %(number)s cancelled; the number is void.")
        messages.success(request, text % {"number": number})
        return back


def _back(batch_id: int | None) -> HttpResponse:
    if batch_id and LabelBatch.objects.filter(pk=batch_id).exists():
        return redirect("fulfillment:batch_detail", pk=batch_id)
    return redirect("fulfillment:batches")
