"""`zhanggui sync-channels [--shop CODE] [--json]`: take the orders and refunds the
connected shops changed since their watermark, then push what waits in the outbox, now and
in this process (the scheduled job does the same every five minutes). Exit status 1 when a
window failed."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.channels import outbox
from zhanggui.channels.models import RunStatus, SyncRun
from zhanggui.channels.services import sync


def run_as_dict(run: SyncRun) -> dict[str, Any]:
    return {
        "shop": run.shop.code,
        "kind": run.kind,
        "window_start": run.window_start.isoformat(),
        "window_end": run.window_end.isoformat(),
        "status": run.status,
        "pulled": run.pulled,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "error": run.error,
    }


class Command(BaseCommand):
    help = "Take orders and refunds from the connected shops now, then push the outbox."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", default="", help="only this shop (its code)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["shop"]
        if code and not sync.active_connections(code):
            raise CommandError(_("No shop with an active connection has the code %s.") % code)
        runs = sync.sync_all(shop_code=code)
        pushed = outbox.send_due()
        if options["json"]:
            body = {"runs": [run_as_dict(run) for run in runs], "pushed": pushed.as_dict()}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            for run in runs:
                self.stdout.write(
                    _(
                        "%(shop)s %(kind)s %(start)s – %(end)s: %(status)s, pulled %(pulled)d, "
                        "created %(created)d, updated %(updated)d, unchanged %(unchanged)d, "
                        "rejected %(rejected)d %(error)s"
                    )
                    % {
                        **run_as_dict(run),
                        "start": timezone.localtime(run.window_start).strftime("%m-%d %H:%M:%S"),
                        "end": timezone.localtime(run.window_end).strftime("%m-%d %H:%M:%S"),
                        "status": run.get_status_display(),
                    }
                )
            self.stdout.write(
                _("Outbox: %(sent)d sent, %(retrying)d to retry, %(failed)d failed.")
                % pushed.as_dict()
            )
        if any(run.status == RunStatus.FAILED for run in runs):
            raise CommandError(_("A sync window failed; it is retried with backoff."), returncode=1)
