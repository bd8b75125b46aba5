"""Forms of the courier pages. They check shape only; the services check the rules, and
`show_error` puts a service's error next to the field it names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.fulfillment.models import Courier
from zhanggui.fulfillment.services.couriers import CHANNEL_CODE_KEYS

CHANNEL_LABELS: Final = {
    "taobao": _("Taobao code"),
    "tmall": _("Tmall code"),
    "jd": _("JD code"),
    "kdniao": _("KDNiao code"),
    "kuaidi100": _("Kuaidi100 code"),
}
# Service field names -> form fields, where they differ.
SERVICE_FIELDS: Final = {
    "first_weight_g": "first_weight_kg",
    "channel_codes": "code_taobao",
    "numbers": "numbers",
}
MONEY_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "num"})


def show_error(error: DomainError, form: forms.Form) -> None:
    """A service's error next to the field it names; the rest on top of the form."""
    if isinstance(error, InvalidInput):
        for name, messages in error.fields.items():
            field = SERVICE_FIELDS.get(name, name)
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return
    form.add_error(None, str(error.message))


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def courier_choices(*, blank: Any = None, active_only: bool = True) -> list[tuple[str, Any]]:
    couriers = Courier.objects.all()
    if active_only:
        couriers = couriers.filter(is_active=True)
    choices: list[tuple[str, Any]] = [(c.code, f"{c.name} ({c.code})") for c in couriers]
    return [("", blank), *choices] if blank is not None else choices


class CourierForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The Taobao/Cainiao code, e.g. STO, YUNDA."),
    )
    name = forms.CharField(label=_("Name"), max_length=40)
    code_taobao = forms.CharField(label=CHANNEL_LABELS["taobao"], max_length=32, required=False)
    code_tmall = forms.CharField(label=CHANNEL_LABELS["tmall"], max_length=32, required=False)
    code_jd = forms.CharField(label=CHANNEL_LABELS["jd"], max_length=32, required=False)
    code_kdniao = forms.CharField(label=CHANNEL_LABELS["kdniao"], max_length=32, required=False)
    code_kuaidi100 = forms.CharField(
        label=CHANNEL_LABELS["kuaidi100"], max_length=32, required=False
    )
    label_sizes = forms.CharField(
        label=_("Label sizes"),
        max_length=60,
        initial="76x130,100x180",
        help_text=_("Width x height in mm, comma separated, e.g. 76x130,100x180."),
    )
    priced_as = forms.ChoiceField(label=_("Priced as"), required=False)
    tracking_pattern = forms.CharField(
        label=_("Tracking number pattern"),
        max_length=100,
        required=False,
        help_text=_("A regular expression, e.g. ^SF\\d{12,13}$"),
    )
    reuses_cancelled_numbers = forms.BooleanField(
        label=_("A cancelled label's number may be used again"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args: Any, courier: Courier | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Courier.objects.filter(priced_as__isnull=True)
        if courier is not None:
            others = others.exclude(pk=courier.pk)
            del self.fields["code"]
        _choice_field(self, "priced_as").choices = [
            ("", _("Its own price table")),
            *((c.code, f"{c.name} ({c.code})") for c in others),
        ]

    def channel_codes(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"code_{key}", "") for key in CHANNEL_CODE_KEYS}

    @staticmethod
    def initial_for(courier: Courier) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": courier.name,
            "label_sizes": courier.label_sizes,
            "priced_as": courier.priced_as.code if courier.priced_as else "",
            "tracking_pattern": courier.tracking_pattern,
            "reuses_cancelled_numbers": courier.reuses_cancelled_numbers,
            "is_active": courier.is_active,
            "position": courier.position,
        }
        for key in CHANNEL_CODE_KEYS:
            initial[f"code_{key}"] = courier.channel_codes.get(key, "")
        return initial


class RateForm(forms.Form):
    province = forms.CharField(label=_("Province"), max_length=20)
    first_weight_kg = forms.DecimalField(
        label=_("First weight (kg)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("100"),
        decimal_places=3,
        initial=Decimal("1"),
    )
    first_price = forms.DecimalField(
        label=_("First weight price"), min_value=0, decimal_places=2, widget=MONEY_INPUT
    )
    extra_price_per_kg = forms.DecimalField(
        label=_("Extra weight price per kg"), min_value=0, decimal_places=2, widget=MONEY_INPUT
    )


class ExclusionForm(forms.Form):
    province = forms.CharField(label=_("Province"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)


class PoolImportForm(forms.Form):
    numbers = forms.CharField(
        label=_("Numbers or ranges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "7700000001-7700001000"}),
        help_text=_("One number or range per line, as the courier sends them."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("Text, CSV or XLSX with the numbers or ranges."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,.xlsx"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("numbers", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the numbers or choose a file."))
        return data


class SettingsForm(forms.Form):
    default_courier = forms.ChoiceField(label=_("Default courier"))
    fallback_courier = forms.ChoiceField(
        label=_("Courier where the default cannot reach"), required=False
    )
    default_label_size = forms.CharField(label=_("Label size"), max_length=10)
    sender_name = forms.CharField(label=_("Sender name"), max_length=50, required=False)
    sender_phone = forms.CharField(label=_("Sender phone"), max_length=40, required=False)
    sender_province = forms.CharField(label=_("Province"), max_length=20, required=False)
    sender_city = forms.CharField(label=_("City"), max_length=30, required=False)
    sender_district = forms.CharField(label=_("District"), max_length=30, required=False)
    sender_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    sender_postcode = forms.CharField(label=_("Postcode"), max_length=6, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "default_courier").choices = courier_choices(blank=_("Choose…"))
        _choice_field(self, "fallback_courier").choices = courier_choices(blank=_("None"))


class OrderCourierForm(forms.Form):
    courier = forms.ChoiceField(label=_("Courier"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why this courier, e.g. the buyer asked for it on the phone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "courier").choices = courier_choices()
