"""SKU pages (list, add to a product, edit) and the listing status per shop."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.catalog import selectors, services
from zhanggui.catalog.forms import (
    ListingStatusForm,
    SkuEditForm,
    SkuRowForm,
    show_service_error,
    sku_initial,
)
from zhanggui.catalog.models import Product, Sku
from zhanggui.catalog.views_products import get_product_or_404, product_url
from zhanggui.core.errors import DomainError
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.roles import SKU_EDIT_PERMISSIONS


class SkuListView(PagePermissionMixin, ListView):
    """Active SKUs; `?missing=weight|cost` is the warehouse's and the buyer's work queue."""

    permission_required = "catalog.view_sku"
    template_name = "catalog/sku_list.html"
    context_object_name = "skus"
    paginate_by = selectors.PAGE_SIZE

    def get_queryset(self) -> QuerySet[Sku]:
        self.q = self.request.GET.get("q", "")[:100]
        self.missing = self.request.GET.get("missing", "")
        if self.missing not in selectors.SKU_GAPS:
            self.missing = ""
        # Who may not see costs may not learn which SKUs lack one either.
        if self.missing == "cost" and not self.request.user.has_perm("catalog.view_cost"):
            self.missing = ""
        return selectors.list_skus(q=self.q, missing=self.missing)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(q=self.q, missing=self.missing)
        return context


class SkuCreateView(PagePermissionMixin, View):
    """Add one colour × size to an existing product."""

    permission_required = "catalog.add_sku"
    template_name = "catalog/sku_form.html"

    def _form(self, data: Any = None) -> SkuRowForm:
        form = SkuRowForm(data, can_set_cost=self.request.user.has_perm("catalog.change_cost"))
        form.fields["merchant_code"].required = True
        form.fields["price"].required = True
        return form

    def _render(self, product: Product, form: SkuRowForm) -> HttpResponse:
        return render(self.request, self.template_name, {"product": product, "form": form})

    def get(self, request: HttpRequest, item_no: str) -> HttpResponse:
        return self._render(get_product_or_404(item_no), self._form())

    def post(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = get_product_or_404(item_no)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(product, form)
        try:
            sku = services.create_sku(
                actor=request.user, product_id=product.pk, data=services.SkuInput(**form.values())
            )
        except DomainError as error:
            show_service_error(error, form, duplicate_field="size")
            return self._render(product, form)
        messages.success(request, _("SKU %(code)s added.") % {"code": sku.merchant_code})
        return redirect("catalog:product_detail", item_no=product.item_no)


class SkuEditView(PagePermissionMixin, View):
    """Edit one SKU. Which fields are open depends on the person's permissions (prices,
    costs); update_sku receives only the fields they changed and checks again."""

    permission_required = SKU_EDIT_PERMISSIONS
    template_name = "catalog/sku_edit.html"

    def has_permission(self) -> bool:
        # Any one of them opens the page; the form and update_sku limit the fields.
        return any(map(self.request.user.has_perm, SKU_EDIT_PERMISSIONS))

    def _sku(self, pk: int) -> Sku:
        sku = Sku.objects.select_related("product").filter(pk=pk).first()
        if sku is None:
            raise Http404(_("No such SKU."))
        return sku

    def _render(self, sku: Sku, form: SkuEditForm) -> HttpResponse:
        return render(self.request, self.template_name, {"sku": sku, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        sku = self._sku(pk)
        return self._render(sku, SkuEditForm(initial=sku_initial(sku), user=request.user))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        sku = self._sku(pk)
        form = SkuEditForm(request.POST, initial=sku_initial(sku), user=request.user)
        if not form.is_valid():
            return self._render(sku, form)
        changes = form.changes()
        try:
            services.update_sku(actor=request.user, sku_id=sku.pk, changes=changes)
        except DomainError as error:
            show_service_error(error, form, duplicate_field="size")
            return self._render(sku, form)
        if changes:
            messages.success(request, _("SKU %(code)s saved.") % {"code": sku.merchant_code})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("catalog:product_detail", item_no=sku.product.item_no)


class ListingStatusView(PagePermissionMixin, View):
    """Put a product on sale, in the warehouse or sold out in one shop."""

    permission_required = "catalog.change_listing"

    def post(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = get_product_or_404(item_no)
        form = ListingStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a shop and a status."))
            return redirect("catalog:product_detail", item_no=item_no)
        shop, status = form.cleaned_data["shop"], form.cleaned_data["status"]
        try:
            listing = services.set_listing_status(
                actor=request.user, product_id=product.pk, shop_id=shop.pk, status=status
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(shop)s: now %(status)s.")
                % {"shop": shop.name, "status": listing.get_status_display()},
            )
        return redirect(product_url(item_no, "listings"))
