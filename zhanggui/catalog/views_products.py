"""Product pages: list and search, create (with its SKUs), detail, edit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.catalog import selectors, services
from zhanggui.catalog.forms import (
    ImageUploadForm,
    ProductEditForm,
    ProductFilterForm,
    ProductForm,
    SkuRowFormSet,
    show_service_error,
)
from zhanggui.catalog.models import Category, ListingStatus, Product
from zhanggui.channels.models import Shop
from zhanggui.core.errors import DomainError
from zhanggui.staff.access import PagePermissionMixin


def _gap_labels() -> dict[str, str]:
    # Translated per request: the module is imported before any language is active.
    return {
        "sku": _("Products without any SKU"),
        "listing": _("Products not listed in any shop"),
        "description": _("Products without a description"),
        "main_image": _("Products without a main image"),
        "images": _("Products with fewer than 6 images"),
        "main_width": _("Products whose main image has the wrong width"),
    }


class ProductListView(PagePermissionMixin, ListView):
    permission_required = "catalog.view_product"
    template_name = "catalog/product_list.html"
    context_object_name = "products"
    paginate_by = selectors.PAGE_SIZE

    def get_queryset(self) -> QuerySet[Product]:
        self.filter_form = ProductFilterForm(self.request.GET)
        self.filters = self.filter_form.filters()
        return selectors.list_products(self.filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["gap_label"] = _gap_labels().get(self.filters.missing, "")
        return context


def _category_names() -> list[str]:
    return list(Category.objects.values_list("name", flat=True))


class ProductCreateView(PagePermissionMixin, View):
    """A product and its SKU rows in one form, saved all or nothing by create_product."""

    permission_required = "catalog.add_product"
    template_name = "catalog/product_form.html"

    def _forms(self, data: Any = None) -> tuple[ProductForm, Any]:
        can_set_cost = self.request.user.has_perm("catalog.change_cost")
        rows = SkuRowFormSet(data, prefix="skus", form_kwargs={"can_set_cost": can_set_cost})
        return ProductForm(data), rows

    def _render(self, form: ProductForm, rows: Any) -> HttpResponse:
        context = {"form": form, "rows": rows, "category_names": _category_names()}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(*self._forms())

    def post(self, request: HttpRequest) -> HttpResponse:
        form, rows = self._forms(request.POST)
        if not (form.is_valid() and rows.is_valid()):
            return self._render(form, rows)
        filled = rows.filled()
        try:
            product = services.create_product(
                actor=request.user,
                data=services.ProductInput(**form.cleaned_data),
                skus=[services.SkuInput(**row.values()) for _index, row in filled],
            )
        except DomainError as error:
            show_service_error(error, form, filled, duplicate_field="item_no")
            return self._render(form, rows)
        messages.success(
            request,
            _("Product %(item_no)s created with %(count)d SKUs.")
            % {"item_no": product.item_no, "count": len(filled)},
        )
        return redirect("catalog:product_detail", item_no=product.item_no)


def product_url(item_no: str, section: str = "") -> str:
    url = reverse("catalog:product_detail", kwargs={"item_no": item_no})
    return f"{url}#{section}" if section else url


def get_product_or_404(item_no: str) -> Product:
    product = Product.objects.filter(item_no=item_no).first()
    if product is None:
        raise Http404(_("No product with this item number."))
    return product


class ProductDetailView(PagePermissionMixin, View):
    permission_required = "catalog.view_product"

    def get(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = selectors.get_product_page(item_no)
        if product is None:
            raise Http404(_("No product with this item number."))
        listings = {listing.shop_id: listing for listing in product.listings.all()}
        shops = [(shop, listings.get(shop.pk)) for shop in Shop.objects.filter(is_active=True)]
        context = {
            "product": product,
            "skus": product.skus.all(),
            "images": product.images.all(),
            "shops": shops,
            "listing_statuses": ListingStatus.choices,
            "audit_entries": selectors.product_audit_entries(product)[:100],
            "upload_form": ImageUploadForm(),
            "main_width": settings.ZHANGGUI["MAIN_IMAGE_WIDTH_PX"],
        }
        return render(request, "catalog/product_detail.html", context)


class ProductEditView(PagePermissionMixin, View):
    permission_required = "catalog.change_product"
    template_name = "catalog/product_edit.html"

    def _initial(self, product: Product) -> dict[str, Any]:
        return {
            "title": product.title,
            "category": product.category.name if product.category else "",
            "product_line": product.product_line,
            "is_hero": product.is_hero,
            "description": product.description,
        }

    def _render(self, product: Product, form: ProductEditForm) -> HttpResponse:
        context = {"product": product, "form": form, "category_names": _category_names()}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = get_product_or_404(item_no)
        return self._render(product, ProductEditForm(initial=self._initial(product)))

    def post(self, request: HttpRequest, item_no: str) -> HttpResponse:
        product = get_product_or_404(item_no)
        form = ProductEditForm(request.POST, initial=self._initial(product))
        if not form.is_valid():
            return self._render(product, form)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_product(actor=request.user, product_id=product.pk, **changes)
        except DomainError as error:
            show_service_error(error, form)
            return self._render(product, form)
        if changes:
            messages.success(request, _("Product %(item_no)s saved.") % {"item_no": item_no})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("catalog:product_detail", item_no=item_no)
