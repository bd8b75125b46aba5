"""Tracking and claims pages: parcels needing attention and the tracking import, one
parcel's tracking, the claims and one claim with its evidence (stub, order, photos)."""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhanggui.core.errors import DomainError, ImportRejected
from zhanggui.fulfillment import forms_dispatch as forms
from zhanggui.fulfillment.forms_couriers import show_error
from zhanggui.fulfillment.models import Courier, Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import UNSETTLED_CLAIM_STATUSES, Claim, ClaimStatus
from zhanggui.fulfillment.services import claims, tracking
from zhanggui.fulfillment.views_dispatch import MANAGE_CLAIMS, DispatchPage, can, paginate

ATTENTION: Final = (
    ParcelStatus.PROBLEM,
    ParcelStatus.UNDELIVERABLE,
    ParcelStatus.LOST,
    ParcelStatus.DAMAGED,
)


def _parcel(pk: int) -> Parcel:
    parcel = Parcel.objects.select_related("order", "courier", "handover").filter(pk=pk).first()
    if parcel is None:
        raise Http404(_("No such parcel."))
    return parcel


def _tracking_page(
    request: HttpRequest, form: forms.TrackingImportForm | None = None, **extra: Any
) -> HttpResponse:
    search = forms.TrackingSearchForm(request.GET)
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    status = request.GET.get("status", "")
    parcels = Parcel.objects.select_related("order", "courier").order_by("-updated_at", "-pk")
    if query:
        parcels = parcels.filter(Q(tracking_no=query.upper()) | Q(order__order_no=query))
    elif status in ParcelStatus.values:
        parcels = parcels.filter(status=status)
    else:
        parcels = parcels.filter(status__in=ATTENTION)
    context = {
        "search": search,
        "query": query,
        "status": status,
        "statuses": [(value, ParcelStatus(value).label) for value in ATTENTION],
        "form": form or forms.TrackingImportForm(),
        "can_manage": can(request.user, MANAGE_CLAIMS),
        "known_words": tracking.known_words(),
        **paginate(request, parcels),
        **extra,
    }
    return render(request, "fulfillment/dispatch/tracking.html", context)


