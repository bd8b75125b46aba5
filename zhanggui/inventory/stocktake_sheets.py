"""Count sheets (盘点表): the XLSX people count on, and reading it back filled in (XLSX, or
CSV in GBK or UTF-8). A file with any bad row is refused whole, every bad row named by
file, row and column; SKUs are looked up in bulk, never one query per row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.core.errors import ImportRejected, RowError
from zhanggui.core.tabular import Cell, Row, Table, read_table, write_xlsx
from zhanggui.inventory.models import Stocktake, StocktakeLine, StocktakeStatus
from zhanggui.inventory.services import IN_CHUNK
from zhanggui.inventory.stocktakes import (
    MAX_COUNT,
    InvalidStocktakeTransition,
    StocktakeNotFound,
    apply_counts,
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # a file format, like the catalog sheet: not translated
    aliases: tuple[str, ...]


COLUMNS: Final = (
    Column("merchant_code", "商家编码", ("merchant_code", "merchant code", "外部系统编号")),
    Column("barcode", "条码", ("barcode", "条形码")),
    Column("title", "标题", ("title", "宝贝名称")),
    Column("color", "颜色", ("color", "colour")),
    Column("size", "尺码", ("size",)),
    Column("bins", "库位", ("bin", "bins")),
    Column("expected", "账面数量", ("expected", "账面数")),
    Column("counted", "实盘数量", ("counted", "count", "实盘数", "盘点数量")),
)
HEADERS: Final = {column.field: column.header for column in COLUMNS}
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def count_sheet(stocktake: Stocktake, *, with_expected: bool) -> bytes:
    """The count sheet of a stocktake under way, sorted by bin so a counter walks the
    shelves in order; `counted` left blank. Blind counts leave out the expected column."""
    fields = [c.field for c in COLUMNS if with_expected or c.field != "expected"]
    lines = (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .order_by("bin_codes", "sku__merchant_code")
        .values_list(
            "sku__merchant_code",
            "sku__barcode",
            "sku__product__title",
            "sku__color",
            "sku__size",
            "bin_codes",
            "expected",
        )
    )

    def rows() -> Iterable[list[Cell]]:
        for code, barcode, title, color, size, bins, expected in lines.iterator(chunk_size=2000):
            values: dict[str, Cell] = {
                "merchant_code": code,
                "barcode": barcode or "",
                "title": title,
                "color": color,
                "size": size,
                "bins": bins,
                "expected": expected,
                "counted": None,
            }
            yield [values[name] for name in fields]

    header = [HEADERS[name] for name in fields]
    return write_xlsx(header, rows(), sheet_title=stocktake.number or "stocktake")


@dataclass(frozen=True)
class CountImportSummary:
    rows: int  # data rows read
    counted: int  # SKUs given a count
    blank: int  # rows left blank (not counted)


class SkuRef(NamedTuple):
    pk: int
    merchant_code: str
    barcode: str | None


def _skus_by_code(codes: Sequence[str], field: str) -> dict[str, SkuRef]:
    """SKUs by merchant code or barcode, as light tuples: a sheet has tens of thousands."""
    found: dict[str, SkuRef] = {}
    for start in range(0, len(codes), IN_CHUNK):
        rows = Sku.objects.filter(**{f"{field}__in": codes[start : start + IN_CHUNK]})
        for row in rows.values_list("pk", "merchant_code", "barcode"):
            sku = SkuRef(*row)
            found[getattr(sku, field)] = sku
    return found


class _Reader:
    """One file's rows checked against the catalog and the stocktake, errors collected."""

    def __init__(self, table: Table, stocktake: Stocktake) -> None:
        self.table = table
        self.stocktake = stocktake
        self.errors: list[RowError] = []
        self.columns: dict[str, int] = {}
        self.columns = self._map_columns()

    def error(self, row: int, field: str, message: Any) -> None:
        header = self.table.header[self.columns[field]] if field in self.columns else HEADERS[field]
        self.errors.append(
            RowError(file=self.table.filename, row=row, field=header, message=message)
        )

    def cell(self, row: Row, field: str) -> str:
        return row.get(self.columns[field]).strip() if field in self.columns else ""

    def _map_columns(self) -> dict[str, int]:
        columns: dict[str, int] = {}
        for column in COLUMNS:
            found = self.table.find((column.header, column.field, *column.aliases))
            if len(found) > 1:
                names = ", ".join(self.table.header[index] for index in found)
                self.error(
                    self.table.header_row,
                    column.field,
                    _("The column appears more than once (%(names)s).") % {"names": names},
                )
            elif found:
                columns[column.field] = found[0]
        if "counted" not in columns:
            self.error(self.table.header_row, "counted", _("This column is required."))
        if "merchant_code" not in columns and "barcode" not in columns:
            self.error(
                self.table.header_row,
                "merchant_code",
                _("The file needs a merchant code or a barcode column."),
            )
        return columns

    def count(self, row: Row) -> int | None:
        text = self.cell(row, "counted").replace(",", "")
        if not text:
            return None
        if not _NUMBER.match(text):
            self.error(row.number, "counted", _("%(value)s is not a number.") % {"value": text})
            return None
        value = Decimal(text)
        if value < 0:
            self.error(
                row.number,
                "counted",
                _("A count cannot be negative (%(value)s).") % {"value": text},
            )
        elif value != value.to_integral_value():
            self.error(
                row.number,
                "counted",
                _("A count is a whole number, not %(value)s.") % {"value": text},
            )
        elif value > MAX_COUNT:
            self.error(
                row.number, "counted", _("%(value)s is too large for a count.") % {"value": text}
            )
        else:
            return int(value)
        return None

    def read(self) -> tuple[dict[int, int], int]:
        """Counts by SKU id, and the number of blank rows."""
        rows = self.table.rows
        codes = sorted({self.cell(row, "merchant_code") for row in rows} - {""})
        barcodes = sorted({self.cell(row, "barcode") for row in rows} - {""})
        by_code = _skus_by_code(codes, "merchant_code")
        # A merchant code column may hold scanned barcodes: look those up too.
        by_barcode = _skus_by_code(sorted(set(barcodes) | (set(codes) - set(by_code))), "barcode")
        on_count: set[int] = set()  # a whole count takes any SKU found on the shelves
        if not self.stocktake.is_full:
            lines = StocktakeLine.objects.filter(stocktake=self.stocktake)
            on_count = set(lines.values_list("sku_id", flat=True))
        counts: dict[int, int] = {}
        first_row: dict[int, int] = {}
        blank = 0
        for row in rows:
            count = self.count(row)
            code, barcode = self.cell(row, "merchant_code"), self.cell(row, "barcode")
            if count is None and not self.cell(row, "counted"):
                blank += 1
                continue
            sku = self._sku(row, code, barcode, by_code, by_barcode)
            if sku is None:
                continue
            if sku.pk in first_row:
                self.error(
                    row.number,
                    "merchant_code" if code else "barcode",
                    _("%(code)s is already counted on row %(row)d.")
                    % {"code": sku.merchant_code, "row": first_row[sku.pk]},
                )
                continue
            first_row[sku.pk] = row.number
            if sku.pk not in on_count and not self.stocktake.is_full:
                self.error(
                    row.number,
                    "merchant_code" if code else "barcode",
                    _("%(code)s is not on this stocktake.") % {"code": sku.merchant_code},
                )
            elif count is not None:
                counts[sku.pk] = count
        return counts, blank

    def _sku(
        self,
        row: Row,
        code: str,
        barcode: str,
        by_code: dict[str, SkuRef],
        by_barcode: dict[str, SkuRef],
    ) -> SkuRef | None:
        if not code and not barcode:
            self.error(row.number, "merchant_code", _("Give the merchant code or the barcode."))
            return None
        # A scanner may have typed the barcode into the merchant code column.
        sku = (by_code.get(code) or by_barcode.get(code)) if code else by_barcode.get(barcode)
        if sku is None:
            field = "merchant_code" if code else "barcode"
            self.error(
                row.number, field, _("No SKU has the code %(code)s.") % {"code": code or barcode}
            )
            return None
        if code and barcode and by_barcode.get(barcode) != sku:
            self.error(
                row.number,
                "barcode",
                _("%(barcode)s is not the barcode of %(code)s.")
                % {"barcode": barcode, "code": code},
            )
            return None
        return sku


