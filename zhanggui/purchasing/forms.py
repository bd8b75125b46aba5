"""Operator-page forms of purchasing. Shape only (lengths, choices, blanks); every business
rule is the services', and `show_service_error` puts their errors next to the field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.purchasing.models import PaymentMethod, PurchaseOrder, Supplier
from zhanggui.purchasing.status import PurchaseOrderStatus

MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "size": 8})
NUMBER_INPUT = forms.TextInput(attrs={"inputmode": "numeric", "class": "num", "size": 5})
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROW_FIELD = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    contact_name = forms.CharField(label=_("Main contact"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    province = forms.CharField(label=_("Province"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, initial=7)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    position = forms.CharField(label=_("Position"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=50, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class BaseRowFormSet(forms.BaseFormSet):
    def filled(self) -> list[forms.Form]:
        """The rows holding any value (typed or shown from the record), in page order: the
        order the service sees them in. Rows cleared by hand count as removed."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and any(str(v).strip() for v in form.cleaned_data.values())
        ]


ContactFormSet = formset_factory(ContactForm, formset=BaseRowFormSet, extra=2, max_num=20)


class OrderHeaderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.filter(is_active=True)
    )
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DATE_INPUT)
    transport_cost = forms.CharField(
        label=_("Transport cost"), max_length=20, required=False, initial="0", widget=MONEY_INPUT
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrderLineForm(forms.Form):
    """One line. Amounts stay text: the service reads '¥18.5', '18.50'; a blank cost takes the
    SKU's last purchase cost."""

    merchant_code = forms.CharField(label=_("Merchant code"), max_length=64, required=False)
    quantity = forms.CharField(
        label=_("Quantity"), max_length=10, required=False, widget=NUMBER_INPUT
    )
    unit_cost = forms.CharField(
        label=_("Unit cost"), max_length=20, required=False, widget=MONEY_INPUT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


OrderLineFormSet = formset_factory(OrderLineForm, formset=BaseRowFormSet, extra=3, max_num=500)


class ScanForm(forms.Form):
    """A scanner types the code and Enter: the line is added (or its quantity raised by one)."""

    scan = forms.CharField(
        label=_("Scan or type a merchant code"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class OrderStatusForm(forms.Form):
    ACTIONS = ("place", "cancel", "close")
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    note = forms.CharField(label=_("Note"), max_length=400, required=False)
    confirm_over_first_order_cap = forms.BooleanField(required=False)


class TransportForm(forms.Form):
    transport_cost = forms.CharField(label=_("Transport cost"), max_length=20, widget=MONEY_INPUT)


STATUS_CHOICES = [
    ("", _("Any")),
    ("to_receive", _("Waiting for goods")),
    *PurchaseOrderStatus.choices,
]


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.all(), required=False, empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), max_length=20, widget=MONEY_INPUT)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    purchase_order = forms.ModelChoiceField(
        label=_("Purchase order"),
        queryset=PurchaseOrder.objects.none(),
        required=False,
        empty_label=_("On account (no one order)"),
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, orders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purchase_order"].queryset = orders


class StatementForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end is before the start."))
        return data


class ReviewFlagForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int, choices=[])
    photos_differ = forms.BooleanField(label=_("Photos differ"), required=False)
    description_differs = forms.BooleanField(label=_("Description differs"), required=False)
    price_differs = forms.BooleanField(label=_("Price differs"), required=False)
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = products


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=400, required=False)


def show_service_error(
    error: DomainError,
    form: forms.Form,
    rows: dict[str, list[forms.Form]] | None = None,
    *,
    conflict_field: str | None = None,
) -> None:
    """Put a service's error next to the field it names (`lines[1].quantity` on the second
    filled row of `rows["lines"]`); a conflict goes on `conflict_field` (e.g. a taken
    name); what names no field goes on top of the form."""
    rows = rows or {}
    if not isinstance(error, InvalidInput):
        form.add_error(conflict_field if error.http_status == 409 else None, str(error.message))
        return
    for name, messages in error.fields.items():
        for message in messages:
            match = ROW_FIELD.match(name)
            if match and int(match.group(2)) < len(rows.get(match.group(1), [])):
                row = rows[match.group(1)][int(match.group(2))]
                if match.group(3) in row.fields:
                    row.add_error(match.group(3), message)
                    continue
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)


def error_text(error: DomainError) -> str:
    """A service's error as one message line (for actions answered with a redirect)."""
    fields = getattr(error, "fields", None)
    if fields:
        return " ".join(message for messages in fields.values() for message in messages)
    return str(error.message)
