"""Stocktake reads: the variance report (computed as posting computes it) and the monthly
reminder of the warehouses still to count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from django.utils import timezone

from zhanggui.inventory.models import Stocktake, StocktakeLine, StocktakeStatus, Warehouse
from zhanggui.inventory.stocktakes import LINE_BATCH, difference


@dataclass(frozen=True)
class VarianceRow:
    sku_id: int
    merchant_code: str
    barcode: str
    title: str
    color: str
    size: str
    bin_codes: str
    expected: int
    counted: int | None
    difference: int
    unit_cost: Decimal | None
    value: Decimal | None  # difference × unit cost; None without a cost price
    found_during_count: bool


@dataclass
class Variance:
    """The variance report of a stocktake: its rows (as filtered) and totals over all lines."""

    rows: list[VarianceRow]
    uncounted_as_zero: bool
    lines: int = 0
    counted_lines: int = 0
    differing_lines: int = 0
    expected_units: int = 0
    counted_units: int = 0
    units_added: int = 0
    units_removed: int = 0
    value_added: Decimal = Decimal("0.00")
    value_removed: Decimal = Decimal("0.00")
    lines_without_cost: int = 0  # differing lines whose value is unknown

    @property
    def uncounted_lines(self) -> int:
        return self.lines - self.counted_lines

    @property
    def net_units(self) -> int:
        return self.units_added - self.units_removed

    @property
    def net_value(self) -> Decimal:
        return self.value_added - self.value_removed


VARIANCE_FILTERS: Final = ("differences", "uncounted", "all")


def _tally(report: Variance, row: VarianceRow) -> None:
    report.lines += 1
    report.expected_units += row.expected
    if row.counted is not None:
        report.counted_lines += 1
        report.counted_units += row.counted
    if not row.difference:
        return
    report.differing_lines += 1
    if row.difference > 0:
        report.units_added += row.difference
    else:
        report.units_removed -= row.difference
    if row.value is None:
        report.lines_without_cost += 1
    elif row.value > 0:
        report.value_added += row.value
    else:
        report.value_removed -= row.value


def variance(
    stocktake: Stocktake, *, uncounted_as_zero: bool | None = None, show: str = "differences"
) -> Variance:
    """Expected, counted, difference and its cost value per SKU, with totals, computed as
    posting computes them. `uncounted_as_zero` None: as posted (or the default before).
    `show` keeps the rows with a difference, the uncounted ones, or all ("none": totals only)."""
    as_zero = stocktake.uncounted_as_zero if uncounted_as_zero is None else uncounted_as_zero
    report = Variance(rows=[], uncounted_as_zero=as_zero)
    rows = (
        StocktakeLine.objects.filter(stocktake=stocktake)
        .order_by("bin_codes", "sku__merchant_code")
        .values_list(
            "sku_id",
            "sku__merchant_code",
            "sku__barcode",
            "sku__product__title",
            "sku__color",
            "sku__size",
            "bin_codes",
            "expected",
            "counted",
            "unit_cost",
            "found_during_count",
        )
    )
    for values in rows.iterator(chunk_size=LINE_BATCH):
        expected, counted, unit_cost = values[7], values[8], values[9]
        change = difference(expected, counted, uncounted_as_zero=as_zero)
        value = None if unit_cost is None else change * unit_cost
        row = VarianceRow(
            *values[:2], values[2] or "", *values[3:7], expected, counted, change, unit_cost,
            value, values[10],
        )  # fmt: skip
        _tally(report, row)
        if (
            show == "all"
            or (show == "uncounted" and counted is None)
            or (show == "differences" and change)
        ):
            report.rows.append(row)
    return report


def month_start(now: datetime | None = None) -> datetime:
    """Midnight of the first of this month in the shop's time zone."""
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def warehouses_due(now: datetime | None = None) -> list[Warehouse]:
    """On the 28th to the 31st (shop date), the active warehouses without a whole-warehouse
    stocktake posted this month (DOMAIN.md §4); a count of a few bins does not make the
    monthly stocktake. Empty on other days."""
    if timezone.localdate(now).day < 28:
        return []
    done = Stocktake.objects.filter(
        status=StocktakeStatus.POSTED, is_full=True, posted_at__gte=month_start(now)
    ).values("warehouse_id")
    return list(Warehouse.objects.filter(is_active=True).exclude(pk__in=done))


def count_warehouses_due(now: datetime | None = None) -> int:
    """The home-page reminder: one COUNT query on the 28th-31st, none on other days."""
    if timezone.localdate(now).day < 28:
        return 0
    done = Stocktake.objects.filter(
        status=StocktakeStatus.POSTED, is_full=True, posted_at__gte=month_start(now)
    ).values("warehouse_id")
    return Warehouse.objects.filter(is_active=True).exclude(pk__in=done).count()
