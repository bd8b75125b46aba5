"""Merge (合单) and split (拆单) pages: the merge candidates with one-click merge, taking an
order out of its parcel, choosing quantities for a new part, splitting off what is out of
stock."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.orders.forms_pages import ReasonForm, SplitForm, error_text, show_error
from zhanggui.orders.models import Order
from zhanggui.orders.services.merge import merge_candidates, merge_orders, unmerge_order
from zhanggui.orders.services.split import split_order, split_out_of_stock
from zhanggui.orders.views_order_actions import back, safe_next
from zhanggui.orders.views_orders import REVIEW_ORDERS, get_order_or_404
from zhanggui.staff.access import PagePermissionMixin


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


class MergeListView(PagePermissionMixin, View):
    """Paid orders of one buyer to one receiver, not yet printed: merge in one click."""

    permission_required = REVIEW_ORDERS

    def get(self, request: HttpRequest) -> HttpResponse:
        groups = merge_candidates()
        prefetch_related_objects(
            [order for group in groups for order in group.orders], "lines", "merged_orders"
        )
        return render(request, "orders/pages/merge_list.html", {"groups": groups})


class MergeView(PagePermissionMixin, View):
    """POST orders=<id> (repeated): merge them; back to where the merge was asked."""

    permission_required = REVIEW_ORDERS

    def post(self, request: HttpRequest) -> HttpResponse:
        ids = [int(value) for value in request.POST.getlist("orders") if value.isdigit()]
        try:
            parcel = merge_orders(actor=request.user, order_ids=ids, reason=_reason(request))
        except DomainError as error:
            messages.error(request, error_text(error))
            return redirect(safe_next(request) or reverse("orders:merge_list"))
        messages.success(
            request,
            _("Merged: %(order)s carries the parcel.") % {"order": parcel},
        )
        return back(request, parcel)


class UnmergeView(PagePermissionMixin, View):
    permission_required = REVIEW_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        try:
            detached = unmerge_order(actor=request.user, order_id=order.pk, reason=_reason(request))
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Taken out of the parcel: %(orders)s.")
                % {"orders": ", ".join(str(item) for item in detached)},
            )
        return redirect("orders:detail", pk=order.pk)


class SplitView(PagePermissionMixin, View):
    """Choose how many units of each line move to a new part."""

    permission_required = REVIEW_ORDERS

    def _render(self, request: HttpRequest, order: Order, form: SplitForm) -> HttpResponse:
        return render(request, "orders/pages/split.html", {"order": order, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        return self._render(request, order, SplitForm(lines=list(order.lines.order_by("pk"))))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = SplitForm(request.POST, lines=list(order.lines.order_by("pk")))
        if not form.is_valid():
            return self._render(request, order, form)
        try:
            part = split_order(
                actor=request.user,
                order_id=order.pk,
                parts=form.parts(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            show_error(error, form, _split_fields(form))
            return self._render(request, order, form)
        messages.success(request, _("Split: the new part is %(part)s.") % {"part": part})
        return redirect("orders:detail", pk=part.pk)


def _split_fields(form: SplitForm) -> dict[str, str]:
    return {f"parts[{line.pk}]": form.field_name(line) for line in form.lines}


class SplitOutOfStockView(PagePermissionMixin, View):
    """Split off what cannot be allocated now; the rest can be approved at once."""

    permission_required = REVIEW_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        actor: Any = request.user
        try:
            part = split_out_of_stock(actor=actor, order_id=order.pk, reason=_reason(request))
        except DomainError as error:
            messages.error(request, error_text(error))
            return redirect("orders:detail", pk=order.pk)
        messages.success(
            request,
            _("What is out of stock waits in %(part)s; %(order)s can be approved now.")
            % {"part": part, "order": order},
        )
        return redirect("orders:detail", pk=order.pk)