class TrackingView(DispatchPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _tracking_page(request)


class TrackingImportView(DispatchPage):
    read_permission = MANAGE_CLAIMS
    write_permission = MANAGE_CLAIMS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.TrackingImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _tracking_page(request, form)
        upload = form.cleaned_data["file"]
        code = form.cleaned_data.get("courier") or ""
        courier = Courier.objects.filter(code=code).first() if code else None
        context: dict[str, Any] = {"filename": upload.name}
        try:
            context["summary"] = tracking.import_tracking(
                actor=request.user,
                filename=upload.name or "",
                content=upload.read(),
                courier_id=courier.pk if courier else None,
            )
        except ImportRejected as rejected:
            context["row_errors"] = rejected.errors
        except DomainError as error:
            show_error(error, form)
        return _tracking_page(request, form, **context)


class TrackingParcelView(DispatchPage):
    """One parcel: its status, tracking events, handover (stub), order and claims."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        parcel = _parcel(pk)
        context = {
            "parcel": parcel,
            "events": tracking.events_of(parcel),
            "claims": parcel.claims.order_by("-created_at"),
            "can_manage": can(request.user, MANAGE_CLAIMS),
            "can_mark": parcel.status in tracking.TRACKED_STATUSES
            and parcel.status != ParcelStatus.UNDELIVERABLE,
            "can_claim": parcel.status in claims.CLAIMABLE["damaged"]
            and not parcel.claims.filter(status__in=UNSETTLED_CLAIM_STATUSES).exists(),
            "note_form": forms.NoteForm(),
        }
        return render(request, "fulfillment/dispatch/tracking_parcel.html", context)


class TrackingUndeliverableView(DispatchPage):
    read_permission = MANAGE_CLAIMS
    write_permission = MANAGE_CLAIMS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        parcel = _parcel(pk)
        form = forms.NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            tracking.mark_undeliverable(actor=request.user, parcel_id=parcel.pk, note=note)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(number)s is undeliverable; it will be deducted from the courier's bill.")
                % {"number": parcel.tracking_no},
            )
        return redirect("fulfillment:tracking_parcel", pk=parcel.pk)


# ---------------------------------------------------------------- claims


class ClaimListView(DispatchPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        items = Claim.objects.select_related("parcel", "parcel__courier", "parcel__order")
        if status in ClaimStatus.values:
            items = items.filter(status=status)
        elif status != "all":
            items = items.filter(status__in=UNSETTLED_CLAIM_STATUSES)
        context = {
            "status": status,
            "statuses": ClaimStatus.choices,
            **paginate(request, items.order_by("-created_at", "-pk")),
        }
        return render(request, "fulfillment/dispatch/claim_list.html", context)


class ClaimCreateView(DispatchPage):
    read_permission = MANAGE_CLAIMS
    write_permission = MANAGE_CLAIMS
    template_name = "fulfillment/dispatch/claim_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        parcel = _parcel(pk)
        kind = "damaged" if parcel.status == ParcelStatus.DELIVERED else "lost"
        form = forms.ClaimForm(initial={"kind": kind})
        return render(request, self.template_name, {"parcel": parcel, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        parcel = _parcel(pk)
        form = forms.ClaimForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = claims.open_claim(
                    actor=request.user,
                    parcel_id=parcel.pk,
                    kind=data["kind"],
                    amount_claimed=data["amount_claimed"],
                    description=data["description"],
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Claim #%(number)d opened.") % {"number": claim.pk})
                return redirect("fulfillment:claim_detail", pk=claim.pk)
        return render(request, self.template_name, {"parcel": parcel, "form": form})


def _claim(pk: int) -> Claim:
    try:
        return claims.get_claim(pk)
    except DomainError as error:
        raise Http404(str(error.message)) from error


def _claim_page(request: HttpRequest, claim: Claim, **forms_given: Any) -> HttpResponse:
    context = {
        "claim": claim,
        "parcel": claim.parcel,
        "photos": claim.photos.all(),
        "events": tracking.events_of(claim.parcel),
        "unsettled": claim.status in UNSETTLED_CLAIM_STATUSES,
        "can_manage": can(request.user, MANAGE_CLAIMS),
        "settle_form": forms_given.get("settle_form") or forms.ClaimSettleForm(),
        "photo_form": forms_given.get("photo_form") or forms.PhotoForm(),
        "max_photo_mb": claims.MAX_PHOTO_BYTES // (1024 * 1024),
    }
    return render(request, "fulfillment/dispatch/claim_detail.html", context)


class ClaimDetailView(DispatchPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _claim_page(request, _claim(pk))


class ClaimStatusView(DispatchPage):
    """POST action=submit (handed to the courier) or the outcome (paid with the amount
    received, or refused)."""

    read_permission = MANAGE_CLAIMS
    write_permission = MANAGE_CLAIMS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = _claim(pk)
        if request.POST.get("action") == "submit":
            try:
                claims.submit_claim(actor=request.user, claim_id=claim.pk)
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Claim submitted to the courier."))
            return redirect("fulfillment:claim_detail", pk=claim.pk)
        form = forms.ClaimSettleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claims.settle_claim(
                    actor=request.user,
                    claim_id=claim.pk,
                    paid=data["outcome"] == "paid",
                    outcome_amount=data["outcome_amount"],
                    note=data["note"],
                )
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Claim settled."))
                return redirect("fulfillment:claim_detail", pk=claim.pk)
        return _claim_page(request, claim, settle_form=form)


class ClaimPhotosView(DispatchPage):
    read_permission = MANAGE_CLAIMS
    write_permission = MANAGE_CLAIMS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = _claim(pk)
        form = forms.PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            files = [
                claims.PhotoFile(upload.name or "", upload.read())
                for upload in form.cleaned_data["photos"]
            ]
            try:
                saved = claims.add_photos(actor=request.user, claim_id=claim.pk, files=files)
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("%(count)d photos added.") % {"count": len(saved)})
                return redirect("fulfillment:claim_detail", pk=claim.pk)
        return _claim_page(request, claim, photo_form=form)
