"""Courier price tables (运费表): per province, the price of the first weight (首重, 1 kg
unless the table says otherwise) and of each further kilogram (续重), as couriers quote
them. Quotes use the table of the courier a courier is priced as (YTO as STO, SF as EMS).

Tables are imported and exported as XLSX or CSV with the columns 省份 / 首重(kg) / 首重价格 /
续重价格(元/kg). An import with any bad row saves nothing and names every bad row; importing
the same file again changes nothing."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, ImportRejected, InvalidInput, RowError
from zhanggui.core.money import round_money
from zhanggui.core.tabular import Cell, Row, Table, read_table, write_csv, write_xlsx
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier, CourierRate
from zhanggui.orders.addresses.divisions import get_index

DEFAULT_FIRST_WEIGHT_G: Final = 1000
MAX_FIRST_WEIGHT_G: Final = 100_000
MAX_PRICE: Final = Decimal("100000")
GRAMS_PER_KG: Final = 1000
RATE_FIELDS: Final = ("first_weight_g", "first_price", "extra_price_per_kg")


class NoRate(Conflict):
    """The price table has no row for the province: the quote cannot be made."""

    code = "no_rate"
    default_message = gettext_lazy("The price table has no price for this province.")


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the file format's header: not translated
    aliases: tuple[str, ...]


COLUMNS: Final = (
    Column("province", "省份", ("province", "省", "省份/直辖市", "目的地", "目的省份", "到达省份")),
    Column("first_weight", "首重(kg)", ("first weight (kg)", "first_weight_kg", "first weight", "首重", "首重重量")),
    Column("first_price", "首重价格", ("first price", "first_price", "首重价", "首重费用", "首重(元)", "首重价格(元)")),
    Column("extra_price", "续重价格(元/kg)", ("extra price", "extra_price_per_kg", "extra price per kg", "续重", "续重价格", "续重价", "续重(元/kg)", "续重单价")),
)  # fmt: skip
HEADERS: Final = {column.field: column.header for column in COLUMNS}


# ---------------------------------------------------------------- provinces


@functools.cache
def mainland_provinces() -> tuple[str, ...]:
    """The 31 provinces, autonomous regions and municipalities of the mainland, official
    names in the statistics office's order (北京市 ... 新疆维吾尔自治区)."""
    return tuple(
        province.name
        for province in get_index().provinces
        if province.code.isdigit() and int(province.code) < 71
    )


def official_province(text: str) -> str | None:
    """The official name of a province as people write it (广西, 内蒙, 北京市), or None."""
    entries = get_index().province_names.get(text.strip())
    if not entries or len(entries) != 1:
        return None
    return entries[0].division.name


# ---------------------------------------------------------------- quotes


