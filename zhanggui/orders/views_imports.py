"""Import pages: upload a channel export, and map the merchant codes it did not know."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.catalog.models import Sku
from zhanggui.core.errors import DomainError
from zhanggui.orders.forms_imports import ImportOrdersForm, MapCodeForm
from zhanggui.orders.imports import SourceFile, import_orders
from zhanggui.orders.services import mapping
from zhanggui.staff.access import PagePermissionMixin

IMPORT_ORDERS = "orders.import_orders"
VIEW_ORDERS = "orders.view_order"
MAP_CODES = "orders.add_merchantcodemapping"


class ImportOrdersView(PagePermissionMixin, View):
    """Upload the order report and item report (or a JD export); good orders import, bad
    ones are listed by file, row and column."""

    permission_required = IMPORT_ORDERS
    template_name = "orders/imports/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ImportOrdersForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportOrdersForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        uploads = [form.cleaned_data["orders_file"], form.cleaned_data["items_file"]]
        sources = [SourceFile(upload.name, upload.file) for upload in uploads if upload]
        shop = form.cleaned_data["shop"]
        try:
            summary = import_orders(
                actor=request.user,
                channel=form.cleaned_data["channel"],
                files=sources,
                shop_code=shop.code if shop else "",
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
            return render(request, self.template_name, {"form": form})
        context = {"form": ImportOrdersForm(initial={"channel": form.cleaned_data["channel"]})}
        return render(request, self.template_name, {**context, "summary": summary})


class UnmatchedCodesView(PagePermissionMixin, View):
    """Merchant codes we did not know, with the orders waiting on each; map one to a SKU
    once and every waiting order gets it."""

    permission_required = VIEW_ORDERS

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        context = {"codes": mapping.list_unmatched_codes(), "can_map": user.has_perm(MAP_CODES)}
        return render(request, "orders/imports/unmatched.html", context)


class MapCodeView(PagePermissionMixin, View):
    permission_required = MAP_CODES

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MapCodeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the SKU to map the code to."))
            return redirect("orders:unmatched")
        data = form.cleaned_data
        sku = Sku.objects.filter(merchant_code=data["sku_code"].strip()).first()
        if sku is None:
            messages.error(
                request, _("No SKU has the merchant code %(code)s.") % {"code": data["sku_code"]}
            )
            return redirect("orders:unmatched")
        try:
            result = mapping.map_merchant_code(
                actor=request.user,
                channel=data["channel"],
                merchant_code=data["merchant_code"],
                sku_id=sku.pk,
            )
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("orders:unmatched")
        messages.success(
            request,
            _(
                "%(code)s is now %(sku)s: %(lines)d order lines filled, %(orders)d orders "
                "released from the unmatched hold."
            )
            % {
                "code": data["merchant_code"],
                "sku": sku.merchant_code,
                "lines": result.lines_filled,
                "orders": len(result.orders_released),
            },
        )
        return redirect("orders:unmatched")


class SkuSearchView(PagePermissionMixin, View):
    """`?q=` (or the mapping form's `sku_code`): the SKUs matching a text, as <option>s for
    the mapping form's list."""

    permission_required = MAP_CODES

    def get(self, request: HttpRequest) -> HttpResponse:
        skus = mapping.search_skus(request.GET.get("q") or request.GET.get("sku_code", ""))
        return render(request, "orders/imports/sku_options.html", {"skus": skus})
