"""Import and export pages. The import and export functions live in catalog.imports and
catalog.exports; they are imported when used so these pages load on their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views import View

from zhanggui.catalog import selectors
from zhanggui.catalog.forms import ImportForm, ProductFilterForm
from zhanggui.catalog.models import Product
from zhanggui.core.errors import DomainError, ImportRejected
from zhanggui.staff.access import PagePermissionMixin

# The list's filter names: an export link carrying any of them exports those products only.
LIST_FILTERS = ("q", "category", "line", "hero", "status", "shop", "missing")


class ImportView(PagePermissionMixin, View):
    """Upload one XLSX or CSV file; on errors nothing is saved and every bad row is shown."""

    permission_required = "catalog.import_catalog"
    template_name = "catalog/import.html"

    def _render(self, form: ImportForm, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **context})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        from zhanggui.catalog.imports import import_catalog

        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        upload = form.cleaned_data["file"]
        try:
            summary = import_catalog(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except ImportRejected as rejected:
            return self._render(form, row_errors=rejected.errors, filename=upload.name)
        except DomainError as error:
            form.add_error("file", str(error.message))
            return self._render(form)
        return self._render(ImportForm(), summary=summary, filename=upload.name)


class ExportView(PagePermissionMixin, View):
    """`?format=xlsx|csv&encoding=gbk`; with the product list's filters, only those
    products; `?template=1` gives the empty file to fill in."""

    permission_required = "catalog.export_catalog"

    def get(self, request: HttpRequest) -> HttpResponse:
        from zhanggui.catalog.exports import export_catalog

        fmt = request.GET.get("format", "xlsx")
        encoding = "gbk" if request.GET.get("encoding", "").lower() == "gbk" else "utf-8-sig"
        queryset = None
        if request.GET.get("template"):
            queryset = Product.objects.none()
        elif any(request.GET.get(name) for name in LIST_FILTERS):
            queryset = selectors.filter_products(ProductFilterForm(request.GET).filters())
        try:
            exported = export_catalog(
                user=request.user, fmt=fmt, encoding=encoding, queryset=queryset
            )
        except DomainError as error:
            return HttpResponse(
                str(error.message), status=error.http_status, content_type="text/plain"
            )
        response = HttpResponse(exported.content, content_type=exported.content_type)
        filename = exported.filename
        if request.GET.get("template"):
            filename = filename.replace("catalog-", "catalog-template-", 1)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
