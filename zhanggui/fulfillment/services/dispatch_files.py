"""Reading the couriers' files (pickup weights, tracking, monthly bills): columns found by
header with aliases, cells read as weights, amounts, times; every problem collected with
file, row and column so the person sees all of them at once. No database."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core.errors import RowError
from zhanggui.core.money import parse_money
from zhanggui.core.tabular import Row, Table, header_key

GRAMS_PER_KG: Final = 1000
MAX_WEIGHT_G: Final = 1_000_000  # one tonne: no parcel of ours comes near it
TRACKING_NO: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{4,39}$")
_NUMBER: Final = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE_TIME: Final = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?)?$"
)
# The words couriers write for the tracking number, shared by every file we read.
TRACKING_ALIASES: Final = (
    "运单号", "快递单号", "物流单号", "运单编号", "面单号", "单号", "快件单号", "tracking_no",
    "tracking number", "tracking no", "waybill", "waybill no",
)  # fmt: skip


Parsed = tuple[Any, Any]  # (value or None, problem or None)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the file format writes it: not translated
    aliases: tuple[str, ...] = ()


class SheetReader:
    """One table's columns mapped and its cells read; `errors` collects every problem."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[Column],
        *,
        required: Iterable[str | tuple[str, ...]],
        ignorable: Iterable[str] | None = None,
    ) -> None:
        self.table = table
        self.errors: list[RowError] = []
        self.columns: dict[str, int] = {}
        self.headers = {column.field: column.header for column in columns}
        self.ignored: list[str] = []
        self._memo: dict[tuple[str, str], Parsed] = {}
        self._map(columns, required, ignorable)

    def error(self, row: int, field: str, message: Any) -> None:
        if field in self.columns:
            header = self.table.header[self.columns[field]]
        else:
            header = self.headers.get(field, field)
        self.errors.append(
            RowError(file=self.table.filename, row=row, field=header, message=message)
        )

    def _map(
        self,
        columns: Sequence[Column],
        required: Iterable[str | tuple[str, ...]],
        ignorable: Iterable[str] | None,
    ) -> None:
        header_row = self.table.header_row
        for column in columns:
            found = self.table.find((column.header, column.field, *column.aliases))
            if len(found) > 1:
                names = ", ".join(self.table.header[index] for index in found)
                self.error(
                    header_row,
                    column.field,
                    _("The column appears more than once (%(names)s).") % {"names": names},
                )
            elif found:
                self.columns[column.field] = found[0]
        for needed in required:
            options = (needed,) if isinstance(needed, str) else needed
            present = [name for name in options if name in self.columns]
            if not present:
                self.error(header_row, options[0], _("This column is required."))
            elif len(present) > 1:
                names = ", ".join(self.table.header[self.columns[name]] for name in present)
                self.error(
                    header_row,
                    options[0],
                    _("Give only one of these columns: %(names)s.") % {"names": names},
                )
        used = set(self.columns.values())
        known = {header_key(name) for name in ignorable or ()}
        for index, text in enumerate(self.table.header):
            if index in used or not text:
                continue
            if ignorable is None or header_key(text) in known:
                self.ignored.append(text)
                continue
            read = "、".join(column.header for column in columns)
            self.errors.append(
                RowError(
                    file=self.table.filename,
                    row=header_row,
                    field=text,
                    message=_(
                        "Unknown column %(name)s: rename it to one of %(read)s, or delete it."
                    )
                    % {"name": text, "read": read},
                )
            )

    def cell(self, row: Row, field: str) -> str:
        return row.get(self.columns[field]).strip() if field in self.columns else ""

    def has(self, field: str) -> bool:
        return field in self.columns

    def tracking_no(self, row: Row, field: str = "tracking_no") -> str | None:
        text = self.cell(row, field).replace(" ", "")
        if not text:
            self.error(row.number, field, _("The tracking number is missing."))
            return None
        if not TRACKING_NO.match(text):
            self.error(
                row.number, field, _("%(value)s is not a tracking number.") % {"value": text}
            )
            return None
        return text.upper()

    def _parsed(
        self, row: Row, field: str, kind: str, parse: Callable[[str], tuple[Any, Any]]
    ) -> Any:
        """The cell read by `parse` (value, problem), remembered per text: statements repeat
        the same weights, prices and dates thousands of times."""
        written = self.cell(row, field)
        key = (kind, written)
        if key not in self._memo:
            self._memo[key] = parse(written)
        value, problem = self._memo[key]
        if problem is not None:
            self.error(row.number, field, problem)
        return value

    def weight_g(self, row: Row, field: str, *, unit_g: int, required: bool = True) -> int | None:
        """A weight in grams from a cell in kg (unit_g=1000) or in g (unit_g=1)."""
        return self._parsed(
            row, field, f"weight{unit_g}{required}", lambda text: _weight(text, unit_g, required)
        )

    def amount(self, row: Row, field: str, *, required: bool = True) -> Decimal | None:
        return self._parsed(row, field, f"amount{required}", lambda text: _amount(text, required))

    def moment(self, row: Row, field: str, *, required: bool = True) -> datetime | None:
        return self._parsed(row, field, f"moment{required}", lambda text: _moment(text, required))

    def day(self, row: Row, field: str) -> date | None:
        return self._parsed(row, field, "day", _day)


