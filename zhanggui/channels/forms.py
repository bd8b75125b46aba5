"""Forms of the channel sync's pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhanggui.channels.models import OutboxStatus, Shop
from zhanggui.channels.services.connections import TOP_GATEWAY

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ConnectionForm(forms.Form):
    app_key = forms.CharField(label=_("App key"), max_length=64)
    app_secret = forms.CharField(
        label=_("App secret"),
        max_length=128,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    session_key = forms.CharField(
        label=_("Session key"),
        max_length=255,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    gateway_url = forms.URLField(
        label=_("Gateway URL"), initial=TOP_GATEWAY, max_length=200, assume_scheme="https"
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    sync_from = forms.DateTimeField(
        label=_("Take orders modified since"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Only for the first sync; empty means the last day."),
    )

    def __init__(self, *args: Any, masked: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, shown in (masked or {}).items():
            if shown:
                self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": shown
                }


class ReconcileForm(forms.Form):
    shop = forms.ModelChoiceField(
        label=_("Shop"),
        queryset=Shop.objects.filter(connection__is_active=True),
        to_field_name="code",
    )
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Waiting or failed")), *OutboxStatus.choices],
    )
