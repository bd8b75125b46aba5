"""Stocktake pages: the list, a new count, its page (start, sheets, post, cancel), the
scanner page, the sheet import and the variance report. Every write is a stocktakes service;
a refused action comes back as a message on the page it was asked from."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from zhanggui.catalog.models import Sku
from zhanggui.core.errors import DomainError, ImportRejected, InvalidInput
from zhanggui.core.tabular import XLSX_CONTENT_TYPE
from zhanggui.inventory import stocktake_selectors, stocktakes
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import Bin, Stocktake, StocktakeStatus, Warehouse
from zhanggui.inventory.stocktake_sheets import count_sheet, import_counts
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role

VIEW, COUNT, POST = (
    "inventory.view_stocktake",
    "inventory.change_stocktake",
    "inventory.post_stocktake",
)
# A scanner sends the code and Enter; "12*code" counts 12 at once (as shop tills do).
_TIMES = re.compile(r"^(\d{1,6})\s*[*×xX]\s*(\S.*)$")
_WORDS = re.compile(r"[\s,，;；]+")


def get_stocktake(pk: int) -> Stocktake:
    stocktake = Stocktake.objects.select_related("warehouse").filter(pk=pk).first()
    if stocktake is None:
        raise Http404(_("No such stocktake."))
    return stocktake


def hides_expected(user: Any, stocktake: Stocktake) -> bool:
    """A blind count under way: the people counting it do not see expected quantities or
    differences until it is posted (whoever posts it sees them to decide)."""
    return (
        stocktake.blind
        and stocktake.status == StocktakeStatus.COUNTING
        and user.has_perm(COUNT)
        and not user.has_perm(POST)
    )


def _detail(stocktake: Stocktake) -> HttpResponse:
    return redirect("stocktakes:detail", pk=stocktake.pk)


class StocktakeForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    bins = forms.CharField(
        label=gettext_lazy("Only these bins"),
        required=False,
        help_text=gettext_lazy("Bin codes separated by spaces; blank: the whole warehouse."),
    )
    skus = forms.CharField(
        label=gettext_lazy("Only these SKUs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Merchant codes or barcodes, one per line or separated by spaces."),
    )
    blind = forms.BooleanField(
        label=gettext_lazy("Blind count (counters do not see expected quantities)"),
        required=False,
        initial=True,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        warehouse = data.get("warehouse")
        codes = [code for code in _WORDS.split(data.get("bins", "")) if code]
        if warehouse is not None and codes:
            bins = dict(
                Bin.objects.filter(warehouse=warehouse, code__in=codes).values_list("code", "pk")
            )
            unknown = [code for code in codes if code not in bins]
            if unknown:
                self.add_error(
                    "bins", _("No such bin here: %(codes)s") % {"codes": ", ".join(unknown)}
                )
            data["bin_ids"] = list(bins.values())
        words = [word for word in _WORDS.split(data.get("skus", "")) if word]
        found = Sku.objects.filter(Q(merchant_code__in=words) | Q(barcode__in=words))
        by_code = {sku.merchant_code: sku.pk for sku in found} | {
            sku.barcode: sku.pk for sku in found if sku.barcode
        }
        unknown = [word for word in words if word not in by_code]
        if unknown:
            self.add_error(
                "skus", _("No SKU has the code %(code)s.") % {"code": ", ".join(unknown)}
            )
        data["sku_ids"] = sorted({by_code[word] for word in words if word in by_code})
        return data


class StocktakeListView(PagePermissionMixin, ListView):
    """Stocktakes, newest first; on the 28th-31st, the warehouses still to count."""

    permission_required = VIEW
    template_name = "inventory/stocktake_list.html"
    context_object_name = "stocktakes"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Stocktake]:
        return (
            Stocktake.objects.select_related("warehouse", "created_by", "posted_by")
            .annotate(
                line_count=Count("lines"),
                counted_count=Count("lines", filter=Q(lines__counted__isnull=False)),
            )
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(due=stocktake_selectors.warehouses_due(), **kwargs)


class StocktakeCreateView(PagePermissionMixin, View):
    permission_required = "inventory.add_stocktake"
    template_name = "inventory/stocktake_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"warehouse": Warehouse.objects.filter(is_default=True).first()}
        return render(request, self.template_name, {"form": StocktakeForm(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = StocktakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stocktake = stocktakes.create_stocktake(
                    actor=request.user,
                    warehouse_id=data["warehouse"].pk,
                    bin_ids=data.get("bin_ids", []),
                    sku_ids=data["sku_ids"],
                    blind=data["blind"],
                    note=data["note"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request, _("Stocktake %(number)s created.") % {"number": stocktake.number}
                )
                return _detail(stocktake)
        return render(request, self.template_name, {"form": form})


class StocktakeDetailView(PagePermissionMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        report = stocktake_selectors.variance(stocktake, show="none")
        context = {
            "stocktake": stocktake,
            "report": report,
            "bins": stocktake.bins.order_by("code"),
            "sku_count": stocktake.skus.count(),
            "blind": hides_expected(request.user, stocktake),
        }
        return render(request, "inventory/stocktake_detail.html", context)


class _ActionView(PagePermissionMixin, View):
    """A POST that calls one service and returns to the stocktake's page with a message."""

    def act(self, request: HttpRequest, stocktake: Stocktake) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        try:
            messages.success(request, self.act(request, stocktake))
        except InsufficientStock as error:
            for line in error.lines:
                messages.error(
                    request,
                    _(
                        "%(code)s: the count would take %(requested)d but only %(available)d "
                        "are free now; the rest is reserved for orders or has left since "
                        "counting started. Nothing was posted."
                    )
                    % {
                        "code": line["merchant_code"],
                        "requested": line["requested"],
                        "available": line["available"],
                    },
                )
        except DomainError as error:
            messages.error(request, str(error.message))
        return _detail(stocktake)