def _weight(written: str, unit_g: int, required: bool) -> Parsed:
    text = written.replace(",", "").lower()
    for mark in ("kg", "公斤", "千克", "克", "g"):
        text = text.replace(mark, "")
    text = text.strip()
    if not text:
        return None, _("The weight is missing.") if required else None
    if not _NUMBER.match(text):
        return None, _("%(value)s is not a weight.") % {"value": written}
    try:
        grams = Decimal(text) * unit_g
    except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
        return None, _("%(value)s is not a weight.") % {"value": written}
    if grams != grams.to_integral_value() or not 0 <= grams <= MAX_WEIGHT_G:
        return None, _("%(value)s is not a weight in whole grams up to 1,000 kg.") % {
            "value": written
        }
    return int(grams), None


def _amount(written: str, required: bool) -> Parsed:
    if not written:
        return None, _("The amount is missing.") if required else None
    if _too_precise(written):
        return None, _("%(value)s has more than two decimals (fen).") % {"value": written}
    try:
        return parse_money(written), None
    except ValueError:
        return None, _("%(value)s is not an amount in yuan (0 or more).") % {"value": written}


def _moment(written: str, required: bool) -> Parsed:
    if not written:
        return None, _("The time is missing.") if required else None
    value = parse_moment(written)
    if value is None:
        return None, _("%(value)s is not a date and time like 2026-05-01 14:30.") % {
            "value": written
        }
    return value, None


def _day(written: str) -> Parsed:
    if not written:
        return None, None
    value = parse_moment(written)
    if value is None:
        return None, _("%(value)s is not a date like 2026-05-01.") % {"value": written}
    return timezone.localtime(value).date(), None


def _too_precise(written: str) -> bool:
    match = re.search(r"\.(\d+)", written)
    return bool(match and len(match.group(1).rstrip("0")) > 2)


def parse_moment(text: str) -> datetime | None:
    """A time as couriers write it (2026-05-01 14:30[:05], 2026/5/1 8:05, 2026年5月1日,
    ISO with or without an offset), aware; times without a zone are the shop's."""
    text = text.strip()
    match = _DATE_TIME.match(text)
    try:
        if match:
            parts = [int(part) if part else 0 for part in match.groups()]
            year, month, day, hour, minute, second = parts
            naive = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 (made aware below)
            return timezone.make_aware(naive)
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def weight_tolerance_g() -> int:
    """How far a courier's weight may be from ours before it is listed as a difference
    (ZHANGGUI["COURIER_WEIGHT_TOLERANCE_G"], 100 g by default)."""
    from django.conf import settings

    return int(getattr(settings, "ZHANGGUI", {}).get("COURIER_WEIGHT_TOLERANCE_G", 100))
