"""Background work of the channel sync: take orders and refunds every few minutes, push
the outbox every minute, reconcile yesterday every night. Each task is safe to run twice
(leases and conditional updates) and returns a JSON summary as its result."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from zhanggui.channels import outbox
from zhanggui.channels.services import reconciliation, sync
from zhanggui.core.schedule import scheduled


@scheduled(name="channels.sync", every_minutes=5)
@task()
def sync_channels(shop_code: str = "") -> dict[str, Any]:
    """Take what each connected shop (or the one named) changed since its watermark,
    then push what waits in the outbox."""
    runs = sync.sync_all(shop_code=shop_code)
    pushed = outbox.send_due()
    return {
        "runs": [
            {
                "shop_id": run.shop_id,
                "kind": run.kind,
                "status": run.status,
                "pulled": run.pulled,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "rejected": run.rejected,
            }
            for run in runs
        ],
        "pushed": pushed.as_dict(),
    }


@scheduled(name="channels.push_outbox", every_minutes=1)
@task()
def push_channel_outbox() -> dict[str, int]:
    """Send the shipments and stock levels whose time has come."""
    return outbox.send_due().as_dict()


@scheduled(name="channels.reconcile", hour=3)
@task()
def reconcile_channels(day: str = "", shop_code: str = "") -> list[dict[str, Any]]:
    """Nightly: yesterday's orders, the channel's against ours (`day` as YYYY-MM-DD to
    check another day). Also forgets sync runs older than a month."""
    checks = reconciliation.reconcile_all(
        day=date.fromisoformat(day) if day else None, shop_code=shop_code
    )
    sync.prune_history()
    return [
        {
            "shop_id": check.shop_id,
            "day": check.day.isoformat(),
            "status": check.status,
            "channel_count": check.channel_count,
            "our_count": check.our_count,
            "missing_here": len(check.missing_here),
            "missing_on_channel": len(check.missing_on_channel),
        }
        for check in checks
    ]