class StartView(_ActionView):
    permission_required = COUNT

    def act(self, request: HttpRequest, stocktake: Stocktake) -> str:
        started = stocktakes.start_counting(actor=request.user, stocktake_id=stocktake.pk)
        return _("Counting started: %(lines)d SKUs to count.") % {"lines": started.lines.count()}


class PostView(_ActionView):
    permission_required = POST

    def act(self, request: HttpRequest, stocktake: Stocktake) -> str:
        result = stocktakes.post_stocktake(
            actor=request.user,
            stocktake_id=stocktake.pk,
            uncounted_as_zero=request.POST.get("uncounted_as_zero") == "1",
        )
        return _("Posted: %(moves)d differences, %(added)d units added, %(removed)d removed.") % {
            "moves": result.moves,
            "added": result.units_added,
            "removed": result.units_removed,
        }


class CancelView(_ActionView):
    permission_required = POST

    def act(self, request: HttpRequest, stocktake: Stocktake) -> str:
        stocktakes.cancel_stocktake(
            actor=request.user, stocktake_id=stocktake.pk, note=request.POST.get("note", "")
        )
        return _("Stocktake %(number)s cancelled; nothing was posted.") % {
            "number": stocktake.number
        }


class SheetView(PagePermissionMixin, View):
    """The count sheet (XLSX) of a count under way; blind counts leave out expected."""

    permission_required = COUNT

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        if stocktake.status != StocktakeStatus.COUNTING:
            messages.error(request, _("Start counting first: the sheet lists the SKUs counted."))
            return _detail(stocktake)
        content = count_sheet(stocktake, with_expected=not stocktake.blind)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{stocktake.number}.xlsx"
        )
        return response


def _parse_scan(data: Any) -> tuple[str, int, bool]:
    """(code, quantity, set total) from the scan form; raises ValueError for a bad quantity."""
    code = str(data.get("code", "")).strip()
    typed = str(data.get("quantity", "")).strip()
    match = _TIMES.match(code)
    if match and not typed:
        typed, code = match.group(1), match.group(2).strip()
    if typed and not re.fullmatch(r"-?\d{1,6}", typed):
        raise ValueError(typed)
    return code, int(typed) if typed else 1, data.get("set_total") == "1"


