"""Reads behind the stock pages, sized to one page: balances come from StockLevel for the
page's SKUs only, velocity from the window's sales of those SKUs only; the ledger is read a
page at a time and never counted (it only grows)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.inventory import alerts
from zhanggui.inventory.models import (
    SkuBin,
    StockLevel,
    StockMove,
    StockPolicy,
    VelocityClass,
    Warehouse,
)
from zhanggui.inventory.velocity import classify

PAGE_SIZE: Final = 50
MAX_PAGE: Final = 10_000


@dataclass(frozen=True)
class StockFilters:
    q: str = ""
    warehouse_id: int | None = None
    velocity: str = ""
    below_warning: bool = False
    sold_out: bool = False


def _places() -> Prefetch:
    places = SkuBin.objects.select_related("bin__warehouse").order_by("-is_primary", "bin__code")
    return Prefetch("bin_places", queryset=places)


def search_skus(skus: QuerySet[Sku], q: str) -> QuerySet[Sku]:
    q = q.strip()
    if not q:
        return skus
    return skus.filter(
        Q(merchant_code__icontains=q)
        | Q(barcode__icontains=q)
        | Q(product__item_no__icontains=q)
        | Q(product__title__icontains=q)
    )


def id_list(ids: Collection[int]) -> RawSQL:
    """A subquery of these ids for `pk__in`, bound as one parameter (an array on
    PostgreSQL, a JSON text on SQLite, as selectors.available_by_sku does): an IN list of
    10,000 parameters, as the velocity and below-warning filters can give, costs Django
    ~0.1 s to compile, once for the page's count and again for its rows."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(ids)),))


def filter_stock_skus(filters: StockFilters, *, policy: StockPolicy) -> QuerySet[Sku]:
    """Active SKUs matching the stock page's filters, by item number, colour and size."""
    skus = search_skus(Sku.objects.filter(is_active=True), filters.q)
    if filters.warehouse_id:
        there = StockLevel.objects.filter(
            sku=OuterRef("pk"), warehouse_id=filters.warehouse_id, on_hand__gt=0
        )
        skus = skus.filter(Exists(there))
    if filters.sold_out:
        for_sale = StockLevel.objects.filter(
            sku=OuterRef("pk"), warehouse__is_sellable=True, on_hand__gt=F("reserved")
        )
        skus = skus.filter(~Exists(for_sale))
    classes = None
    if filters.velocity in VelocityClass.values:
        classes = alerts.velocity_sets(policy)
        if filters.velocity == VelocityClass.HOT:
            skus = skus.filter(pk__in=id_list(classes.hot))
        elif filters.velocity == VelocityClass.STEADY:
            skus = skus.filter(pk__in=id_list(classes.steady))
        else:
            skus = skus.exclude(pk__in=id_list(classes.hot | classes.steady))
    if filters.below_warning:
        below = alerts.list_stock_alerts(policy=policy, classes=classes)
        skus = skus.filter(pk__in=id_list([alert.sku_id for alert in below]))
    return (
        skus.select_related("product")
        .prefetch_related(_places())
        .order_by("product__item_no", "color", "size", "id")
    )


@dataclass
class Balance:
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass
class StockRow:
    sku: Sku
    balances: list[Balance]  # one per shown warehouse, in the page's column order
    available: int  # over sellable warehouses: what the shops may sell
    velocity: str
    warning_level: int

    @property
    def velocity_label(self) -> str:
        return str(VelocityClass(self.velocity).label)

    @property
    def below_warning(self) -> bool:
        return self.available < self.warning_level

    @property
    def places(self) -> list[SkuBin]:
        return list(self.sku.bin_places.all())


def stock_rows(
    skus: list[Sku], *, warehouses: list[Warehouse], policy: StockPolicy
) -> tuple[list[Warehouse], list[StockRow]]:
    """Each SKU of the page with its balance per warehouse, its sellable total, velocity and
    warning level. Shows the given warehouses, plus any other holding stock of these SKUs
    (a closed warehouse with goods left must not hide them). Two queries."""
    ids = [sku.pk for sku in skus]
    levels: dict[tuple[int, int], Balance] = {}
    for sku_id, warehouse_id, on_hand, reserved in StockLevel.objects.filter(
        sku_id__in=ids
    ).values_list("sku_id", "warehouse_id", "on_hand", "reserved"):
        levels[(sku_id, warehouse_id)] = Balance(on_hand, reserved)
    shown_ids = {warehouse.pk for warehouse in warehouses}
    holding = {key[1] for key, balance in levels.items() if balance.on_hand}
    all_warehouses = list(Warehouse.objects.all())
    shown = [w for w in all_warehouses if w.pk in shown_ids or w.pk in holding]
    sellable = [w.pk for w in all_warehouses if w.is_sellable]
    velocity = classify(ids, policy=policy)
    rows = []
    for sku in skus:
        available = sum(levels.get((sku.pk, w), Balance()).available for w in sellable)
        rows.append(
            StockRow(
                sku=sku,
                balances=[levels.get((sku.pk, w.pk), Balance()) for w in shown],
                available=available,
                velocity=velocity[sku.pk],
                warning_level=policy.warning_level(velocity[sku.pk]),
            )
        )
    return shown, rows


def sku_with_places(pk: int) -> Sku | None:
    return Sku.objects.select_related("product").prefetch_related(_places()).filter(pk=pk).first()


@dataclass
class Window:
    """One page of a list too long to count: previous and next, no total."""

    rows: list[Any]
    number: int
    has_next: bool
    size: int = PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_window(queryset: QuerySet[Any], page: str | None, size: int = PAGE_SIZE) -> Window:
    number = int(page) if page and page.isdigit() else 1
    number = min(max(number, 1), MAX_PAGE)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])  # one more tells whether a next exists
    return Window(rows=rows[:size], number=number, has_next=len(rows) > size, size=size)


def start_of_day(day: date) -> datetime:
    # Days are the shop's days (Asia/Shanghai), whatever the server's clock says.
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass(frozen=True)
class MoveFilters:
    sku_code: str = ""
    kind: str = ""
    warehouse_id: int | None = None
    actor_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def ledger(sku_id: int | None = None) -> QuerySet[StockMove]:
    """Moves newest first, with what a ledger row shows."""
    moves = StockMove.objects.select_related("sku__product", "warehouse", "bin", "actor")
    if sku_id is not None:
        moves = moves.filter(sku_id=sku_id)
    return moves.order_by("-created_at", "-id")


def filter_moves(filters: MoveFilters) -> QuerySet[StockMove]:
    moves = ledger()
    code = filters.sku_code.strip()
    if code:
        moves = moves.filter(Q(sku__merchant_code=code) | Q(sku__barcode=code))
    if filters.kind:
        moves = moves.filter(kind=filters.kind)
    if filters.warehouse_id:
        moves = moves.filter(warehouse_id=filters.warehouse_id)
    if filters.actor_id:
        moves = moves.filter(actor_id=filters.actor_id)
    if filters.date_from:
        moves = moves.filter(created_at__gte=start_of_day(filters.date_from))
    if filters.date_to:
        moves = moves.filter(created_at__lt=start_of_day(filters.date_to + timedelta(days=1)))
    return moves
