"""Forms of the stock pages. They check shape only (numbers, lengths, choices); the rules are
the services', whose errors `show_error` puts next to the field they concern."""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import MoveKind, VelocityClass, Warehouse
from zhanggui.inventory.warehouses import POLICY_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Scanners type the code and press Enter: the code field takes the focus and submits.
SCAN_INPUT = forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "size": 20})
NUMBER_INPUT = forms.NumberInput(attrs={"class": "num", "step": 1})
MANUAL_KINDS: Final = (MoveKind.ADJUSTMENT, MoveKind.RECEIPT, MoveKind.CUSTOMER_RETURN)
# Field names of the services' errors -> the form fields that carry them.
SERVICE_FIELDS: Final = {"qty": "quantity", "note": "reason"}


def _warehouse_field(
    label: Any, *, required: bool, empty_label: Any = None, active_only: bool = False
) -> Any:
    # Filters may name a closed warehouse (its past moves); new stock goes to open ones.
    warehouses = Warehouse.objects.filter(is_active=True) if active_only else Warehouse.objects
    return forms.ModelChoiceField(
        label=label,
        queryset=warehouses.all(),
        to_field_name="code",
        required=required,
        empty_label=empty_label,
    )


def _sku_field() -> forms.CharField:
    return forms.CharField(
        label=_("SKU"),
        max_length=64,
        widget=SCAN_INPUT,
        help_text=_("Merchant code or barcode"),
    )


class StockFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    warehouse = _warehouse_field(_("Warehouse"), required=False, empty_label=_("All warehouses"))
    velocity = forms.ChoiceField(
        label=_("Velocity"), required=False, choices=[("", _("Any")), *VelocityClass.choices]
    )
    below_warning = forms.BooleanField(label=_("Below warning level"), required=False)
    sold_out = forms.BooleanField(label=_("Sold out"), required=False)


class MoveFilterForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *MoveKind.choices]
    )
    warehouse = _warehouse_field(_("Warehouse"), required=False, empty_label=_("All warehouses"))
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=_("Anyone"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)


class AdjustmentForm(forms.Form):
    sku = _sku_field()
    warehouse = _warehouse_field(_("Warehouse"), required=True, active_only=True)
    bin = forms.CharField(label=_("Bin"), max_length=32, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(kind.value, kind.label) for kind in MANUAL_KINDS]
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        widget=NUMBER_INPUT,
        help_text=_("Whole units; negative takes stock out (adjustments only)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
    ref = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def clean_quantity(self) -> int:
        quantity: int = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError(_("Enter a quantity other than 0."))
        return quantity


class TransferForm(forms.Form):
    sku = _sku_field()
    from_warehouse = _warehouse_field(_("From warehouse"), required=True, active_only=True)
    to_warehouse = _warehouse_field(_("To warehouse"), required=True, active_only=True)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, widget=NUMBER_INPUT)
    ref = forms.CharField(label=_("Reference"), max_length=100, required=False)


class WarehouseForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("Short, lowercase; it never changes.")
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    is_sellable = forms.BooleanField(
        label=_("Sellable"),
        required=False,
        initial=True,
        help_text=_("Its stock counts as available for sale."),
    )
    is_default = forms.BooleanField(
        label=_("Default"), required=False, help_text=_("Receipts go here unless told otherwise.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class BinForm(forms.Form):
    code = forms.CharField(label=_("Bin code"), max_length=32)


class PlaceForm(forms.Form):
    sku = _sku_field()
    warehouse = _warehouse_field(_("Warehouse"), required=True, active_only=True)
    bin = forms.CharField(label=_("Bin"), max_length=32)
    primary = forms.BooleanField(label=_("Primary place"), required=False)


class PolicyForm(forms.Form):
    window_days = forms.IntegerField(label=_("Sales window (days)"), min_value=1, max_value=365)
    hot_min_units = forms.IntegerField(label=_("Hot from units sold"), min_value=0)
    slow_max_units = forms.IntegerField(label=_("Slow up to units sold"), min_value=0)
    warning_hot = forms.IntegerField(label=_("Warning level, hot"), min_value=0)
    warning_steady = forms.IntegerField(label=_("Warning level, steady"), min_value=0)
    warning_slow = forms.IntegerField(label=_("Warning level, slow"), min_value=0)
    safety_hot = forms.IntegerField(label=_("Safety stock, hot"), min_value=0)
    safety_steady = forms.IntegerField(label=_("Safety stock, steady"), min_value=0)
    safety_slow = forms.IntegerField(label=_("Safety stock, slow"), min_value=0)
    review_days = forms.IntegerField(label=_("Days between purchase reviews"), min_value=1)

    def values(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}


def shortage_message(line: dict[str, Any]) -> str:
    return str(
        _(
            "%(code)s in %(warehouse)s: only %(available)d available, "
            "%(requested)d asked to take out."
        )
        % {
            "code": line.get("merchant_code", ""),
            "warehouse": line.get("warehouse", ""),
            "available": line.get("available", 0),
            "requested": line.get("requested", 0),
        }
    )


def show_error(error: DomainError, form: forms.Form) -> None:
    """Put a service's error next to the field it names; the rest goes on top of the form.
    Not enough stock lists each short line: which SKU, where, how many are available."""
    if isinstance(error, InsufficientStock):
        form.add_error(None, str(error.message))
        for line in error.lines:
            form.add_error(None, shortage_message(line))
        return
    if isinstance(error, InvalidInput):
        for name, messages in error.fields.items():
            field = SERVICE_FIELDS.get(name, name)
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return
    form.add_error(None, str(error.message))
