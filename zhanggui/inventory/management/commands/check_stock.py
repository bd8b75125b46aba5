"""`zhanggui check-stock [--json]`: recompute every balance from the ledger and say which
differ. Exit status 1 when any does, so cron and CI notice."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhanggui.inventory.selectors import LedgerCheck, check_ledger


class Command(BaseCommand):
    help = "Recompute every stock balance from the ledger; exit 1 if any differs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_ledger()
        if options["json"]:
            body = {
                "checked": result.checked,
                "differences": [difference.as_dict() for difference in result.differences],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            self._print(result)
        if result.differences:
            count = len(result.differences)
            raise CommandError(
                ngettext(
                    "%(count)d balance differs from the ledger.",
                    "%(count)d balances differ from the ledger.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )

    def _print(self, result: LedgerCheck) -> None:
        self.stdout.write(
            _("Balances checked: %(checked)d. Differences from the ledger: %(wrong)d.")
            % {"checked": result.checked, "wrong": len(result.differences)}
        )
        if not result.differences:
            return
        header = (
            _("merchant code"),
            _("warehouse"),
            _("on hand"),
            _("ledger"),
            _("reserved"),
            _("reservations"),
        )
        rows = [header] + [
            (
                difference.merchant_code or f"#{difference.sku_id}",
                difference.warehouse or f"#{difference.warehouse_id}",
                str(difference.on_hand),
                str(difference.ledger_on_hand),
                str(difference.reserved),
                str(difference.active_reserved),
            )
            for difference in result.differences
        ]
        widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
        for row in rows:
            cells = [
                cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
            ]
            self.stdout.write("  ".join(cells).rstrip())


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
