"""Forms of the staff pages: the audit trail's filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.core.models import AuditAction, AuditEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _start_of(day: date) -> datetime:
    # Days are the shop's days (Asia/Shanghai), whatever the server's clock says.
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=_("Anyone"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    record_type = forms.TypedChoiceField(
        label=_("Record type"), required=False, coerce=int, empty_value=None
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuditAction.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_ids = AuditEntry.objects.order_by().values_list("content_type", flat=True).distinct()
        types = sorted(
            (ContentType.objects.get_for_id(type_id) for type_id in type_ids),
            key=lambda content_type: str(content_type.name),
        )
        record_type = cast(forms.TypedChoiceField, self.fields["record_type"])
        record_type.choices = [
            ("", _("Any")),
            *((content_type.pk, _type_label(content_type)) for content_type in types),
        ]

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """The entries matching the filters; an invalid filter is shown with its error and
        left out, the valid ones still apply."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("person"):
            entries = entries.filter(actor=data["person"])
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        if data.get("record_type"):
            entries = entries.filter(content_type_id=data["record_type"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        return entries


def _type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model
