"""`zhanggui check-stock [--json]`: recompute every balance, and the daily sales roll-up,
from the ledger and say which differ. Exit status 1 when any does, so cron and CI notice."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhanggui.inventory.selectors import LedgerCheck, check_ledger


class Command(BaseCommand):
    help = "Recompute every stock balance and daily sales total from the ledger; exit 1 if any differs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_ledger()
        if options["json"]:
            body = {
                "checked": result.checked,
                "differences": [difference.as_dict() for difference in result.differences],
                "daily_sales_checked": result.daily_sales_checked,
                "daily_sales_differences": [
                    difference.as_dict() for difference in result.daily_sales_differences
                ],
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            self._print(result)
        if not result.is_consistent:
            raise CommandError(" ".join(_failures(result)), returncode=1)

    def _print(self, result: LedgerCheck) -> None:
        self.stdout.write(
            _("Balances checked: %(checked)d. Differences from the ledger: %(wrong)d.")
            % {"checked": result.checked, "wrong": len(result.differences)}
        )
        self.stdout.write(
            _("Daily sales totals checked: %(checked)d. Differences from the ledger: %(wrong)d.")
            % {"checked": result.daily_sales_checked, "wrong": len(result.daily_sales_differences)}
        )
        if result.differences:
            header = (
                _("merchant code"),
                _("warehouse"),
                _("on hand"),
                _("ledger"),
                _("reserved"),
                _("reservations"),
            )
            self._table(
                header,
                [
                    (
                        difference.merchant_code or f"#{difference.sku_id}",
                        difference.warehouse or f"#{difference.warehouse_id}",
                        str(difference.on_hand),
                        str(difference.ledger_on_hand),
                        str(difference.reserved),
                        str(difference.active_reserved),
                    )
                    for difference in result.differences
                ],
            )
        if result.daily_sales_differences:
            self._table(
                (_("merchant code"), _("day"), _("units sold"), _("ledger")),
                [
                    (
                        difference.merchant_code or f"#{difference.sku_id}",
                        difference.day.isoformat(),
                        str(difference.units),
                        str(difference.ledger_units),
                    )
                    for difference in result.daily_sales_differences
                ],
            )

    def _table(self, header: Sequence[str], body: Sequence[Sequence[str]]) -> None:
        rows = [header, *body]
        widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
        for row in rows:
            cells = [
                cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
            ]
            self.stdout.write("  ".join(cells).rstrip())


def _failures(result: LedgerCheck) -> list[str]:
    failures = []
    if result.differences:
        count = len(result.differences)
        failures.append(
            ngettext(
                "%(count)d balance differs from the ledger.",
                "%(count)d balances differ from the ledger.",
                count,
            )
            % {"count": count}
        )
    if result.daily_sales_differences:
        count = len(result.daily_sales_differences)
        failures.append(
            ngettext(
                "%(count)d daily sales total differs from the ledger.",
                "%(count)d daily sales totals differ from the ledger.",
                count,
            )
            % {"count": count}
        )
    return failures


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
