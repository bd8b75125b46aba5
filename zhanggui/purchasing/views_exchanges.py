"""Supplier exchange list pages: list, detail with replacements coming back and closing,
and the two-copy PDF."""

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
from zhanggui.inventory.services import default_warehouse
from zhanggui.purchasing import pdf, services
from zhanggui.purchasing.forms import NoteForm, error_text
from zhanggui.purchasing.forms_receiving import ExchangeReceiveForm
from zhanggui.purchasing.models import ExchangeList
from zhanggui.purchasing.status import ExchangeStatus
from zhanggui.purchasing.views_receiving import pdf_response
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.roles import VIEW_COST


class ExchangeListView(PagePermissionMixin, ListView):
    permission_required = "purchasing.view_exchangelist"
    template_name = "purchasing/exchange_list.html"
    context_object_name = "exchanges"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[ExchangeList]:
        exchanges = ExchangeList.objects.select_related(
            "supplier", "receipt__purchase_order"
        ).prefetch_related("lines")
        self.status = self.request.GET.get("status", "")
        if self.status in ExchangeStatus.values:
            exchanges = exchanges.filter(status=self.status)
        return exchanges

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["statuses"] = ExchangeStatus.choices
        return context


def get_exchange_or_404(pk: int) -> ExchangeList:
    exchange = (
        ExchangeList.objects.select_related("supplier", "receipt__purchase_order")
        .filter(pk=pk)
        .first()
    )
    if exchange is None:
        raise Http404(_("No such exchange list."))
    return exchange


def _lines(exchange: ExchangeList) -> list[Any]:
    return list(exchange.lines.select_related("sku", "sku__product"))


class ExchangeDetailView(PagePermissionMixin, View):
    permission_required = "purchasing.view_exchangelist"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = get_exchange_or_404(pk)
        lines = _lines(exchange)
        form = ExchangeReceiveForm(
            lines=[line for line in lines if line.outstanding],
            initial={"warehouse": default_warehouse().code},
        )
        context = {
            "exchange": exchange,
            "lines": lines,
            "receive_form": form,
            "close_form": NoteForm(),
            "show_cost": request.user.has_perm(VIEW_COST),
            "audit_entries": audit.entries_for(exchange)[:50],
        }
        return render(request, "purchasing/exchange_detail.html", context)


class ExchangeReceiveView(PagePermissionMixin, View):
    permission_required = "purchasing.receive_exchange"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = get_exchange_or_404(pk)
        form = ExchangeReceiveForm(request.POST, lines=_lines(exchange))
        if not form.is_valid():
            messages.error(request, _("Enter whole numbers of pieces."))
            return redirect("purchasing:exchange_detail", pk=exchange.pk)
        try:
            services.receive_exchange(
                actor=request.user,
                exchange_list_id=exchange.pk,
                counts=form.counts(),
                warehouse_code=form.cleaned_data["warehouse"].code,
            )
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Exchanged goods received into stock."))
        return redirect("purchasing:exchange_detail", pk=exchange.pk)


class ExchangeCloseView(PagePermissionMixin, View):
    permission_required = "purchasing.close_exchangelist"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = get_exchange_or_404(pk)
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.close_exchange_list(
                actor=request.user, exchange_list_id=exchange.pk, note=note
            )
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _(
                    "Exchange list %(number)s closed; what never came back is on the defective account."
                )
                % {"number": exchange.number},
            )
        return redirect("purchasing:exchange_detail", pk=exchange.pk)


class ExchangePdfView(PagePermissionMixin, View):
    permission_required = "purchasing.view_exchangelist"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = get_exchange_or_404(pk)
        content = pdf.exchange_pdf(exchange, show_cost=request.user.has_perm(VIEW_COST))
        return pdf_response(content, f"{exchange.number}.pdf")
