"""Warehouses, their bins, and which bins a SKU sits in (a scan form: SKU code + bin code)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.inventory import warehouses as service
from zhanggui.inventory.forms import BinForm, PlaceForm, WarehouseForm, show_error
from zhanggui.inventory.models import Bin, SkuBin, StockLevel, Warehouse
from zhanggui.staff.access import PagePermissionMixin

VIEW_STOCK = "inventory.view_stocklevel"


def _warehouse(code: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise Http404(_("No warehouse with this code."))
    return warehouse


def _values(form: WarehouseForm) -> service.WarehouseInput:
    data = form.cleaned_data
    return service.WarehouseInput(
        name=data["name"],
        is_sellable=data["is_sellable"],
        is_default=data["is_default"],
        is_active=data["is_active"],
    )


class WarehouseListView(PagePermissionMixin, View):
    permission_required = VIEW_STOCK

    def get(self, request: HttpRequest) -> HttpResponse:
        # Subqueries, not joins: bins × balances would multiply the sum.
        bins = Bin.objects.filter(warehouse=OuterRef("pk")).order_by().values("warehouse")
        levels = StockLevel.objects.filter(warehouse=OuterRef("pk")).order_by().values("warehouse")
        warehouses = Warehouse.objects.annotate(
            bin_count=Subquery(bins.annotate(n=Count("pk")).values("n")),
            on_hand=Subquery(levels.annotate(total=Sum("on_hand")).values("total")),
        )
        return render(request, "inventory/warehouse_list.html", {"warehouses": warehouses})


class WarehouseCreateView(PagePermissionMixin, View):
    permission_required = "inventory.add_warehouse"
    template_name = "inventory/warehouse_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": WarehouseForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = WarehouseForm(request.POST)
        if form.is_valid():
            try:
                warehouse = service.create_warehouse(
                    actor=request.user, code=form.cleaned_data["code"], data=_values(form)
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Warehouse %(name)s added.") % {"name": warehouse})
                return redirect("inventory:warehouse_detail", code=warehouse.code)
        return render(request, self.template_name, {"form": form})


class WarehouseEditView(PagePermissionMixin, View):
    permission_required = "inventory.change_warehouse"
    template_name = "inventory/warehouse_form.html"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        warehouse = _warehouse(code)
        initial = {
            "name": warehouse.name,
            "is_sellable": warehouse.is_sellable,
            "is_default": warehouse.is_default,
            "is_active": warehouse.is_active,
        }
        form = WarehouseForm(initial=initial, editing=True)
        return render(request, self.template_name, {"form": form, "warehouse": warehouse})

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        warehouse = _warehouse(code)
        form = WarehouseForm(request.POST, editing=True)
        if form.is_valid():
            try:
                service.update_warehouse(
                    actor=request.user, warehouse_id=warehouse.pk, data=_values(form)
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Warehouse %(name)s saved.") % {"name": warehouse})
                return redirect("inventory:warehouse_detail", code=warehouse.code)
        return render(request, self.template_name, {"form": form, "warehouse": warehouse})


def _warehouse_page(request: HttpRequest, warehouse: Warehouse, form: BinForm) -> HttpResponse:
    bins = warehouse.bins.annotate(
        sku_count=Count("sku_places"),
        primary_count=Count("sku_places", filter=Q(sku_places__is_primary=True)),
    ).order_by("code")
    context = {"warehouse": warehouse, "bins": bins, "form": form}
    return render(request, "inventory/warehouse_detail.html", context)


class WarehouseDetailView(PagePermissionMixin, View):
    """A warehouse's bins, with how many SKUs sit in each, and a form to add bins."""

    permission_required = VIEW_STOCK

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return _warehouse_page(request, _warehouse(code), BinForm())


