"""The receiving grid: one row per SKU of the PO, counted now and defective of those."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.inventory.models import Warehouse
from zhanggui.purchasing.forms import NUMBER_INPUT
from zhanggui.purchasing.models import ExchangeLine, PurchaseOrderLine
from zhanggui.purchasing.services import CountInput

# Service field suffix → the grid's field prefix.
SERVICE_FIELDS = {"quantity": "received", "defective": "defective", "over_reason": "over_reason"}


@dataclass
class GridRow:
    line: PurchaseOrderLine
    received: forms.BoundField
    defective: forms.BoundField
    allow_over: forms.BoundField
    over_reason: forms.BoundField


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100_000, required=False, widget=NUMBER_INPUT
    )


class ReceiveForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=_("Into warehouse"),
        queryset=Warehouse.objects.filter(is_sellable=True, is_active=True),
        to_field_name="code",
        empty_label=None,
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, lines: list[PurchaseOrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            code = line.sku.merchant_code
            self.fields[f"received_{line.pk}"] = _count_field(_("Received now"))
            self.fields[f"defective_{line.pk}"] = _count_field(_("Defective"))
            self.fields[f"allow_over_{line.pk}"] = forms.BooleanField(
                label=_("Allow more"),
                required=False,
                # Tables stretch inputs to the cell; a checkbox keeps its own size.
                widget=forms.CheckboxInput(attrs={"style": "width:auto;min-width:0"}),
            )
            self.fields[f"over_reason_{line.pk}"] = forms.CharField(
                label=_("Reason"),
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Reason")}),
            )
            for name in ("received", "defective", "allow_over", "over_reason"):
                field = self.fields[f"{name}_{line.pk}"]
                field.widget.attrs["aria-label"] = f"{code} {field.label}"

    def rows(self) -> list[GridRow]:
        return [
            GridRow(
                line,
                self[f"received_{line.pk}"],
                self[f"defective_{line.pk}"],
                self[f"allow_over_{line.pk}"],
                self[f"over_reason_{line.pk}"],
            )
            for line in self.lines
        ]

    def counts(self) -> list[CountInput]:
        data = self.cleaned_data
        return [
            CountInput(
                line_id=line.pk,
                quantity=data.get(f"received_{line.pk}") or 0,
                defective=data.get(f"defective_{line.pk}") or 0,
                allow_over=bool(data.get(f"allow_over_{line.pk}")),
                over_reason=data.get(f"over_reason_{line.pk}", ""),
            )
            for line in self.lines
            if data.get(f"received_{line.pk}") or data.get(f"defective_{line.pk}")
        ]

    def show_error(self, error: DomainError) -> None:
        """`lines.<id>.quantity` goes on that row's count; the rest on top."""
        if not isinstance(error, InvalidInput):
            self.add_error(None, str(error.message))
            return
        for name, messages in error.fields.items():
            parts = name.split(".")
            target: str | None = None
            if len(parts) == 3 and parts[2] in SERVICE_FIELDS:
                target = f"{SERVICE_FIELDS[parts[2]]}_{parts[1]}"
            elif name == "warehouse":
                target = name
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class ExchangeReceiveForm(forms.Form):
    """Replacements back from the supplier, per exchange line."""

    warehouse = ReceiveForm.base_fields["warehouse"]

    def __init__(self, *args: Any, lines: list[ExchangeLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            field = _count_field(_("Back now"))
            field.widget.attrs["aria-label"] = f"{line.sku.merchant_code} {field.label}"
            self.fields[f"back_{line.pk}"] = field

    def rows(self) -> list[tuple[ExchangeLine, forms.BoundField]]:
        return [(line, self[f"back_{line.pk}"]) for line in self.lines]

    def counts(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[f"back_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"back_{line.pk}")
        }
