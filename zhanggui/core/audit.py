"""Recording audited changes. Services call these in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from zhanggui.core.models import AuditAction, AuditEntry


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, to compare after a change."""
    return {name: getattr(instance, name) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, str | None]]:
    """Fields whose text form changed, as {field: {"before", "after"}}."""
    changes: dict[str, dict[str, str | None]] = {}
    for name, old in before.items():
        old_text, new_text = _as_text(old), _as_text(after.get(name))
        if old_text != new_text:
            changes[name] = {"before": old_text, "after": new_text}
    return changes


def record(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    changes: Mapping[str, Mapping[str, str | None]] | None = None,
    note: str = "",
) -> AuditEntry | None:
    """Append one audit entry. An update that changed nothing records nothing."""
    if action == AuditAction.UPDATE and not changes:
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else str(actor or "system"))[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=dict(changes or {}),
        note=note[:255],
    )


def record_creation(
    *, actor: Any, instance: models.Model, fields: Iterable[str]
) -> AuditEntry | None:
    values = {name: {"before": None, "after": _as_text(getattr(instance, name))} for name in fields}
    return record(actor=actor, instance=instance, action=AuditAction.CREATE, changes=values)


def entries_for(instance: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit trail of one record, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    ).select_related("actor")
