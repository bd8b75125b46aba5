"""Handover pages: the handovers and the parcels waiting per courier, a new handover, one
handover with the courier's figures against ours, its manifest PDF, and the stubs by day and
courier with their archiving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core.errors import DomainError, ImportRejected
from zhanggui.fulfillment import forms_dispatch as forms
from zhanggui.fulfillment.forms_couriers import show_error
from zhanggui.fulfillment.models import Courier, Handover
from zhanggui.fulfillment.pdf_dispatch import PDF_CONTENT_TYPE, manifest_pdf
from zhanggui.fulfillment.services import handover as service
from zhanggui.fulfillment.views_dispatch import HANDOVER, DispatchPage, can, paginate

STUB_DAYS = 31
MAX_LISTED = 3000  # parcels shown with a box each on the new-handover page


def _courier(code: str) -> Courier:
    courier = Courier.objects.filter(code=code).first()
    if courier is None:
        raise Http404(_("No courier with this code."))
    return courier


def _handover(pk: int) -> Handover:
    try:
        return service.get_handover(pk)
    except DomainError as error:
        raise Http404(str(error.message)) from error


class HandoverListView(DispatchPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("courier", "")
        handovers = (
            Handover.objects.select_related("courier", "created_by")
            .annotate(parcel_count=Count("parcels"))
            .order_by("-created_at", "-pk")
        )
        if code:
            handovers = handovers.filter(courier__code=code)
        waiting = service.count_awaiting_by_courier()
        couriers = Courier.objects.filter(pk__in=waiting)
        context = {
            "waiting": [(courier, waiting[courier.pk]) for courier in couriers],
            "couriers": Courier.objects.all(),
            "courier_code": code,
            "can_hand_over": can(request.user, HANDOVER),
            "due": service.count_stubs_to_archive(),
            **paginate(request, handovers),
        }
        return render(request, "fulfillment/dispatch/handover_list.html", context)


class HandoverCreateView(DispatchPage):
    """GET lists the courier's shipped parcels waiting (all ticked); POST makes the
    handover of the ticked ones, or of all of them."""

    read_permission = HANDOVER
    write_permission = HANDOVER

    def _render(self, form: forms.HandoverForm, code: str) -> HttpResponse:
        parcels: list[Any] = []
        total = 0
        if code:
            waiting = service.parcels_awaiting_handover(_courier(code))
            total = waiting.count()
            parcels = list(waiting[:MAX_LISTED])
        context = {
            "form": form,
            "courier_code": code,
            "parcels": parcels,
            "total": total,
            "shown_all": total <= MAX_LISTED,
        }
        return render(self.request, "fulfillment/dispatch/handover_create.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("courier", "")
        return self._render(forms.HandoverForm(initial={"courier": code}), code)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.HandoverForm(request.POST)
        if not form.is_valid():
            return self._render(form, request.POST.get("courier", ""))
        courier = _courier(form.cleaned_data["courier"])
        chosen = None
        if not request.POST.get("all"):
            chosen = [int(pk) for pk in request.POST.getlist("parcel") if pk.isdigit()]
            if not chosen:
                form.add_error(None, _("Tick the parcels the courier takes."))
                return self._render(form, courier.code)
        try:
            handover = service.create_handover(
                actor=request.user,
                courier_id=courier.pk,
                parcel_ids=chosen,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            show_error(error, form)
            return self._render(form, courier.code)
        messages.success(
            request,
            _("Handover #%(number)d made: %(count)d parcels.")
            % {"number": handover.pk, "count": handover.parcels.count()},
        )
        return redirect("fulfillment:handover_detail", pk=handover.pk)


def _detail(
    request: HttpRequest, handover: Handover, form: forms.ChecksForm | None = None, **extra: Any
) -> HttpResponse:
    comparison = service.compare_checks(handover)
    show = request.GET.get("show", "")
    context = {
        "handover": handover,
        "comparison": comparison,
        "rows": comparison.differences if show == "differences" else comparison.rows,
        "show": show,
        "total_weight_g": sum(row.manifest.weight_g for row in comparison.rows),
        "form": form or forms.ChecksForm(),
        "can_hand_over": can(request.user, HANDOVER),
        **extra,
    }
    return render(request, "fulfillment/dispatch/handover_detail.html", context)


class HandoverDetailView(DispatchPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _detail(request, _handover(pk))


class HandoverChecksView(DispatchPage):
    """POST the courier's weights and prices for this handover: pasted lines or a file."""

    read_permission = HANDOVER
    write_permission = HANDOVER

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        handover = _handover(pk)
        form = forms.ChecksForm(request.POST, request.FILES)
        if not form.is_valid():
            return _detail(request, handover, form)
        upload = form.cleaned_data.get("file")
        filename = upload.name if upload else _("pasted lines")
        try:
            if upload is not None:
                entries = service.read_checks(filename=upload.name or "", content=upload.read())
            else:
                entries = service.parse_checks_text(form.cleaned_data["lines"])
            saved = service.record_checks(
                actor=request.user, handover_id=handover.pk, entries=entries
            )
        except ImportRejected as rejected:
            return _detail(request, handover, form, row_errors=rejected.errors, filename=filename)
        except DomainError as error:
            show_error(error, form)
            return _detail(request, handover, form)
        messages.success(
            request,
            _("%(saved)d parcels' figures saved, %(unchanged)d unchanged.")
            % {"saved": saved.saved, "unchanged": saved.unchanged},
        )
        return redirect("fulfillment:handover_detail", pk=handover.pk)


class HandoverManifestView(DispatchPage):
    """The manifest PDF to print and sign."""

    read_permission = HANDOVER

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        handover = _handover(pk)
        response = HttpResponse(
            manifest_pdf(service.manifest(handover)), content_type=PDF_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
        return response


class StubsView(DispatchPage):
    """Stubs by day and courier against the day's shipments: the last month, or (?due=1)
    the days whose stubs are due for archiving."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        due_only = request.GET.get("due") == "1"
        days = service.stub_days(
            first_day=today - timedelta(days=STUB_DAYS - 1), last_day=today, due_only=due_only
        )
        context = {
            "days": [(day, day.is_due(today)) for day in days],
            "due_only": due_only,
            "keep_days": service.STUB_KEEP_DAYS,
            "window": STUB_DAYS,
            "can_archive": can(request.user, HANDOVER),
        }
        return render(request, "fulfillment/dispatch/stubs.html", context)


class StubsArchiveView(DispatchPage):
    read_permission = HANDOVER
    write_permission = HANDOVER

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.StubArchiveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a courier and a day."))
            return redirect("fulfillment:stubs")
        courier = _courier(form.cleaned_data["courier"])
        try:
            count = service.archive_stubs(
                actor=request.user, courier_id=courier.pk, day=form.cleaned_data["day"]
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("Stubs of %(courier)s for %(day)s archived (%(count)d handovers).")
                % {"courier": courier.name, "day": form.cleaned_data["day"], "count": count},
            )
        due = "?due=1" if request.POST.get("due") == "1" else ""
        return redirect(reverse("fulfillment:stubs") + due)
