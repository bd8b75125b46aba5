"""The stock page (balances per SKU × warehouse), one SKU's stock and ledger, and the list
of stock alerts."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.catalog.models import Sku
from zhanggui.inventory import alerts, rules
from zhanggui.inventory.forms import StockFilterForm
from zhanggui.inventory.models import StockLevel, VelocityClass, Warehouse
from zhanggui.inventory.velocity import get_policy, units_sold
from zhanggui.inventory.views_reads import (
    PAGE_SIZE,
    StockFilters,
    filter_stock_skus,
    ledger,
    page_window,
    sku_with_places,
    stock_rows,
)
from zhanggui.staff.access import PagePermissionMixin

VIEW_STOCK = "inventory.view_stocklevel"


class StockListView(PagePermissionMixin, ListView):
    """Balances of every active SKU: search, filters by warehouse, velocity, below the
    warning level (the buyer's queue) and sold out."""

    permission_required = VIEW_STOCK
    template_name = "inventory/stock_list.html"
    context_object_name = "skus"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Sku]:
        self.form = StockFilterForm(self.request.GET)
        data = self.form.cleaned_data if self.form.is_valid() else {}
        warehouse = data.get("warehouse")
        self.warehouse = warehouse
        self.policy = get_policy()
        filters = StockFilters(
            q=data.get("q", ""),
            warehouse_id=warehouse.pk if warehouse else None,
            velocity=data.get("velocity", ""),
            below_warning=bool(data.get("below_warning")),
            sold_out=bool(data.get("sold_out")),
        )
        self.filters = filters
        return filter_stock_skus(filters, policy=self.policy)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.warehouse:
            wanted = [self.warehouse]
        else:
            wanted = list(Warehouse.objects.filter(is_active=True))
        warehouses, rows = stock_rows(list(context["skus"]), warehouses=wanted, policy=self.policy)
        context.update(
            form=self.form,
            filters=self.filters,
            warehouses=warehouses,
            rows=rows,
            policy=self.policy,
        )
        return context


class SkuStockView(PagePermissionMixin, View):
    """One SKU: balances per warehouse, bins, velocity, and its ledger newest first."""

    permission_required = VIEW_STOCK

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        sku = sku_with_places(pk)
        if sku is None:
            raise Http404(_("No such SKU."))
        policy = get_policy()
        levels = (
            StockLevel.objects.filter(sku=sku)
            .select_related("warehouse")
            .order_by("-warehouse__is_default", "warehouse__code")
        )
        sold = units_sold([sku.pk], days=policy.window_days).get(sku.pk, 0)
        thresholds = rules.VelocityThresholds(policy.hot_min_units, policy.slow_max_units)
        velocity = rules.velocity_class(sold, thresholds)
        available = sum(level.available for level in levels if level.warehouse.is_sellable)
        context = {
            "sku": sku,
            "levels": levels,
            "available": available,
            "velocity": velocity,
            "velocity_label": VelocityClass(velocity).label,
            "sold": sold,
            "policy": policy,
            "warning_level": policy.warning_level(velocity),
            "moves": page_window(ledger(sku.pk), request.GET.get("page")),
        }
        return render(request, "inventory/sku_stock.html", context)


class AlertListView(PagePermissionMixin, View):
    """SKUs under the warning level of their velocity class, the most urgent first."""

    permission_required = VIEW_STOCK

    def get(self, request: HttpRequest) -> HttpResponse:
        policy = get_policy()
        page = Paginator(alerts.list_stock_alerts(policy=policy), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        skus = Sku.objects.select_related("product").in_bulk([a.sku_id for a in page])
        rows = [(alert, skus[alert.sku_id]) for alert in page if alert.sku_id in skus]
        context = {
            "rows": rows,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.paginator.num_pages > 1,
            "policy": policy,
        }
        return render(request, "inventory/alert_list.html", context)
