"""Replenishment list pages: the lists made so far, one list grouped by supplier, its XLSX
export, making a list now and turning one into draft purchase orders."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from zhanggui.core.errors import DomainError
from zhanggui.core.tabular import XLSX_CONTENT_TYPE, Cell, write_xlsx
from zhanggui.inventory.models import VelocityClass
from zhanggui.purchasing import replenishment
from zhanggui.purchasing.models import ReplenishmentRun
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role

READ, RUN = "purchasing.view_replenishmentrun", "purchasing.add_replenishmentrun"


def get_run(pk: int) -> ReplenishmentRun:
    run = (
        ReplenishmentRun.objects.select_related("created_by", "converted_by").filter(pk=pk).first()
    )
    if run is None:
        raise Http404(_("No such replenishment list."))
    return run


class RunListView(PagePermissionMixin, ListView):
    """The lists made so far, newest first, with a button to make one now."""

    permission_required = READ
    template_name = "purchasing/replenishment_list.html"
    context_object_name = "runs"
    paginate_by = 30

    def get_queryset(self) -> QuerySet[ReplenishmentRun]:
        runs = ReplenishmentRun.objects.select_related("created_by")
        return runs.annotate(line_count=Count("lines")).order_by("-created_at", "-id")


class ComputeView(PagePermissionMixin, View):
    permission_required = RUN

    def post(self, request: HttpRequest) -> HttpResponse:
        run = replenishment.compute_replenishment(actor=request.user)
        messages.success(
            request,
            _("Replenishment list made: %(lines)d SKUs to order.") % {"lines": run.lines.count()},
        )
        return redirect("replenishment:detail", pk=run.pk)


class RunDetailView(PagePermissionMixin, View):
    permission_required = READ

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(pk)
        context = {
            "run": run,
            "groups": replenishment.grouped_lines(run),
            "show_money": request.user.has_perm("catalog.view_cost"),
            "can_order": request.user.has_perms(ConvertView.permission_required),
        }
        return render(request, "purchasing/replenishment_detail.html", context)


def _rows(run: ReplenishmentRun, *, money: bool) -> Iterable[list[Cell]]:
    labels = dict(VelocityClass.choices)
    no_supplier = _("No supplier yet")
    for group in replenishment.grouped_lines(run):
        name = group.supplier.name if group.supplier else no_supplier
        for line in group.lines:
            sku = line.sku
            row: list[Cell] = [
                name,
                sku.merchant_code,
                sku.barcode or "",
                sku.product.title,
                sku.color,
                sku.size,
                str(labels.get(line.velocity, line.velocity)),
                line.units_sold,
                line.available,
                line.on_order,
                line.lead_time_days,
                line.safety_stock,
                line.suggested_quantity,
            ]
            if money:
                amount = (
                    None if line.unit_cost is None else line.unit_cost * line.suggested_quantity
                )
                row += [line.unit_cost, amount]
            yield row


class ExportView(PagePermissionMixin, View):
    """The list as XLSX, one row per SKU in supplier order (text cells formula-safe)."""

    permission_required = READ

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(pk)
        money = request.user.has_perm("catalog.view_cost")
        header = [
            _("Supplier"),
            _("Merchant code"),
            _("Barcode"),
            _("Title"),
            _("Colour"),
            _("Size"),
            _("Velocity"),
            _("Units sold"),
            _("Available"),
            _("On order"),
            _("Lead time (days)"),
            _("Safety stock"),
            _("Suggested quantity"),
        ]
        if money:
            header += [_("Last cost"), _("Amount")]
        content = write_xlsx(header, _rows(run, money=money), sheet_title=f"BH{run.pk}")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        day = timezone.localtime(run.created_at)
        filename = f"replenishment-{day:%Y%m%d}-{run.pk}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class ConvertView(PagePermissionMixin, View):
    """One draft purchase order per supplier from a list."""

    permission_required = (RUN, "purchasing.add_purchaseorder")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(pk)
        try:
            result = replenishment.create_draft_orders(actor=request.user, run_id=run.pk)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("replenishment:detail", pk=run.pk)
        numbers = ", ".join(order.number or "" for order in result.orders)
        messages.success(
            request,
            _("%(count)d draft purchase orders made: %(numbers)s.")
            % {"count": len(result.orders), "numbers": numbers or "—"},
        )
        if result.without_supplier:
            messages.warning(
                request,
                _("%(count)d SKUs have no supplier yet: order them by hand.")
                % {"count": result.without_supplier},
            )
        if result.inactive_suppliers:
            messages.warning(
                request,
                _("Not ordered, the supplier is inactive: %(names)s.")
                % {"names": ", ".join(result.inactive_suppliers)},
            )
        return redirect("replenishment:detail", pk=run.pk)


# Registered with the pages it links to: the buyer's Thursday work (DOMAIN.md §3).
register(
    Queue(
        "replenishment_this_week",
        gettext_lazy("Replenishment list of this week"),
        frozenset({Role.BUYER}),
        replenishment.count_open_lines_this_week,
        lambda: reverse("replenishment:list"),
    )
)
