from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def money_field(verbose_name: Any, *, null: bool = False) -> models.DecimalField[Any, Any]:
    """Yuan with two places, as the channels send it (STYLE.md §3)."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, null=null, blank=null)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class AuditEntry(models.Model):
    """One audited change: who, when, what, and each field's value before and after.

    Append-only. `changes` maps field name to {"before": str|None, "after": str|None};
    values are stored as text so Decimals never become floats in JSON."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """Last time a background worker ran a task from its queue; shown on /healthz."""

    queue = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.queue} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ScheduledRun(models.Model):
    """The last occurrence of a scheduled job that was enqueued (see core.schedule)."""

    name = models.CharField(max_length=100, unique=True)
    last_occurrence = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
