"""Matching a courier's statement against our parcels, line by line, and writing the lines.

Built for 100,000 lines: our parcels come in one query for the month (plus one per 2,000
numbers billed outside it), the price table is read once and every quote is remembered,
and lines are plain slotted objects written with one executemany per 5,000 rows, not
model instances through bulk_create (which spends most of its time preparing each value)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.utils import timezone

from zhanggui.fulfillment.models import Courier, CourierRate, Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import CourierBillLine
from zhanggui.fulfillment.services.rates import (
    billed_weight_g,
    official_province,
    price_for,
    pricing_courier,
)

CHUNK: Final = 2000
WRITE_CHUNK: Final = 5000
# A billed parcel may have left a few days before the month (the courier's cut-off).
MATCH_WINDOW: Final = timedelta(days=20)
DEDUCTED_STATUSES: Final = frozenset(
    {ParcelStatus.LOST, ParcelStatus.DAMAGED, ParcelStatus.UNDELIVERABLE}
)
# The columns the statement gives, then what matching fills in (the order of `Line`).
GIVEN: Final = ("row_number", "tracking_no", "sent_on", "province", "billed_weight_g", "amount")
MATCHED: Final = (
    "parcel_id",
    "our_weight_g",
    "expected_amount",
    "table_amount",
    "weight_differs",
    "price_differs",
    "deduction",
    "deduction_reason",
)


@dataclass(slots=True)
class Line:
    """One statement line and its match, as stored in CourierBillLine."""

    row_number: int
    tracking_no: str
    sent_on: date | None
    province: str
    billed_weight_g: int
    amount: Decimal
    parcel_id: int | None = None
    our_weight_g: int | None = None
    expected_amount: Decimal | None = None
    table_amount: Decimal | None = None
    weight_differs: bool = False
    price_differs: bool = False
    deduction: bool = False
    deduction_reason: str = ""
    pk: int | None = None

    def matched(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in MATCHED)


@dataclass(frozen=True, slots=True)
class _Ours:
    parcel_id: int
    weight_g: int | None
    status: str
    deduct: bool
    province: str


def month_range(month: date) -> tuple[datetime, datetime]:
    """The month as [start, end) in the shop's time."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    return start, timezone.make_aware(datetime.combine(following, time.min))


_OUR_FIELDS: Final = (
    "tracking_no",
    "pk",
    "weight_g",
    "status",
    "deduct_from_bill",
    "order__receiver_province",
)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def our_parcels(courier: Courier, month: date, numbers: Iterable[str]) -> dict[str, _Ours]:
    """Our live parcels of the courier among `numbers`: one query for those shipped around
    the month, then the rest by number in chunks."""
    live = Parcel.objects.filter(courier=courier).exclude(status=ParcelStatus.CANCELLED)
    start, end = month_range(month)
    found: dict[str, _Ours] = {}

    def add(rows: Iterable[tuple[Any, ...]]) -> None:
        for number, pk, weight, status, deduct, province in rows:
            found[number.upper()] = _Ours(pk, weight, status, deduct, province)

    wanted = set(numbers)
    around = live.filter(shipped_at__gte=start - MATCH_WINDOW, shipped_at__lt=end + MATCH_WINDOW)
    add(row for row in around.values_list(*_OUR_FIELDS) if row[0].upper() in wanted)
    for chunk in _chunks(sorted(wanted - found.keys())):
        add(live.filter(tracking_no__in=chunk).values_list(*_OUR_FIELDS))
    return found


