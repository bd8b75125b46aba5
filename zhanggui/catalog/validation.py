"""Field checks shared by forms, the API and imports, with messages in the user's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zhanggui.catalog import rules
from zhanggui.catalog.models import ProductLine
from zhanggui.core.money import parse_money


def title_errors(title: str) -> list[str]:
    limit = settings.ZHANGGUI["TITLE_MAX_BYTES"]
    if not title.strip():
        return [_("A title is required.")]
    used = rules.title_bytes(title)
    if used > limit:
        return [
            _("The title is %(used)d bytes; the channel allows %(limit)d (30 Chinese characters).")
            % {"used": used, "limit": limit}
        ]
    return []


def item_no_errors(item_no: str) -> list[str]:
    if not item_no:
        return [_("An item number is required.")]
    if not rules.is_valid_item_no(item_no):
        return [
            _(
                "Use letters, digits, '-', '_' or '.' only (at most 40), starting with a letter or digit."
            )
        ]
    return []


def merchant_code_errors(code: str) -> list[str]:
    if not code:
        return [_("A merchant code is required.")]
    if not rules.is_valid_merchant_code(code):
        return [_("Use at most 64 visible ASCII characters, no spaces.")]
    return []


def barcode_errors(code: str) -> list[str]:
    problem = rules.barcode_problem(code)
    if problem == "ean13_checksum":
        return [_("This looks like an EAN-13 but its check digit is wrong.")]
    if problem == "not_printable":
        return [_("A barcode is at most 32 visible ASCII characters.")]
    return []


def product_line_errors(value: str) -> list[str]:
    if value not in ProductLine.values:
        return [_("Choose traffic, promo or profit.")]
    return []


def money_or_error(value: Any, *, required: bool) -> tuple[Decimal | None, list[str]]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ([_("An amount is required.")] if required else [])
    try:
        return parse_money(value), []
    except ValueError:
        return None, [_("Enter an amount in yuan, not negative, like 59.00.")]


def weight_or_error(value: Any) -> tuple[int | None, list[str]]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    try:
        grams = int(str(value).strip())
    except ValueError:
        return None, [_("Enter the weight in whole grams.")]
    if grams < 0 or grams > 1_000_000:
        return None, [_("A weight is between 0 and 1,000,000 grams.")]
    return grams, []
