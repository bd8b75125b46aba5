"""Reads for the channel sync's pages: where each shop's sync stands."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from zhanggui.channels.connectors import CONNECTORS
from zhanggui.channels.models import (
    OutboxMessage,
    OutboxStatus,
    Reconciliation,
    Shop,
    ShopConnection,
    SyncFailure,
    SyncKind,
    SyncRun,
    SyncWatermark,
)

FAILURES_SHOWN = 20


@dataclass
class KindStatus:
    kind: str
    label: str
    watermark: SyncWatermark | None = None
    last_run: SyncRun | None = None
    window_failure: SyncFailure | None = None


@dataclass
class ShopStatus:
    shop: Shop
    connection: ShopConnection | None
    kinds: list[KindStatus] = field(default_factory=list)
    trade_failures: int = 0
    outbox_pending: int = 0
    outbox_failed: int = 0
    last_reconciliation: Reconciliation | None = None


def syncable_shops() -> list[Shop]:
    """Shops whose channel has a connector, and any shop with a connection."""
    return list(
        Shop.objects.filter(Q(channel__in=list(CONNECTORS)) | Q(connection__isnull=False))
        .select_related("connection")
        .distinct()
        .order_by("channel", "name")
    )


def shop_status(shop: Shop) -> ShopStatus:
    connection = ShopConnection.objects.filter(shop=shop).first()
    status = ShopStatus(shop=shop, connection=connection)
    watermarks = {mark.kind: mark for mark in SyncWatermark.objects.filter(shop=shop)}
    window_failures = {
        failure.kind: failure for failure in SyncFailure.objects.filter(shop=shop, order_no="")
    }
    for kind in SyncKind:
        status.kinds.append(
            KindStatus(
                kind=kind.value,
                label=str(kind.label),
                watermark=watermarks.get(kind.value),
                last_run=SyncRun.objects.filter(shop=shop, kind=kind.value).first(),
                window_failure=window_failures.get(kind.value),
            )
        )
    status.trade_failures = SyncFailure.objects.filter(shop=shop).exclude(order_no="").count()
    counts = OutboxMessage.objects.filter(shop=shop).aggregate(
        pending=Count("pk", filter=Q(status=OutboxStatus.PENDING)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
    )
    status.outbox_pending, status.outbox_failed = counts["pending"], counts["failed"]
    status.last_reconciliation = Reconciliation.objects.filter(shop=shop).first()
    return status


def shop_statuses() -> list[ShopStatus]:
    return [shop_status(shop) for shop in syncable_shops()]


def open_failures(shop: Shop) -> list[SyncFailure]:
    """The shop's failures, windows first, then trades by when they next retry."""
    return list(
        SyncFailure.objects.filter(shop=shop).order_by("-kind", "order_no")[: FAILURES_SHOWN * 5]
    )
