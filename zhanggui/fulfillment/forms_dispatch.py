"""Forms of the handover, tracking, claim and bill pages: shape only; the services check
the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.fulfillment.forms_couriers import MONEY_INPUT, courier_choices
from zhanggui.fulfillment.models_after import ClaimKind
from zhanggui.fulfillment.services.dispatch_files import weight_tolerance_g

FILE_INPUT = forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})


class CourierField(forms.ChoiceField):
    def __init__(self, *, blank: Any = None, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)
        self.blank = blank

    def refresh(self) -> None:
        self.choices = courier_choices(blank=self.blank, active_only=False)


class _WithCourier(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["courier"]
        if isinstance(field, CourierField):
            field.refresh()  # couriers are read per request: one added is offered at once


class HandoverForm(_WithCourier):
    courier = CourierField(label=_("Courier"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ChecksForm(forms.Form):
    lines = forms.CharField(
        label=_("Tracking number, weight (kg), price — one parcel a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "773012345678 1.25 9.50"}),
    )
    file = forms.FileField(label=_("Or a file (.xlsx or .csv)"), required=False, widget=FILE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("lines", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Enter lines or choose a file."))
        return data


class StubArchiveForm(forms.Form):
    courier = forms.CharField(max_length=16)
    day = forms.DateField()


class TrackingImportForm(_WithCourier):
    courier = CourierField(label=_("Courier"), required=False, blank=_("Any courier"))
    file = forms.FileField(label=_("Tracking file (.xlsx or .csv)"), widget=FILE_INPUT)


class TrackingSearchForm(forms.Form):
    q = forms.CharField(label=_("Tracking number"), max_length=40, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClaimKind.choices)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed"), max_digits=12, decimal_places=2, min_value=0, widget=MONEY_INPUT
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClaimSettleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("paid", _("Paid")), ("refused", _("Refused"))]
    )
    outcome_amount = forms.DecimalField(
        label=_("Amount received"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=MONEY_INPUT,
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several files at once (Django's documented pattern); the claim service checks that
    each is an image, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(PhotoField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class PhotoForm(forms.Form):
    photos = PhotoField(label=_("Photos"))


def _tolerance_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Weight tolerance (g)"),
        min_value=0,
        max_value=5000,
        initial=weight_tolerance_g,
        help_text=_("A billed weight this close to ours is not listed as a difference."),
    )


class BillImportForm(_WithCourier):
    courier = CourierField(label=_("Courier"))
    month = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    weight_tolerance_g = _tolerance_field()
    file = forms.FileField(label=_("Statement (.xlsx or .csv)"), widget=FILE_INPUT)


class BillRematchForm(forms.Form):
    weight_tolerance_g = _tolerance_field()
