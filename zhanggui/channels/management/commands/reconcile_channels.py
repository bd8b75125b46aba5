"""`zhanggui reconcile-channels [--shop CODE] [--day YYYY-MM-DD] [--json]`: compare a
Shanghai day's orders on each connected shop's channel with ours (default: yesterday), as
the nightly job does. Exit status 1 when any differs or fails."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhanggui.channels.models import Reconciliation, ReconciliationStatus
from zhanggui.channels.services import reconciliation, sync


def check_as_dict(check: Reconciliation) -> dict[str, Any]:
    return {
        "shop": check.shop.code,
        "day": check.day.isoformat(),
        "status": check.status,
        "channel_count": check.channel_count,
        "our_count": check.our_count,
        "missing_here": check.missing_here,
        "missing_on_channel": check.missing_on_channel,
        "error": check.error,
    }


class Command(BaseCommand):
    help = "Compare a day's orders on the channels with ours; list what is missing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", default="", help="only this shop (its code)")
        parser.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (Shanghai)")
        parser.add_argument("--json", action="store_true", help="print one JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["shop"]
        if code and not sync.active_connections(code):
            raise CommandError(_("No shop with an active connection has the code %s.") % code)
        checks = reconciliation.reconcile_all(day=options["day"], shop_code=code)
        if options["json"]:
            self.stdout.write(json.dumps([check_as_dict(c) for c in checks], ensure_ascii=False))
        else:
            for check in checks:
                self.stdout.write(
                    _(
                        "%(shop)s %(day)s: %(status)s, %(channel_count)d on the channel, "
                        "%(our_count)d here"
                    )
                    % {**check_as_dict(check), "status": check.get_status_display()}
                )
                for order_no in check.missing_here:
                    self.stdout.write("  " + _("missing here: %s") % order_no)
                for order_no in check.missing_on_channel:
                    self.stdout.write("  " + _("missing on the channel: %s") % order_no)
        if any(check.status != ReconciliationStatus.MATCHED for check in checks):
            raise CommandError(_("Some days do not match."), returncode=1)
