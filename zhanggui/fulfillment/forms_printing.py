"""Forms of the printing pages. Shape only: what may be printed is the service's rule."""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Shop
from zhanggui.fulfillment.labels import SIZES
from zhanggui.fulfillment.models import Courier
from zhanggui.fulfillment.selectors_printing import DUE_TODAY, NO_COURIER, OVERDUE, PrintFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_BATCH: Final = 5_000  # labels one print of the page makes at most


def _couriers() -> list[tuple[str, Any]]:
    active = Courier.objects.filter(is_active=True).values_list("code", "name")
    return [("", _("Any")), (NO_COURIER, _("Not chosen yet")), *active]


class PrintFilterForm(forms.Form):
    courier = forms.ChoiceField(label=_("Courier"), required=False, choices=_couriers)
    shop = forms.ModelChoiceField(
        label=_("Shop"), queryset=Shop.objects.all(), required=False, empty_label=_("Any")
    )
    sla = forms.ChoiceField(
        label=_("Shipping clock"),
        required=False,
        choices=[("", _("Any")), (DUE_TODAY, _("Due today")), (OVERDUE, _("Overdue"))],
    )
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    paid_from = forms.DateField(label=_("Paid from"), required=False, widget=DATE_INPUT)
    paid_to = forms.DateField(label=_("Paid to"), required=False, widget=DATE_INPUT)

    def filters(self) -> PrintFilters:
        data = self.cleaned_data if self.is_valid() else {}
        shop = data.get("shop")
        return PrintFilters(
            courier=data.get("courier") or "",
            shop_id=shop.pk if shop else None,
            sla=data.get("sla") or "",
            urgent=bool(data.get("urgent")),
            paid_from=data.get("paid_from"),
            paid_to=data.get("paid_to"),
        )


class PrintForm(forms.Form):
    """Which orders: the ticked ones (`order`, in the page's order), or the first N the
    filters show."""

    size = forms.ChoiceField(label=_("Label size"), choices=[(code, code) for code in SIZES])
    first = forms.IntegerField(
        label=_("Or the first"), required=False, min_value=1, max_value=MAX_BATCH
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("order") if hasattr(self.data, "getlist") else []
        if not all(value.isdigit() and len(value) < 12 for value in raw):
            raise forms.ValidationError(_("Not an order."))
        # "Print the first N" ignores the ticks; "Print the ticked orders" the number.
        take_first = bool(self.data.get("take_first"))
        data["order"] = [] if take_first else [int(value) for value in raw]
        if take_first and not data.get("first"):
            raise forms.ValidationError(_("Say how many orders to print."))
        if not data["order"] and not data.get("first"):
            raise forms.ValidationError(_("Tick some orders, or say how many to print."))
        if len(data["order"]) > MAX_BATCH:
            raise forms.ValidationError(
                _("At most %(count)d labels at a time.") % {"count": MAX_BATCH}
            )
        return data


class ReprintForm(forms.Form):
    size = forms.ChoiceField(
        label=_("Label size"),
        required=False,
        choices=[("", _("As before"))] + [(s, s) for s in SIZES],
    )


class CancelLabelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)
