"""`zhanggui parse-address TEXT [--json]`: split pasted receiver text into name, phone,
province, city, district, address and postcode (API.md).

`zhanggui parse-address - [--json]` reads one text per line from standard input. Every
input line gets one answer, a blank line an all-null one, so answer N always belongs to
line N (scripts pair them with `paste`). The exit status is 0 even when a text does not
resolve: the nulls say so."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhanggui.orders.addresses import API_FIELDS, ParsedAddress, parse_address

_EMPTY = ParsedAddress(None, None, None, None, None, None, None, resolved=False)


def _labels() -> dict[str, str]:
    # The "receiver" context keeps these apart from a product's name or a shop's address.
    return {
        "name": pgettext("receiver", "Name"),
        "phone": pgettext("receiver", "Phone"),
        "province": pgettext("receiver", "Province"),
        "city": pgettext("receiver", "City"),
        "district": pgettext("receiver", "District"),
        "address": pgettext("receiver", "Address"),
        "postcode": pgettext("receiver", "Postcode"),
    }


class Command(BaseCommand):
    help = (
        "Split receiver text (name, phone, address in any order) into its parts. "
        "TEXT '-' reads one text per line from standard input."
    )
    # Tests hand in their own standard input: call_command("parse_address", "-", stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "text", nargs="+", help="the receiver text (words are joined), or - for stdin"
        )
        parser.add_argument("--json", action="store_true", help="print JSON objects")

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["text"]
        if words == ["-"]:
            stdin: TextIO = options.get("stdin") or sys.stdin
            texts: Iterable[str] = (line.rstrip("\r\n") for line in stdin)
        else:
            texts = [" ".join(words)]
        for number, text in enumerate(texts):
            parsed = parse_address(text) if text.strip() else _EMPTY
            if options["json"]:
                self.stdout.write(json.dumps(parsed.as_dict(), ensure_ascii=False))
            else:
                if number:
                    self.stdout.write("")
                self._print(parsed)

    def _print(self, parsed: ParsedAddress) -> None:
        labels = _labels()
        values = parsed.as_dict()
        for field in API_FIELDS:
            self.stdout.write(f"{labels[field]}: {values[field] or '—'}")
        self.stdout.write(f"{_('Resolved')}: {_('yes') if parsed.resolved else _('no')}")
