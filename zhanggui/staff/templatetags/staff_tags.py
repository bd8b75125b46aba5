"""Template helpers of the operator pages: roles, money, audit changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from zhanggui.core.models import AuditEntry
from zhanggui.staff.roles import SENSITIVE_FIELDS
from zhanggui.staff.services import roles_of

register = template.Library()


@register.simple_tag
def user_roles(user: Any) -> str:
    """The person's roles in the page's language, e.g. "Editor, Designer"."""
    return ", ".join(str(role.label) for role in roles_of(user))


@register.filter
def yuan(value: Any) -> str:
    """¥59.00, or a dash when there is no amount."""
    if value is None or value == "":
        return "—"
    return f"¥{Decimal(value):,.2f}"


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str
    hidden: bool


def _label(model: Any, name: str) -> str:
    if name.startswith("image_") and name[6:].isdigit():
        return _("image %(sequence)s") % {"sequence": name[6:]}
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


def _shown(model: Any, name: str, value: str | None) -> str:
    if value is None or value == "":
        return "—"
    try:
        choices = dict(model._meta.get_field(name).flatchoices) if model else {}
    except FieldDoesNotExist:
        choices = {}
    if value in choices:
        return str(choices[value])
    if value in ("true", "false"):
        return _("yes") if value == "true" else _("no")
    return value


@register.simple_tag(takes_context=True)
def audit_changes(context: template.Context, entry: AuditEntry) -> list[ChangeRow]:
    """Each changed field of an entry with before and after; fields the viewer may not
    read (SENSITIVE_FIELDS, e.g. costs) are marked hidden and carry no values."""
    user = context["request"].user
    # get_for_id is cached per process: no query per entry.
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    rows = []
    for name, change in (entry.changes or {}).items():
        permission = SENSITIVE_FIELDS.get(name)
        if permission and not user.has_perm(permission):
            rows.append(ChangeRow(_label(model, name), "", "", hidden=True))
            continue
        before, after = change.get("before"), change.get("after")
        if not before and not after:
            continue  # a blank field of a new record says nothing
        rows.append(
            ChangeRow(
                _label(model, name),
                _shown(model, name, before),
                _shown(model, name, after),
                hidden=False,
            )
        )
    return rows
