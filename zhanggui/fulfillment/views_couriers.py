"""Courier pages: the couriers with their channel codes and pools, a courier's price table
(XLSX/CSV in and out), the places it does not reach, its tracking-number pool, the shipping
settings, and one order's courier (chosen by the rules, overridden with a reason).

Reading needs fulfillment.view_courier; changing needs fulfillment.manage_couriers. An
order's courier is for those who review orders or print labels."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError, ImportRejected
from zhanggui.core.tabular import XLSX_CONTENT_TYPE
from zhanggui.fulfillment import forms_couriers as forms
from zhanggui.fulfillment.models import (
    Courier,
    CourierExclusion,
    CourierRate,
    WaybillNumber,
    WaybillStatus,
)
from zhanggui.fulfillment.services import choice, pools, rates
from zhanggui.fulfillment.services import couriers as service
from zhanggui.orders.models import Order
from zhanggui.staff.access import PagePermissionMixin, has_all

VIEW_COURIER = "fulfillment.view_courier"
MANAGE_COURIERS = "fulfillment.manage_couriers"
# Customer service chooses couriers while reviewing; the warehouse when printing.
ORDER_COURIER = ("orders.review_order", "fulfillment.print_labels")
LAST_USED = 20


class _ReadWritePage(PagePermissionMixin, View):
    """GET needs `permission_required`; POST needs `write_permission`."""

    permission_required = VIEW_COURIER
    write_permission = MANAGE_COURIERS

    def has_permission(self) -> bool:
        reading = self.request.method in ("GET", "HEAD")
        return self.request.user.has_perm(
            self.permission_required if reading else self.write_permission
        )


def _courier(code: str) -> Courier:
    courier = Courier.objects.select_related("priced_as").filter(code=code).first()
    if courier is None:
        raise Http404(_("No courier with this code."))
    return courier


# ---------------------------------------------------------------- couriers


class CourierListView(PagePermissionMixin, View):
    permission_required = VIEW_COURIER

    def get(self, request: HttpRequest) -> HttpResponse:
        couriers = Courier.objects.select_related("priced_as").annotate(
            available=Count("numbers", filter=Q(numbers__status=WaybillStatus.AVAILABLE)),
        )
        # Separate counts: annotating them in one query would multiply the joins.
        rate_counts = dict(
            CourierRate.objects.values_list("courier").annotate(n=Count("pk")).order_by()
        )
        exclusion_counts = dict(
            CourierExclusion.objects.values_list("courier").annotate(n=Count("pk")).order_by()
        )
        rows = [
            {
                "courier": courier,
                "channel_codes": sorted(courier.channel_codes.items()),
                "label_sizes": courier.label_sizes.split(","),
                "rates": rate_counts.get(courier.pk, 0),
                "exclusions": exclusion_counts.get(courier.pk, 0),
            }
            for courier in couriers
        ]
        context = {"rows": rows, "settings": service.get_settings()}
        return render(request, "fulfillment/couriers/list.html", context)


def _courier_input(form: forms.CourierForm) -> service.CourierInput:
    data = form.cleaned_data
    return service.CourierInput(
        name=data["name"],
        channel_codes=form.channel_codes(),
        label_sizes=data["label_sizes"],
        reuses_cancelled_numbers=data["reuses_cancelled_numbers"],
        priced_as=data["priced_as"],
        tracking_pattern=data["tracking_pattern"],
        is_active=data["is_active"],
        position=data["position"],
    )


class CourierCreateView(PagePermissionMixin, View):
    permission_required = MANAGE_COURIERS
    template_name = "fulfillment/couriers/form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": forms.CourierForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.CourierForm(request.POST)
        if form.is_valid():
            try:
                courier = service.create_courier(
                    actor=request.user, code=form.cleaned_data["code"], data=_courier_input(form)
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(request, _("Courier %(name)s added.") % {"name": courier.name})
                return redirect("fulfillment:courier_list")
        return render(request, self.template_name, {"form": form})


class CourierEditView(PagePermissionMixin, View):
    permission_required = MANAGE_COURIERS
    template_name = "fulfillment/couriers/form.html"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        form = forms.CourierForm(initial=forms.CourierForm.initial_for(courier), courier=courier)
        return render(request, self.template_name, {"form": form, "courier": courier})

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        form = forms.CourierForm(request.POST, courier=courier)
        if form.is_valid():
            try:
                service.update_courier(
                    actor=request.user, courier_id=courier.pk, data=_courier_input(form)
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(request, _("Courier %(name)s saved.") % {"name": courier.name})
                return redirect("fulfillment:courier_list")
        return render(request, self.template_name, {"form": form, "courier": courier})


# ---------------------------------------------------------------- price tables


def _rates_page(
    request: HttpRequest, courier: Courier, *, form: forms.RateForm | None = None, **extra: Any
) -> HttpResponse:
    rows = rates.rate_rows(courier)
    quote: dict[str, Any] = {}
    province, weight = request.GET.get("province", ""), request.GET.get("weight_g", "")
    if province and weight.isdigit():
        quote = {"province": province, "weight_g": int(weight)}
        try:
            quote["price"] = rates.quote(courier, province, int(weight))
            quote["billed_g"] = rates.billed_weight_g(int(weight))
        except DomainError as error:
            quote["error"] = str(error.message)
    context = {
        "courier": courier,
        "rows": rows,
        "filled": sum(1 for row in rows if row[2] is not None),
        "provinces": rates.mainland_provinces(),
        "form": form or forms.RateForm(),
        "quote": quote,
        **extra,
    }
    return render(request, "fulfillment/couriers/rates.html", context)


class RateTableView(_ReadWritePage):
    """The table by province; POST sets one province's prices."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return _rates_page(request, _courier(code))

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        form = forms.RateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            # The form allows three decimals of a kg: always whole grams.
            grams = int(data["first_weight_kg"] * 1000)
            try:
                rate = rates.save_rate(
                    actor=request.user,
                    courier_id=courier.pk,
                    data=rates.RateInput(
                        province=data["province"],
                        first_price=data["first_price"],
                        extra_price_per_kg=data["extra_price_per_kg"],
                        first_weight_g=grams,
                    ),
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(
                    request, _("Prices for %(province)s saved.") % {"province": rate.province}
                )
                return redirect("fulfillment:courier_rates", code=courier.code)
        return _rates_page(request, courier, form=form)


class RateImportView(PagePermissionMixin, View):
    permission_required = MANAGE_COURIERS

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        upload = request.FILES.get("file")
        if upload is None:
            return _rates_page(request, courier, error=_("Choose the price table file to upload."))
        context: dict[str, Any] = {"filename": upload.name}
        try:
            context["summary"] = rates.import_rates(
                actor=request.user,
                courier_id=courier.pk,
                filename=upload.name or "",
                content=upload.read(),
            )
        except ImportRejected as rejected:
            context["row_errors"] = rejected.errors
        except DomainError as error:
            context["error"] = str(error.message)
        return _rates_page(request, courier, **context)


class RateExportView(PagePermissionMixin, View):
    permission_required = VIEW_COURIER

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
        content = rates.export_rates(courier, file_format=file_format)
        content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        filename = f"rates-{courier.code}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# ---------------------------------------------------------------- places not reached


def _exclusions_page(
    request: HttpRequest, courier: Courier, form: forms.ExclusionForm | None = None
) -> HttpResponse:
    context = {
        "courier": courier,
        "exclusions": courier.exclusions.order_by("province", "city", "district"),
        "form": form or forms.ExclusionForm(),
        "provinces": rates.mainland_provinces(),
    }
    return render(request, "fulfillment/couriers/exclusions.html", context)


class ExclusionsView(_ReadWritePage):
    """The places the courier does not reach; POST adds one."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return _exclusions_page(request, _courier(code))

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        form = forms.ExclusionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                exclusion = service.add_exclusion(
                    actor=request.user,
                    courier_id=courier.pk,
                    province=data["province"],
                    city=data["city"],
                    district=data["district"],
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(
                    request,
                    _("%(courier)s does not reach %(place)s: saved.")
                    % {"courier": courier.name, "place": exclusion},
                )
                return redirect("fulfillment:courier_exclusions", code=courier.code)
        return _exclusions_page(request, courier, form)


class ExclusionRemoveView(PagePermissionMixin, View):
    permission_required = MANAGE_COURIERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exclusion = CourierExclusion.objects.select_related("courier").filter(pk=pk).first()
        if exclusion is None:
            raise Http404(_("No such place."))
        courier = service.remove_exclusion(actor=request.user, exclusion_id=exclusion.pk)
        messages.success(request, _("%(place)s removed.") % {"place": exclusion})
        return redirect("fulfillment:courier_exclusions", code=courier.code)


# ---------------------------------------------------------------- number pool


def _pool_page(
    request: HttpRequest, courier: Courier, form: forms.PoolImportForm | None = None, **extra: Any
) -> HttpResponse:
    counts = dict(
        WaybillNumber.objects.filter(courier=courier)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    last_used = (
        WaybillNumber.objects.filter(courier=courier, status=WaybillStatus.USED)
        .select_related("order")
        .order_by("-used_at", "-pk")[:LAST_USED]
    )
    context = {
        "courier": courier,
        "counts": [(label, counts.get(status, 0)) for status, label in WaybillStatus.choices],
        "last_used": last_used,
        "form": form or forms.PoolImportForm(),
        **extra,
    }
    return render(request, "fulfillment/couriers/pool.html", context)


class PoolView(_ReadWritePage):
    """Available, used and void numbers; POST imports an allocation (pasted or a file)."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return _pool_page(request, _courier(code))

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        courier = _courier(code)
        form = forms.PoolImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _pool_page(request, courier, form)
        upload = form.cleaned_data.get("file")
        try:
            text = form.cleaned_data.get("numbers") or ""
            if upload is not None:
                text += "\n" + service.allocation_text(
                    filename=upload.name or "", content=upload.read()
                )
            numbers = pools.parse_allocation(text)
            if not numbers:
                form.add_error(None, _("No numbers found."))
                return _pool_page(request, courier, form)
            result = pools.import_numbers(actor=request.user, courier=courier, numbers=numbers)
        except DomainError as error:
            forms.show_error(error, form)
            return _pool_page(request, courier, form)
        messages.success(
            request,
            _("%(added)d numbers added; %(known)d were in the pool already.")
            % {"added": result.added, "known": result.already_in_pool},
        )
        return redirect("fulfillment:courier_pool", code=courier.code)


# ---------------------------------------------------------------- settings


def _settings_initial() -> dict[str, Any]:
    settings = service.get_settings()
    initial: dict[str, Any] = {
        name: getattr(settings, name)
        for name in service.SETTINGS_FIELDS
        if name not in ("default_courier", "fallback_courier")
    }
    initial["default_courier"] = settings.default_courier.code if settings.default_courier else ""
    initial["fallback_courier"] = (
        settings.fallback_courier.code if settings.fallback_courier else ""
    )
    return initial


class SettingsView(_ReadWritePage):
    template_name = "fulfillment/couriers/settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = forms.SettingsForm(initial=_settings_initial())
        if not request.user.has_perm(MANAGE_COURIERS):
            for field in form.fields.values():
                field.disabled = True  # shown to readers, not editable
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.SettingsForm(request.POST)
        if form.is_valid():
            try:
                service.update_settings(
                    actor=request.user, data=service.SettingsInput(**form.cleaned_data)
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(request, _("Shipping settings saved."))
                return redirect("fulfillment:shipping_settings")
        return render(request, self.template_name, {"form": form})


# ---------------------------------------------------------------- one order's courier


class OrderCourierView(PagePermissionMixin, View):
    """The order's courier, estimated weight and cost, and why; choose by the rules
    (`auto`) or override with a reason."""

    permission_required = ORDER_COURIER
    template_name = "fulfillment/couriers/order_courier.html"

    def has_permission(self) -> bool:
        return has_all(self.request.user, [ORDER_COURIER])

    def _order(self, pk: int) -> Order:
        order = Order.objects.select_related("merged_into").filter(pk=pk).first()
        if order is None:
            raise Http404(_("No such order."))
        return order

    def _render(self, order: Order, form: forms.OrderCourierForm, error: str = "") -> HttpResponse:
        current, saved = choice.current_choice(order)
        context = {
            "order": order,
            "choice": current,
            "saved": saved,
            "form": form,
            "error": error,
            "can_change": order.status in choice.ASSIGNABLE and order.merged_into_id is None,
            "billed_g": rates.billed_weight_g(current.estimated_weight_g) if current else None,
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        initial = {"courier": order.courier} if order.courier else {}
        return self._render(order, forms.OrderCourierForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        if request.POST.get("auto"):
            try:
                picked = choice.assign_courier(request.user, order.pk)
            except DomainError as error:
                return self._render(order, forms.OrderCourierForm(), str(error.message))
            messages.success(request, _("Courier: %(name)s.") % {"name": picked.courier.name})
            return redirect("fulfillment:order_courier", pk=order.pk)
        form = forms.OrderCourierForm(request.POST)
        if form.is_valid():
            try:
                picked = choice.assign_courier(
                    request.user,
                    order.pk,
                    courier_code=form.cleaned_data["courier"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                forms.show_error(error, form)
            else:
                messages.success(
                    request, _("Courier changed to %(name)s.") % {"name": picked.courier.name}
                )
                return redirect("fulfillment:order_courier", pk=order.pk)
        return self._render(order, form)
