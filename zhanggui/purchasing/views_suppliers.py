"""Supplier pages: the list (with the balance owed, for those who may see the ledger),
create and edit with contacts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.core import audit
from zhanggui.core.errors import DomainError
from zhanggui.purchasing import selectors, services
from zhanggui.purchasing.forms import ContactFormSet, SupplierForm, show_service_error
from zhanggui.purchasing.models import Supplier
from zhanggui.purchasing.status import OPEN_FOR_RECEIPT
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.roles import SUPPLIER_LEDGER


class SupplierListView(PagePermissionMixin, ListView):
    permission_required = "purchasing.view_supplier"
    template_name = "purchasing/supplier_list.html"
    context_object_name = "suppliers"
    paginate_by = selectors.PAGE_SIZE

    def get_queryset(self) -> QuerySet[Supplier]:
        suppliers = (
            Supplier.objects.prefetch_related("contacts")
            .annotate(open_orders=Count("orders", filter=Q(orders__status__in=OPEN_FOR_RECEIPT)))
            .order_by("name")
        )
        self.q = self.request.GET.get("q", "").strip()
        if self.q:
            suppliers = suppliers.filter(
                Q(name__icontains=self.q)
                | Q(contact_name__icontains=self.q)
                | Q(phone__icontains=self.q)
                | Q(city__icontains=self.q)
            )
        return suppliers

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["q"] = self.q
        if self.request.user.has_perm(SUPPLIER_LEDGER):
            # Only the page's rows: one aggregate query however many suppliers there are.
            balances = selectors.supplier_balances(s.pk for s in context["suppliers"])
            for supplier in context["suppliers"]:
                supplier.balance = balances[supplier.pk]
            context["show_balance"] = True
        return context


def _supplier_data(form: SupplierForm) -> services.SupplierInput:
    return services.SupplierInput(**form.cleaned_data)


def _contacts(rows: Any) -> list[services.ContactInput]:
    return [services.ContactInput(**row.cleaned_data) for row in rows.filled()]


class SupplierCreateView(PagePermissionMixin, View):
    permission_required = "purchasing.add_supplier"
    template_name = "purchasing/supplier_form.html"

    def _render(self, form: SupplierForm, rows: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "rows": rows})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(SupplierForm(), ContactFormSet(prefix="contacts"))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SupplierForm(request.POST)
        rows = ContactFormSet(request.POST, prefix="contacts")
        if not (form.is_valid() and rows.is_valid()):
            return self._render(form, rows)
        try:
            supplier = services.create_supplier(
                actor=request.user, data=_supplier_data(form), contacts=_contacts(rows)
            )
        except DomainError as error:
            show_service_error(error, form, {"contacts": rows.filled()}, conflict_field="name")
            return self._render(form, rows)
        messages.success(request, _("Supplier %(name)s added.") % {"name": supplier.name})
        return redirect("purchasing:supplier_list")


def get_supplier_or_404(pk: int) -> Supplier:
    supplier = Supplier.objects.filter(pk=pk).first()
    if supplier is None:
        raise Http404(_("No such supplier."))
    return supplier


class SupplierEditView(PagePermissionMixin, View):
    permission_required = "purchasing.change_supplier"
    template_name = "purchasing/supplier_form.html"

    def _render(self, supplier: Supplier, form: SupplierForm, rows: Any) -> HttpResponse:
        context = {
            "supplier": supplier,
            "form": form,
            "rows": rows,
            "audit_entries": audit.entries_for(supplier)[:50],
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        initial = {name: getattr(supplier, name) for name in SupplierForm.base_fields}
        contacts = [
            {"name": c.name, "position": c.position, "phone": c.phone, "wechat": c.wechat}
            for c in supplier.contacts.all()
        ]
        rows = ContactFormSet(prefix="contacts", initial=contacts)
        return self._render(supplier, SupplierForm(initial=initial), rows)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = get_supplier_or_404(pk)
        form = SupplierForm(request.POST)
        rows = ContactFormSet(request.POST, prefix="contacts")
        if not (form.is_valid() and rows.is_valid()):
            return self._render(supplier, form, rows)
        try:
            services.update_supplier(
                actor=request.user,
                supplier_id=supplier.pk,
                data=_supplier_data(form),
                contacts=_contacts(rows),
            )
        except DomainError as error:
            show_service_error(error, form, {"contacts": rows.filled()}, conflict_field="name")
            return self._render(supplier, form, rows)
        messages.success(
            request, _("Supplier %(name)s saved.") % {"name": form.cleaned_data["name"]}
        )
        return redirect("purchasing:supplier_list")
