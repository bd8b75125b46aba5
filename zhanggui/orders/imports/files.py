"""Reading export files one record at a time, so a file of 100,000 orders never sits in
memory: CSV through the csv module over a decoded text stream, XLSX through openpyxl's
read-only mode. Columns are found by their header text (stripped), never by position.

Records are numbered as Excel numbers rows (the header is row 1; a quoted cell spanning
lines is still one row), so an error names the row a person sees when opening the file."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from zhanggui.core.errors import DomainError
from zhanggui.core.tabular import UnreadableFile, header_key

SNIFF_BYTES = 64 * 1024
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!")
# Floats from XLSX number cells are exact up to 2^53; past it an order number has lost
# digits already and must not be passed on as if it were whole.
_EXACT_FLOAT_LIMIT = 2**53
# Long texts (buyer messages) can pass csv's default of 128 kB only in broken files; a
# little more room, and still a clear error instead of unbounded memory.
csv.field_size_limit(1024 * 1024)


class MissingColumns(DomainError):
    """The header lacks columns the import needs; `columns` names them as the channel
    writes them."""

    code = "missing_columns"
    default_message = gettext_lazy("Columns are missing.")

    def __init__(
        self, *, file: str, columns: Sequence[str], row: int = 1, message: Any = None
    ) -> None:
        super().__init__(
            message
            or _("%(file)s: these columns are missing: %(columns)s.")
            % {"file": file, "columns": "、".join(columns)},
            file=file,
            columns=list(columns),
        )
        self.file = file
        self.columns = list(columns)
        self.row = row  # the header row


@dataclass
class SourceFile:
    """An uploaded or local file: its name (for messages) and a seekable binary stream."""

    name: str
    stream: IO[bytes]


@dataclass(frozen=True)
class Column:
    key: str
    # Header texts that mean this column, the preferred first (主订单编号 before 订单编号).
    names: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Layout:
    """Where a file keeps our columns, found from its header."""

    file: str
    header_row: int
    positions: dict[str, int]
    labels: dict[str, str]  # key -> the header text as the file writes it (stripped)
    columns: tuple[Column, ...]

    def has(self, key: str) -> bool:
        return key in self.positions

    def label(self, key: str) -> str:
        if key in self.labels:
            return self.labels[key]
        return next((column.names[0] for column in self.columns if column.key == key), key)

    def pick(self, record: Sequence[str], keys: Sequence[str]) -> list[str | None]:
        """The record's values for `keys` (None for a column the file does not have)."""
        values: list[str | None] = []
        for key in keys:
            index = self.positions.get(key)
            if index is None:
                values.append(None)
            else:
                values.append(record[index] if index < len(record) else "")
        return values


def match_columns(
    file: str, header_row: int, header: Sequence[str], columns: Sequence[Column]
) -> tuple[Layout, list[str]]:
    """The layout of a header, and the required columns it lacks (their first names)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        found.setdefault(header_key(cell), index)
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    missing: list[str] = []
    for column in columns:
        position = next(
            (found[header_key(name)] for name in column.names if header_key(name) in found), None
        )
        if position is None:
            if column.required:
                missing.append(column.names[0])
            continue
        positions[column.key] = position
        labels[column.key] = header[position].strip()
    return Layout(file, header_row, positions, labels, tuple(columns)), missing


# ---------------------------------------------------------------- records


def read_header(source: SourceFile) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    """The header (first non-blank record) and an iterator over the records after it."""
    records = iter_records(source)
    for number, values in records:
        if any(value.strip() for value in values):
            return number, [value.strip() for value in values], records
    raise UnreadableFile(_("%(file)s has no data rows.") % {"file": source.name})


def iter_records(source: SourceFile) -> Iterator[tuple[int, list[str]]]:
    """Every record of the first sheet or of the CSV, with its row number."""
    stream = source.stream
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise UnreadableFile(_("%(file)s is empty.") % {"file": source.name})
    if head.startswith(_OLE2_SIGNATURE):
        raise UnreadableFile(
            _("%(file)s is an old Excel 97-2003 file; save it as .xlsx or .csv and try again.")
            % {"file": source.name}
        )
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_records(source)
    if source.name.lower().endswith((".xlsx", ".xlsm", ".xls")) or head.startswith(
        _BINARY_SIGNATURES
    ):
        raise UnreadableFile(_("%(file)s is not a CSV or XLSX file.") % {"file": source.name})
    encoding, sample = _sniff_encoding(source.name, head)
    return _csv_records(source, encoding, _delimiter(sample))


def _sniff_encoding(filename: str, head: bytes) -> tuple[str, str]:
    """The encoding of a CSV from its first bytes: UTF-8 (with or without BOM) when they
    are valid UTF-8, else GB18030 (which reads GBK and GB2312 as well).

    UTF-8 goes first: its strict byte patterns almost never fit GBK text, while GB18030
    would read most UTF-8 bytes as wrong characters without any error."""
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            sample = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if "\x00" in sample:
            break
        return encoding, sample
    raise UnreadableFile(
        _("%(file)s is neither UTF-8 nor GBK text; save it from Excel as CSV or XLSX.")
        % {"file": filename}
    )


def _delimiter(sample: str) -> str:
    first_line = sample.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first_line.count)


def _csv_records(
    source: SourceFile, encoding: str, delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    buffered = io.BufferedReader(_Unclosable(source.stream), buffer_size=SNIFF_BYTES)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007 (read in except)
            yield number, record
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "%(file)s row %(row)d is not valid %(encoding)s text; the file may be damaged "
                "or saved in another encoding."
            )
            % {"file": source.name, "row": number + 1, "encoding": _encoding_name(encoding)}
        ) from error
    except csv.Error as error:
        raise UnreadableFile(
            _("%(file)s row %(row)d: the CSV quoting is broken (%(error)s).")
            % {"file": source.name, "row": number + 1, "error": error}
        ) from error


def _encoding_name(encoding: str) -> str:
    return {"gb18030": "GBK", "utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding)


class _Unclosable(io.RawIOBase):
    """The caller's stream for TextIOWrapper, which would otherwise close it when done."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _xlsx_records(source: SourceFile) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(source.stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            _("%(file)s is not a valid XLSX file.") % {"file": source.name}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # Files written by other tools often declare a wrong size; read what is there.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in row]
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """An XLSX cell as the CSV export would have written it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