@transaction.atomic
def import_counts(
    *, actor: Any, stocktake_id: int, filename: str, content: bytes, add: bool = False
) -> CountImportSummary:
    """Counts from a filled-in count sheet: each SKU's count replaces what was counted
    before (or with `add` is added to it, for sheets of the same SKUs from two people).
    Blank counts are skipped. Raises UnreadableFile, ImportRejected listing every bad row
    (unknown SKU, SKU twice, count negative, fractional or not a number, SKU not on a
    partial count) with nothing saved, InvalidStocktakeTransition when not counting."""
    stocktake = Stocktake.objects.filter(pk=stocktake_id).first()
    if stocktake is None:
        raise StocktakeNotFound()
    if stocktake.status != StocktakeStatus.COUNTING:
        raise InvalidStocktakeTransition(
            _("Counts are entered only while the stocktake is counting (it is %(status)s).")
            % {"status": stocktake.get_status_display()}
        )
    table = read_table(filename=filename, content=content)
    reader = _Reader(table, stocktake)
    if reader.errors:
        raise ImportRejected(reader.errors)
    counts, blank = reader.read()
    if reader.errors:
        raise ImportRejected(sorted(reader.errors, key=lambda error: error.row))
    apply_counts(actor=actor, stocktake_id=stocktake.pk, counts=counts, add=add)
    return CountImportSummary(rows=len(table.rows), counted=len(counts), blank=blank)
