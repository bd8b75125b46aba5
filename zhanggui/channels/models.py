from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    TAOBAO = "taobao", _("Taobao")
    TMALL = "tmall", _("Tmall")
    JD = "jd", _("JD")
    OWN_SITE = "own_site", _("Own site")
    MANUAL = "manual", _("Manual")


class Shop(models.Model):
    """One storefront on one channel (a Taobao shop, a Tmall shop, a JD shop...)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["channel", "name"]
        permissions = [
            ("view_sync", _("Can see the channel sync and its failures")),
            ("run_sync", _("Can run and retry the channel sync")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="shop_unique_name_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.name}"


# ---------------------------------------------------------------- channel sync (issue 4)


class ShopConnection(models.Model):
    """The API credentials of one shop on its channel's open platform (TOP for Taobao and
    Tmall). Without an active connection the sync, shipments and stock pushes skip the shop."""

    shop = models.OneToOneField(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="connection"
    )
    app_key = models.CharField(_("app key"), max_length=64)
    # Stored as given: the shop's own database holds it; pages only ever show it masked.
    app_secret = models.CharField(_("app secret"), max_length=128)
    session_key = models.CharField(_("session key"), max_length=255)
    gateway_url = models.URLField(_("gateway URL"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # Where the first sync starts: orders modified since then are taken.
    sync_from = models.DateTimeField(_("take orders modified since"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop connection")
        verbose_name_plural = _("shop connections")

    def __str__(self) -> str:
        return str(self.shop)


class SyncKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    REFUNDS = "refunds", _("Refunds")


class SyncWatermark(models.Model):
    """Everything the channel changed up to `taken_until` is stored. Moved forward only after
    a whole window is stored; `running_until` is the lease of the run taking a window."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="sync_watermarks")
    kind = models.CharField(_("kind"), max_length=16, choices=SyncKind.choices)
    taken_until = models.DateTimeField(_("taken until"))
    running_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sync watermark")
        verbose_name_plural = _("sync watermarks")
        constraints = [
            models.UniqueConstraint(fields=["shop", "kind"], name="sync_watermark_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.kind} @ {self.taken_until:%Y-%m-%d %H:%M:%S}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class SyncRun(models.Model):
    """One window taken (or tried) from one shop: what came in and how it ended."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="sync_runs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SyncKind.choices)
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    pulled = models.PositiveIntegerField(_("pulled"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["shop", "kind", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M:%S} {self.status}"


class SyncFailure(models.Model):
    """Something the sync could not take, retried with backoff until it is taken.

    `order_no` empty: the shop's window itself fails (the channel refused or did not answer);
    otherwise one trade that could not be stored. `next_retry_at` empty: retrying cannot help
    (an expired session, a record we cannot read) until a person acts or the channel sends a
    newer record."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="sync_failures"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SyncKind.choices)
    order_no = models.CharField(_("order number"), max_length=40, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    first_failed_at = models.DateTimeField(_("first failed"))
    last_failed_at = models.DateTimeField(_("last failed"))

    class Meta:
        verbose_name = _("sync failure")
        verbose_name_plural = _("sync failures")
        ordering = ["shop", "kind", "order_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "order_no"], name="sync_failure_unique_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.kind} {self.order_no or '*'} ×{self.attempts}"


class OutboxKind(models.TextChoices):
    SHIPMENT = "shipment", _("Shipment")
    STOCK = "stock", _("Stock level")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A change to tell a channel (a shipment, a stock level), sent by a background task and
    retried with backoff. FAILED waits for a person ("retry now")."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="outbox_messages"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutboxKind.choices)
    # What the message is about, one pending message per subject: "order:12", "listing:7".
    subject = models.CharField(_("subject"), max_length=64)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "subject"],
                condition=models.Q(status="pending"),
                name="outbox_one_pending_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.status})"


class ReconciliationStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    DIFFERS = "differs", _("Differs")
    FAILED = "failed", _("Failed")


class Reconciliation(models.Model):
    """One shop's orders of one Shanghai day: the channel's count against ours, and every
    order missing on either side. Checking the day again replaces the result."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="reconciliations"
    )
    day = models.DateField(_("day"))
    checked_at = models.DateTimeField(_("checked at"))
    status = models.CharField(_("status"), max_length=16, choices=ReconciliationStatus.choices)
    channel_count = models.PositiveIntegerField(_("on the channel"), default=0)
    our_count = models.PositiveIntegerField(_("in Zhanggui"), default=0)
    missing_here = models.JSONField(_("missing in Zhanggui"), default=list)
    missing_on_channel = models.JSONField(_("missing on the channel"), default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-day", "shop"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "day"], name="reconciliation_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.status}"