class BinCreateView(PagePermissionMixin, View):
    permission_required = "inventory.add_bin"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        warehouse = _warehouse(code)
        form = BinForm(request.POST)
        if form.is_valid():
            try:
                bin_ = service.create_bin(
                    actor=request.user, warehouse_id=warehouse.pk, code=form.cleaned_data["code"]
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Bin %(code)s added.") % {"code": bin_.code})
                return redirect("inventory:warehouse_detail", code=warehouse.code)
        return _warehouse_page(request, warehouse, form)


def _bin(pk: int) -> Bin:
    bin_ = Bin.objects.select_related("warehouse").filter(pk=pk).first()
    if bin_ is None:
        raise Http404(_("No such bin."))
    return bin_


def _bin_page(request: HttpRequest, bin_: Bin, form: BinForm) -> HttpResponse:
    places = bin_.sku_places.select_related("sku__product").order_by("sku__merchant_code")
    context = {"bin": bin_, "places": places, "form": form}
    return render(request, "inventory/bin_detail.html", context)


class BinDetailView(PagePermissionMixin, View):
    """The SKUs placed in one bin, and (with change_bin) a form to give it a new code."""

    permission_required = VIEW_STOCK

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bin_ = _bin(pk)
        return _bin_page(request, bin_, BinForm(initial={"code": bin_.code}))


class BinEditView(PagePermissionMixin, View):
    permission_required = "inventory.change_bin"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bin_ = _bin(pk)
        form = BinForm(request.POST)
        if form.is_valid():
            try:
                service.rename_bin(
                    actor=request.user, bin_id=bin_.pk, code=form.cleaned_data["code"]
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Bin saved."))
                return redirect("inventory:bin_detail", pk=bin_.pk)
        return _bin_page(request, bin_, form)


class PlaceView(PagePermissionMixin, View):
    """Scan a SKU, then a bin: the SKU is placed there. The warehouse stays chosen."""

    permission_required = "inventory.add_skubin"
    template_name = "inventory/place_form.html"

    def _render(self, form: PlaceForm, place: SkuBin | None = None) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "place": place})

    def get(self, request: HttpRequest) -> HttpResponse:
        default = Warehouse.objects.filter(is_default=True).values_list("code", flat=True)
        warehouse = request.GET.get("warehouse") or default.first()
        initial: dict[str, Any] = {"warehouse": warehouse, "sku": request.GET.get("sku", "")}
        return self._render(PlaceForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlaceForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        data = form.cleaned_data
        try:
            place = service.place_sku(
                actor=request.user,
                sku_code=data["sku"],
                warehouse_id=data["warehouse"].pk,
                bin_code=data["bin"],
                primary=data["primary"],
            )
        except DomainError as error:
            show_error(error, form)
            return self._render(form)
        messages.success(
            request,
            _("%(code)s is in bin %(bin)s.") % {"code": place.sku.merchant_code, "bin": place.bin},
        )
        query = urlencode({"warehouse": data["warehouse"].code})
        return redirect(f"{reverse('inventory:place_sku')}?{query}")


def _back(request: HttpRequest, place: SkuBin) -> HttpResponse:
    # Back to the page the button was on (the SKU's or the bin's), never off the site.
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inventory:sku_stock", pk=place.sku_id)


class PlacePrimaryView(PagePermissionMixin, View):
    permission_required = "inventory.change_skubin"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            place = service.set_primary_place(actor=request.user, place_id=pk)
        except DomainError as error:
            raise Http404(str(error.message)) from error
        messages.success(request, _("%(bin)s is now the primary place.") % {"bin": place.bin})
        return _back(request, place)


class PlaceRemoveView(PagePermissionMixin, View):
    permission_required = "inventory.delete_skubin"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        place = SkuBin.objects.select_related("bin__warehouse", "sku").filter(pk=pk).first()
        if place is None:
            raise Http404(_("No such place."))
        service.remove_place(actor=request.user, place_id=place.pk)
        messages.success(
            request,
            _("%(code)s taken out of bin %(bin)s.")
            % {"code": place.sku.merchant_code, "bin": place.bin},
        )
        return _back(request, place)
