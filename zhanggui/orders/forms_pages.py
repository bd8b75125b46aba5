"""Forms of the order pages. They check shape only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Channel, Shop
from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.orders.models import Flag, HoldReason, OrderLine, OrderStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=64, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(OrderStatus.choices))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_any(Channel.choices))
    shop = forms.ModelChoiceField(
        label=_("Shop"), queryset=Shop.objects.all(), required=False, empty_label=_("Any")
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, choices=_any(Flag.choices))
    hold = forms.ChoiceField(label=_("Held for"), required=False, choices=_any(HoldReason.choices))
    paid_from = forms.DateField(label=_("Paid from"), required=False, widget=DATE_INPUT)
    paid_to = forms.DateField(label=_("Paid to"), required=False, widget=DATE_INPUT)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)


class ReceiverForm(forms.Form):
    """The receiver block; the service checks lengths, postcode and divisions."""

    name = forms.CharField(label=_("Receiver name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    province = forms.CharField(label=_("Province"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=6, required=False)
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class MemoForm(forms.Form):
    seller_memo = forms.CharField(
        label=_("Seller memo"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    flag = forms.ChoiceField(label=_("Flag"), choices=Flag.choices)


STATUS_ACTIONS = ("approve", "hold", "release", "unapprove", "close")


class StatusActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in STATUS_ACTIONS])
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class UrgentForm(forms.Form):
    urgent = forms.BooleanField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class SplitForm(forms.Form):
    """One quantity field per line: how many units move to the new part."""

    reason = forms.CharField(label=_("Why"), max_length=200, required=False)

    def __init__(self, *args: Any, lines: list[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[self.field_name(line)] = forms.IntegerField(
                label=line.merchant_code or line.title,
                min_value=0,
                max_value=line.quantity,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "num", "step": 1}),
            )

    @staticmethod
    def field_name(line: OrderLine) -> str:
        return f"line_{line.pk}"

    def rows(self) -> list[tuple[OrderLine, Any]]:
        return [(line, self[self.field_name(line)]) for line in self.lines]

    def parts(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[self.field_name(line)]
            for line in self.lines
            if self.cleaned_data.get(self.field_name(line))
        }


class FailedDealForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    buyer_nick = forms.CharField(label=_("Buyer nick"), max_length=64)
    note = forms.CharField(
        label=_("What they wanted, why they did not buy"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FailedDealFilterForm(forms.Form):
    q = forms.CharField(label=_("Buyer nick"), max_length=64, required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_any(Channel.choices))


def show_error(error: DomainError, form: forms.Form, fields: dict[str, str] | None = None) -> None:
    """A service's error next to the field it names (`fields` maps service names to form
    names); what names no field goes on top of the form."""
    if not isinstance(error, InvalidInput):
        form.add_error(None, str(error.message))
        return
    for name, messages in error.fields.items():
        target = (fields or {}).get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def error_text(error: DomainError) -> str:
    """A service's error as one line, for actions answered with a redirect."""
    fields = getattr(error, "fields", None)
    if fields:
        return " ".join(message for messages in fields.values() for message in messages)
    return str(error.message)
