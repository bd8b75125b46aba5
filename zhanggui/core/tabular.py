"""Reading and writing the spreadsheets shops trade in: CSV (UTF-8 with or without BOM, GBK
from Chinese Excel, UTF-16 "Unicode text") and XLSX. No business rules: callers get a header
and rows of stripped text, numbered as Excel numbers them (header = row 1)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from zhanggui.core.errors import DomainError

MAX_ROWS = 200_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_ENCODINGS = {
    "utf-8-sig": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "gbk": "gb18030",
    "gb18030": "gb18030",
}
# OWASP CSV injection: a text cell starting with one of these runs as a formula in Excel,
# LibreOffice or WPS. The apostrophe itself is escaped too, so unwrapping is exact.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")
_EXCEL_TEXT = re.compile(r'^="((?:[^"]|"")*)"$')
# Excel shows more than 11 digits in scientific notation and drops leading zeros: barcodes
# and merchant codes like that are written as ="..." in CSV, as the channels' exports do.
_FRAGILE_DIGITS = re.compile(r"^(?:0\d+|\d{12,})$")
_BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Cell = str | int | float | Decimal | bool | date | None


class UnreadableFile(DomainError):  # noqa: N818 (named like the other DomainErrors)
    """The file is not a spreadsheet we can read; the message names the file."""

    code = "unreadable_file"
    default_message = gettext_lazy("The file cannot be read.")


@dataclass(frozen=True)
class Row:
    number: int
    values: tuple[str, ...]

    def get(self, index: int) -> str:
        return self.values[index] if index < len(self.values) else ""


@dataclass
class Table:
    filename: str
    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1

    def find(self, names: Iterable[str]) -> list[int]:
        """Indexes of the columns whose header is one of `names` (case, width and spaces
        ignored), so callers can reject a column given twice."""
        wanted = {header_key(name) for name in names}
        return [index for index, text in enumerate(self.header) if header_key(text) in wanted]


def header_key(text: str) -> str:
    """Compare headers as people type them: `重量（克） `, `Weight_G` and `weight g` match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_]+", "", folded)


def unwrap(value: str) -> str:
    """A cell's text without the marks spreadsheets add to keep it text: `="0123"`, `'139…`."""
    value = value.strip()
    match = _EXCEL_TEXT.match(value)
    if match:
        return match.group(1).replace('""', '"').strip()
    if value.startswith("'"):
        return value[1:]
    return value


def read_table(*, filename: str, content: bytes, max_rows: int = MAX_ROWS) -> Table:
    """Read the first sheet of an XLSX or a CSV/TSV file. Blank rows are skipped but keep
    their numbers. Raises UnreadableFile for anything else, an empty file or too many rows."""
    if not content.strip():
        raise UnreadableFile(_("%(file)s is empty.") % {"file": filename})
    if content.startswith(_OLE2_SIGNATURE):
        raise UnreadableFile(
            _("%(file)s is an old Excel 97-2003 file; save it as .xlsx or .csv and try again.")
            % {"file": filename}
        )
    if content.startswith(b"PK\x03\x04"):
        records = _xlsx_records(filename, content)
    elif filename.lower().endswith((".xlsx", ".xlsm")) or content.startswith(_BINARY_SIGNATURES):
        raise UnreadableFile(_("%(file)s is not a CSV or XLSX file.") % {"file": filename})
    else:
        records = _csv_records(filename, _decode(filename, content))
    return _table(filename, records, max_rows)


def _table(filename: str, records: Iterator[tuple[int, list[Any]]], max_rows: int) -> Table:
    table: Table | None = None
    for number, raw in records:
        values = tuple(unwrap(_text(value)) for value in raw)
        if not any(values):
            continue
        if table is None:
            table = Table(filename=filename, header=values, header_row=number)
            continue
        if len(table.rows) >= max_rows:
            raise UnreadableFile(
                _("%(file)s has more than %(limit)d rows; split it into smaller files.")
                % {"file": filename, "limit": max_rows}
            )
        padding = ("",) * (len(table.header) - len(values))  # XLSX rows end at their last value
        table.rows.append(Row(number=number, values=values + padding))
    if table is None or not table.rows:
        raise UnreadableFile(_("%(file)s has no data rows.") % {"file": filename})
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel stores every number as a float: 6901234567890.0 is a barcode, 59.9 a price.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _decode(filename: str, content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        # GB18030 also reads GBK and GB2312. UTF-8 goes first: its strict byte patterns
        # almost never fit GBK text, while GB18030 would read most UTF-8 bytes as wrong
        # Chinese characters without any error.
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise UnreadableFile(
        _("%(file)s is neither UTF-8 nor GBK text; save it from Excel as CSV or XLSX.")
        % {"file": filename}
    )


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first_line.count)


def _csv_records(filename: str, text: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # A record is one Excel row even when a quoted cell spans several lines.
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise UnreadableFile(
            _("%(file)s row %(row)d: the CSV quoting is broken (%(error)s).")
            % {"file": filename, "row": reader.line_num, "error": error}
        ) from error


def _xlsx_records(filename: str, content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            _("%(file)s is not a valid XLSX file.") % {"file": filename}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # Files written by other tools often declare a wrong size; read what is there.
        sheet.reset_dimensions()
        yield from enumerate((list(row) for row in sheet.iter_rows(values_only=True)), start=1)
    finally:
        workbook.close()


def safe_text(value: str) -> str:
    """A text cell that no spreadsheet will run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if _FRAGILE_DIGITS.match(value):
        return f'="{value}"'
    return safe_text(value)


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, encoding: str = "utf-8-sig"
) -> bytes:
    """CSV bytes that Excel opens correctly: UTF-8 with BOM by default, or GBK.

    "gbk" is written as GB18030 (a superset read the same way by Chinese Excel) so a rare
    character or an emoji in a title cannot make the export fail."""
    if encoding.lower() not in CSV_ENCODINGS:
        raise ValueError(f"unsupported CSV encoding {encoding!r}")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(name) for name in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode(CSV_ENCODINGS[encoding.lower()])


def write_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, sheet_title: str = "Sheet1"
) -> bytes:
    """XLSX bytes of one sheet, written in streaming mode (memory stays flat for big exports)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([_xlsx_cell(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