class CountView(PagePermissionMixin, View):
    """The scanner page: a focused input; each scan of a barcode or merchant code adds 1,
    a typed quantity adds that many (or sets the total); keyboard only."""

    permission_required = COUNT
    template_name = "inventory/stocktake_count.html"

    def _context(self, stocktake: Stocktake, **extra: Any) -> dict[str, Any]:
        recent = stocktake.lines.filter(counted_at__isnull=False).select_related("sku__product")
        totals = stocktake.lines.aggregate(
            lines=Count("id"), counted=Count("id", filter=Q(counted__isnull=False))
        )
        return {
            "stocktake": stocktake,
            "recent": recent.order_by("-counted_at", "-id")[:10],
            "totals": totals,
            **extra,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self._context(get_stocktake(pk)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        feedback: dict[str, Any] = {}
        try:
            code, quantity, set_total = _parse_scan(request.POST)
            line = stocktakes.record_count(
                actor=request.user,
                stocktake_id=stocktake.pk,
                code=code,
                quantity=quantity,
                set_total=set_total,
            )
        except ValueError as error:
            feedback = {
                "ok": False,
                "message": _("%(value)s is not a whole number.") % {"value": error},
            }
        except InvalidInput as error:  # the field names mean nothing to the person scanning
            texts = [text for field in error.fields.values() for text in field]
            feedback = {"ok": False, "message": " ".join(texts)}
        except DomainError as error:
            feedback = {"ok": False, "message": str(error.message)}
        else:
            feedback = {"ok": True, "line": line, "added": None if set_total else quantity}
        if not request.htmx:
            (messages.success if feedback["ok"] else messages.error)(
                request, _feedback_text(feedback)
            )
            return redirect("stocktakes:count", pk=stocktake.pk)
        context = self._context(stocktake, feedback=feedback)
        return render(request, "inventory/stocktake_count_panel.html", context)


def _feedback_text(feedback: dict[str, Any]) -> str:
    if not feedback["ok"]:
        return str(feedback["message"])
    line = feedback["line"]
    return _("%(code)s counted: %(counted)d") % {
        "code": line.sku.merchant_code,
        "counted": line.counted,
    }


class ImportView(PagePermissionMixin, View):
    """Upload filled-in count sheets (XLSX, or CSV in GBK or UTF-8); all or nothing."""

    permission_required = COUNT
    template_name = "inventory/stocktake_import.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"stocktake": get_stocktake(pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        upload = request.FILES.get("file")
        context: dict[str, Any] = {"stocktake": stocktake}
        if upload is None:
            context["error"] = _("Choose the filled-in count sheet to upload.")
            return render(request, self.template_name, context)
        context["filename"] = upload.name
        try:
            summary = import_counts(
                actor=request.user,
                stocktake_id=stocktake.pk,
                filename=upload.name or "",
                content=upload.read(),
                add=request.POST.get("add") == "1",
            )
        except ImportRejected as rejected:
            context["row_errors"] = rejected.errors
        except DomainError as error:
            context["error"] = str(error.message)
        else:
            context["summary"] = summary
        return render(request, self.template_name, context)


class VarianceView(PagePermissionMixin, View):
    """Per SKU expected, counted, difference and (with catalog.view_cost) its cost value;
    `?show=differences|uncounted|all`, `?uncounted=zero` previews that posting choice."""

    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        stocktake = get_stocktake(pk)
        show = request.GET.get("show", "differences")
        if show not in stocktake_selectors.VARIANCE_FILTERS:
            show = "differences"
        as_zero = None
        if stocktake.status != StocktakeStatus.POSTED:
            as_zero = request.GET.get("uncounted") == "zero"
        report = stocktake_selectors.variance(stocktake, uncounted_as_zero=as_zero, show=show)
        page = Paginator(report.rows, 100).get_page(request.GET.get("page"))
        context = {
            "stocktake": stocktake,
            "report": report,
            "show": show,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "show_money": request.user.has_perm("catalog.view_cost"),
            "blind": hides_expected(request.user, stocktake),
        }
        if context["blind"]:
            context.update(report=None, page_obj=None, is_paginated=False)
        return render(request, "inventory/stocktake_variance.html", context)


# The monthly reminder (DOMAIN.md §4), registered with the pages it links to.
register(
    Queue(
        "stocktakes_due",
        gettext_lazy("Warehouses to count this month (28th-31st)"),
        frozenset({Role.WAREHOUSE}),
        stocktake_selectors.count_warehouses_due,
        lambda: reverse("stocktakes:list"),
    )
)