class _Prices:
    """The courier's price table read once; rates by province as written, quotes by rate
    and weight, each worked out once."""

    def __init__(self, courier: Courier) -> None:
        base = pricing_courier(courier)
        self.table = {rate.province: rate for rate in CourierRate.objects.filter(courier=base)}
        self._official: dict[str, str | None] = {}
        self._quotes: dict[tuple[int, int], Decimal] = {}

    def official(self, province: str) -> str | None:
        if province not in self._official:
            self._official[province] = official_province(province) if province else None
        return self._official[province]

    def rate(self, billed: str, ours: str | None) -> CourierRate | None:
        """The rate to the billed province; to our order's when the bill names none we
        know (a different province billed is priced as billed)."""
        official = self.official(billed) or (self.official(ours) if ours else None)
        return self.table.get(official) if official else None

    def quote(self, rate: CourierRate, weight_g: int) -> Decimal:
        key = (rate.pk, weight_g)
        if key not in self._quotes:
            self._quotes[key] = price_for(rate, weight_g)
        return self._quotes[key]


def match_lines(courier: Courier, month: date, lines: Sequence[Line], tolerance_g: int) -> None:
    """Fill each line's match: our parcel and weight, our price table at our weight and at
    the billed weight, and the findings. A line not ours, or deducted, has no other finding
    (its whole amount is in dispute already). The weight differs when it is off ours by more
    than the tolerance and is not just ours rounded up to the kilograms couriers bill."""
    ours = our_parcels(courier, month, (line.tracking_no for line in lines))
    prices = _Prices(courier)
    for line in lines:
        parcel = ours.get(line.tracking_no)
        rate = prices.rate(line.province, parcel.province if parcel else None)
        line.table_amount = prices.quote(rate, line.billed_weight_g) if rate else None
        line.parcel_id = parcel.parcel_id if parcel else None
        line.our_weight_g = parcel.weight_g if parcel else None
        line.expected_amount = None
        line.weight_differs = line.price_differs = line.deduction = False
        line.deduction_reason = ""
        if parcel is None:
            continue
        if parcel.status in DEDUCTED_STATUSES or parcel.deduct:
            line.deduction, line.deduction_reason = True, parcel.status
            continue
        ours_g = parcel.weight_g
        if ours_g is not None:
            line.expected_amount = prices.quote(rate, ours_g) if rate else None
            first_g = rate.first_weight_g if rate else 1000
            line.weight_differs = abs(
                line.billed_weight_g - ours_g
            ) > tolerance_g and line.billed_weight_g != billed_weight_g(ours_g, first_g)
        line.price_differs = line.table_amount is not None and line.amount != line.table_amount


# ---------------------------------------------------------------- writing


def _table_and_columns(names: Sequence[str]) -> tuple[str, list[str]]:
    meta = CourierBillLine._meta
    quote = connection.ops.quote_name
    columns = {field.attname: field.column or field.attname for field in meta.concrete_fields}
    return quote(meta.db_table), [quote(columns[name]) for name in names]


def insert_lines(bill_id: int, lines: Sequence[Line]) -> None:
    """Insert the lines of a bill (inside the caller's transaction): COPY on PostgreSQL,
    executemany elsewhere."""
    names = ("bill_id", *GIVEN, *MATCHED)
    table, columns = _table_and_columns(names)
    rows = ((bill_id, *(getattr(line, name) for name in GIVEN), *line.matched()) for line in lines)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Row by row, even pipelined, takes seconds for 100,000 lines; COPY a fraction.
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
        batch = list(itertools.islice(rows, WRITE_CHUNK))
        while batch:
            cursor.executemany(sql, batch)
            batch = list(itertools.islice(rows, WRITE_CHUNK))


def update_matches(lines: Sequence[Line]) -> None:
    """Write the matched columns of lines read back with their pk."""
    table, columns = _table_and_columns(MATCHED)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for chunk in _chunks(lines, WRITE_CHUNK):
            cursor.executemany(sql, [(*line.matched(), line.pk) for line in chunk])


def read_lines(bill_id: int) -> list[Line]:
    rows = (
        CourierBillLine.objects.filter(bill_id=bill_id)
        .order_by("row_number")
        .values_list(*GIVEN, *MATCHED, "pk")
    )
    return [Line(*row) for row in rows]
