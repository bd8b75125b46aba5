"""Customer service pages: buyer messages waiting for an answer, failed deals (交易失败备注)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.customers import failed_deals
from zhanggui.orders import selectors_pages as selectors
from zhanggui.orders.forms_pages import FailedDealFilterForm, FailedDealForm, show_error
from zhanggui.orders.views_orders import VIEW_FAILED_DEALS, VIEW_ORDERS
from zhanggui.staff.access import PagePermissionMixin

ADD_FAILED_DEALS = "customers.add_faileddeal"


class BuyerMessagesView(PagePermissionMixin, View):
    """Orders whose buyer message waits for an answer, oldest first."""

    permission_required = VIEW_ORDERS

    def get(self, request: HttpRequest) -> HttpResponse:
        waiting = selectors.buyer_messages_waiting()
        page = selectors.page_of(waiting, request.GET.get("page"))
        context = {"page": page, "rows": selectors.order_rows(page.rows), "total": waiting.count()}
        return render(request, "orders/pages/buyer_messages.html", context)


class FailedDealsView(PagePermissionMixin, View):
    """Every failed-deal note, newest first, and a form to note one on a buyer."""

    permission_required = VIEW_FAILED_DEALS

    def _render(self, request: HttpRequest, form: FailedDealForm | None) -> HttpResponse:
        user: Any = request.user
        filters = FailedDealFilterForm(request.GET)
        data = filters.cleaned_data if filters.is_valid() else {}
        deals = failed_deals.list_failed_deals(
            query=(data.get("q") or "").strip(), channel=data.get("channel", "")
        )
        page = Paginator(deals, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        if form is None and user.has_perm(ADD_FAILED_DEALS):
            form = FailedDealForm(
                initial={
                    "channel": request.GET.get("channel") or "taobao",
                    "buyer_nick": request.GET.get("buyer_nick", ""),
                }
            )
        context = {
            "filters": filters,
            "form": form,
            "deals": page,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.paginator.num_pages > 1,
        }
        return render(request, "orders/pages/failed_deals.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, None)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(ADD_FAILED_DEALS):
            raise PermissionDenied
        form = FailedDealForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        try:
            deal = failed_deals.note_failed_deal(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, form)
            return self._render(request, form)
        messages.success(request, _("Noted for %(buyer)s.") % {"buyer": deal.buyer_nick})
        return redirect("orders:failed_deals")