def billed_weight_g(weight_g: int, first_weight_g: int = DEFAULT_FIRST_WEIGHT_G) -> int:
    """The weight couriers bill: the first weight, then every started kilogram in full
    (1.2 kg with a 1 kg first weight bills 2 kg). No or zero weight bills the first weight."""
    if weight_g < 0:
        raise InvalidInput({"weight_g": [_("A weight cannot be negative.")]})
    extra = max(weight_g - first_weight_g, 0)
    extra_kg = -(-extra // GRAMS_PER_KG)  # ceiling division in integers
    return first_weight_g + extra_kg * GRAMS_PER_KG


def price_for(rate: CourierRate, weight_g: int) -> Decimal:
    """What the rate charges for a parcel of `weight_g` grams (yuan, two places)."""
    extra_kg = (billed_weight_g(weight_g, rate.first_weight_g) - rate.first_weight_g) // 1000
    return round_money(rate.first_price + rate.extra_price_per_kg * extra_kg)


def pricing_courier(courier: Courier) -> Courier:
    """The courier whose table prices this one (itself unless it is priced as another)."""
    if courier.priced_as_id is None:
        return courier
    return courier.priced_as or courier


def quote(courier: Courier, province: str, weight_g: int) -> Decimal:
    """The price of sending `weight_g` grams to `province` with `courier`, from its price
    table (or the table of the courier it is priced as). Province names may be short (广西).

    Raises NoRate when the table has no row for the province."""
    base = pricing_courier(courier)
    name = official_province(province) or province.strip()
    rate = CourierRate.objects.filter(courier=base, province=name).first()
    if rate is None:
        raise NoRate(
            _("%(courier)s has no price for %(province)s.")
            % {"courier": base.name, "province": name or "—"},
            courier=base.code,
            province=name,
        )
    return price_for(rate, weight_g)


class Quoter:
    """Quotes for many parcels: each pricing courier's table is read once (one query), then
    every quote is a dictionary look-up. For batch courier choice and bill checks."""

    def __init__(self) -> None:
        self._tables: dict[int, dict[str, CourierRate]] = {}

    def table(self, courier: Courier) -> dict[str, CourierRate]:
        base = pricing_courier(courier)
        if base.pk not in self._tables:
            self._tables[base.pk] = {
                rate.province: rate for rate in CourierRate.objects.filter(courier=base)
            }
        return self._tables[base.pk]

    def quote(self, courier: Courier, province: str, weight_g: int) -> Decimal | None:
        """Like quote(), but None when the table has no row for the province."""
        table = self.table(courier)
        rate = table.get(province) or table.get(official_province(province) or "")
        return None if rate is None else price_for(rate, weight_g)


# ---------------------------------------------------------------- one row by hand


@dataclass(frozen=True)
class RateInput:
    province: str
    first_price: Decimal
    extra_price_per_kg: Decimal
    first_weight_g: int = DEFAULT_FIRST_WEIGHT_G


def _check_rate(data: RateInput) -> str:
    province = official_province(data.province)
    errors: dict[str, list[Any]] = {}
    if province is None:
        errors["province"] = [_("No province called %(name)s.") % {"name": data.province}]
    if not 0 < data.first_weight_g <= MAX_FIRST_WEIGHT_G:
        errors["first_weight_g"] = [_("The first weight must be more than 0 and at most 100 kg.")]
    for name in ("first_price", "extra_price_per_kg"):
        value = getattr(data, name)
        if value < 0 or value >= MAX_PRICE:
            errors[name] = [_("A price must be between 0 and 99,999.99.")]
    if errors:
        raise InvalidInput(errors)
    assert province is not None  # noqa: S101 (checked above)
    return province


@transaction.atomic
def save_rate(*, actor: Any, courier_id: int, data: RateInput) -> CourierRate:
    """Set one province's prices (created or changed, audited)."""
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    province = _check_rate(data)
    changes = _upsert(actor, courier, {province: data})
    return changes.rates[province]


@dataclass
class _Upserted:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rates: dict[str, CourierRate] = field(default_factory=dict)


def _upsert(actor: Any, courier: Courier, rows: dict[str, RateInput]) -> _Upserted:
    existing = {rate.province: rate for rate in CourierRate.objects.filter(courier=courier)}
    result = _Upserted()
    for province, data in rows.items():
        values = {
            "first_weight_g": data.first_weight_g,
            "first_price": round_money(data.first_price),
            "extra_price_per_kg": round_money(data.extra_price_per_kg),
        }
        rate = existing.get(province)
        if rate is None:
            rate = CourierRate.objects.create(courier=courier, province=province, **values)
            audit.record_creation(actor=actor, instance=rate, fields=RATE_FIELDS)
            result.created += 1
        else:
            before = audit.snapshot(rate, RATE_FIELDS)
            for name, value in values.items():
                setattr(rate, name, value)
            changes = audit.diff(before, audit.snapshot(rate, RATE_FIELDS))
            if changes:
                rate.save(update_fields=list(RATE_FIELDS))
                audit.record(
                    actor=actor, instance=rate, action=audit.AuditAction.UPDATE, changes=changes
                )
                result.updated += 1
            else:
                result.unchanged += 1
        result.rates[province] = rate
    return result


# ---------------------------------------------------------------- import / export


@dataclass(frozen=True)
class RateImportSummary:
    rows: int  # data rows read
    created: int
    updated: int
    unchanged: int
    blank: int  # provinces listed without prices (left as they were)


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


class _Reader:
    """One file's rows checked, errors collected (file, row, column header, problem)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.errors: list[RowError] = []
        self.columns: dict[str, int] = {}
        self._map_columns()

    def error(self, row: int, field: str, message: Any) -> None:
        header = self.table.header[self.columns[field]] if field in self.columns else HEADERS[field]
        self.errors.append(
            RowError(file=self.table.filename, row=row, field=header, message=message)
        )

    def cell(self, row: Row, field: str) -> str:
        return row.get(self.columns[field]).strip() if field in self.columns else ""

    def _map_columns(self) -> None:
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
                self.columns[column.field] = found[0]
        for required in ("province", "first_price", "extra_price"):
            if required not in self.columns:
                self.error(self.table.header_row, required, _("This column is required."))

    def number(self, row: Row, field: str) -> Decimal | None:
        text = self.cell(row, field).replace(",", "").replace("，", "")
        for mark in ("¥", "￥", "元/kg", "元/公斤", "元", "kg", "公斤"):
            text = text.replace(mark, "")
        text = text.strip()
        if not _NUMBER.match(text):
            self.error(
                row.number,
                field,
                _("%(value)s is not a number.") % {"value": self.cell(row, field)},
            )
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
            self.error(row.number, field, _("%(value)s is not a number.") % {"value": text})
            return None
        if value < 0:
            self.error(
                row.number,
                field,
                _("%(value)s: a price or weight cannot be negative.") % {"value": text},
            )
            return None
        return value

    def price(self, row: Row, field: str) -> Decimal | None:
        value = self.number(row, field)
        if value is None:
            return None
        if value >= MAX_PRICE:
            self.error(
                row.number, field, _("%(value)s is too large for a price.") % {"value": value}
            )
            return None
        if value != value.quantize(Decimal("0.01")):
            self.error(
                row.number,
                field,
                _("%(value)s has more than two decimals (fen).") % {"value": value},
            )
            return None
        return value

    def first_weight_g(self, row: Row) -> int | None:
        if not self.cell(row, "first_weight"):
            return DEFAULT_FIRST_WEIGHT_G
        kg = self.number(row, "first_weight")
        if kg is None:
            return None
        grams = kg * GRAMS_PER_KG
        if grams != grams.to_integral_value(rounding=ROUND_CEILING) or not (
            0 < grams <= MAX_FIRST_WEIGHT_G
        ):
            self.error(
                row.number,
                "first_weight",
                _("The first weight is given in kg, more than 0 and at most 100 (not %(value)s).")
                % {"value": kg},
            )
            return None
        return int(grams)

    def read(self) -> tuple[dict[str, RateInput], int]:
        """The rows by official province name, and how many listed a province but no price."""
        rates: dict[str, RateInput] = {}
        first_row: dict[str, int] = {}
        blank = 0
        for row in self.table.rows:
            written = self.cell(row, "province")
            province = official_province(written) if written else None
            if province is None:
                message = (
                    _("%(value)s is not a province.") % {"value": written}
                    if written
                    else _("The province is missing.")
                )
                self.error(row.number, "province", message)
                continue
            if province in first_row:
                self.error(
                    row.number,
                    "province",
                    _("%(province)s is also on row %(row)d.")
                    % {"province": province, "row": first_row[province]},
                )
                continue
            first_row[province] = row.number
            has_first, has_extra = self.cell(row, "first_price"), self.cell(row, "extra_price")
            if not has_first and not has_extra:
                blank += 1  # an exported row of a province without prices yet
                continue
            weight = self.first_weight_g(row)
            first, extra = self.price(row, "first_price"), self.price(row, "extra_price")
            if weight is not None and first is not None and extra is not None:
                rates[province] = RateInput(province, first, extra, weight)
        return rates, blank


@transaction.atomic
def import_rates(
    *, actor: Any, courier_id: int, filename: str, content: bytes
) -> RateImportSummary:
    """Read a price table (XLSX or CSV) into the courier's table. Provinces may be written
    short (广西, 内蒙古); rows of provinces not in the file are left as they are; a province
    listed without prices is skipped. Raises ImportRejected (nothing saved) on any bad row
    and UnreadableFile for a file that is not a table."""
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    table = read_table(filename=filename, content=content, max_rows=1000)
    reader = _Reader(table)
    if reader.errors:  # a column is missing or doubled: the rows cannot be read
        raise ImportRejected(reader.errors)
    rates, blank = reader.read()
    if reader.errors:
        raise ImportRejected(reader.errors)
    result = _upsert(actor, courier, rates)
    if result.created or result.updated:
        audit.record(
            actor=actor,
            instance=courier,
            action=audit.AuditAction.UPDATE,
            changes={
                "rates": {
                    "before": None,
                    "after": _("%(created)d provinces added, %(updated)d changed")
                    % {"created": result.created, "updated": result.updated},
                }
            },
            note=_("Price table imported from %(file)s") % {"file": filename},
        )
    return RateImportSummary(
        rows=len(table.rows),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        blank=blank,
    )


def _kg(grams: int) -> Decimal:
    # Division keeps the smallest exponent: 1000 -> 1, 500 -> 0.5, 10000 -> 10 (never 1E+1).
    return Decimal(grams) / GRAMS_PER_KG


def rate_rows(courier: Courier) -> list[list[Cell]]:
    """The table as rows: every mainland province in order (blank prices where there is no
    row yet, so the file is a template to fill in), then any other place with a price."""
    rates = {rate.province: rate for rate in CourierRate.objects.filter(courier=courier)}
    provinces = list(mainland_provinces())
    provinces += sorted(set(rates) - set(provinces))
    rows: list[list[Cell]] = []
    for province in provinces:
        rate = rates.get(province)
        if rate is None:
            rows.append([province, _kg(DEFAULT_FIRST_WEIGHT_G), None, None])
        else:
            rows.append(
                [province, _kg(rate.first_weight_g), rate.first_price, rate.extra_price_per_kg]
            )
    return rows


def export_rates(courier: Courier, *, file_format: str = "xlsx") -> bytes:
    """The courier's own table as XLSX (default) or CSV (UTF-8 with BOM)."""
    header: Iterable[str] = [column.header for column in COLUMNS]
    rows = rate_rows(courier)
    if file_format == "csv":
        return write_csv(list(header), rows)
    return write_xlsx(list(header), rows, sheet_title=f"{courier.code} 运费")
