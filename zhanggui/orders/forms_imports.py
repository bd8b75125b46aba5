"""Forms of the import pages: shapes only; the import and the mapping are services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import Channel, Shop

IMPORT_CHANNELS = [
    (value, label) for value, label in Channel.choices if value in ("taobao", "tmall", "jd")
]
FILE_TYPES = ".csv,.xlsx"


class ImportOrdersForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=IMPORT_CHANNELS, initial="taobao")
    shop = forms.ModelChoiceField(
        label=_("Shop"),
        queryset=Shop.objects.filter(is_active=True),
        required=False,
        empty_label=_("The channel's default shop"),
        to_field_name="code",
    )
    orders_file = forms.FileField(
        label=_("Order report (ExportOrderList…) or JD order export"),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )
    items_file = forms.FileField(
        label=_("Item report (ExportOrderDetailList…), for Taobao and Tmall"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )


class MapCodeForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.HiddenInput)
    merchant_code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    sku_code = forms.CharField(label=_("Our SKU (merchant code)"), max_length=64)
