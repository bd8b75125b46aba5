"""Writes the planned shelves, stock history and stocktake through the inventory services.

The history is a list of timed events (opening count, each day's returns and shipments,
the stocktake's steps), merged with the purchase orders' events and run in time order on
the story clock (clock.run_events), so every count and every balance check sees the stock of
its moment. Each day's shipments are one post_moves batch: one posting, as the evening
courier pickup is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.demo import data_stock as story
from zhanggui.demo.clock import Event, clock_at, moment
from zhanggui.demo.plan_purchases import StocktakePlan
from zhanggui.demo.plan_stock import Parcel, StockPlan
from zhanggui.inventory import stocktakes, warehouses
from zhanggui.inventory.listing_sync import sync_listings
from zhanggui.inventory.models import MoveKind, SkuBin, StocktakeLine
from zhanggui.inventory.services import MoveInput, default_warehouse, post_moves


def build_bins(plan: StockPlan, *, actor: Any, today: date) -> int:
    """The main warehouse's bins (through the service, audited) and each SKU's places, set
    up the day before the opening count; returns the number of bins.

    Places go in with one bulk_create: place_sku costs seven queries a SKU (about 8 s for
    the full demo). The plan keeps its rules: codes as create_bin stored them, one place
    a SKU at most per bin, the first place primary and the overflow place not."""
    warehouse_id = default_warehouse().pk
    with clock_at(moment(today, story.BINS_DAY, story.AT_OPENING)):
        bins = {
            code: warehouses.create_bin(actor=actor, warehouse_id=warehouse_id, code=code)
            for code in plan.bins
        }
    ids, _costs = sku_facts()
    SkuBin.objects.bulk_create(
        SkuBin(sku_id=ids[merchant_code], bin=bins[code], is_primary=index == 0)
        for merchant_code, codes in plan.places
        for index, code in enumerate(codes)
    )
    return len(bins)


def sku_facts() -> tuple[dict[str, int], dict[int, Decimal | None]]:
    """SKU ids by merchant code, and cost prices by id."""
    rows = list(Sku.objects.values_list("merchant_code", "pk", "cost_price"))
    return {code: pk for code, pk, _cost in rows}, {pk: cost for _code, pk, cost in rows}


def _post(actor: Any, moves: list[MoveInput]) -> Callable[[], Any]:
    return lambda: post_moves(actor=actor, moves=moves)


def _parcel_moves(parcels: Sequence[Parcel], ids: dict[str, int], kind: str) -> list[MoveInput]:
    sign = -1 if kind == MoveKind.SALE else 1
    note = _("customer return, inspected and back on the shelf") if sign > 0 else ""
    return [
        MoveInput(ids[p.merchant_code], sign * p.quantity, kind, ref=p.waybill, note=note)
        for p in parcels
    ]


def stock_events(plan: StockPlan, *, users: dict[str, Any]) -> list[Event]:
    """The opening count at cost, then every day's returns (morning) and shipments
    (evening), by the two warehouse staff in turn."""
    ids, costs = sku_facts()
    opening = [
        MoveInput(
            ids[sku.merchant_code],
            sku.opening,
            MoveKind.RECEIPT,
            unit_cost=costs[ids[sku.merchant_code]],
            note=_("opening stock"),
        )
        for sku in plan.skus
        if sku.opening
    ]
    events = [Event(story.OPENING_DAY, story.AT_OPENING, _post(users["warehouse1"], opening))]
    for day in plan.days:
        actor = users["warehouse1" if day.day % 2 else "warehouse2"]
        if day.returned:
            moves = _parcel_moves(day.returned, ids, MoveKind.CUSTOMER_RETURN)
            events.append(Event(day.day, story.AT_RETURNS, _post(actor, moves)))
        if day.shipped:
            moves = _parcel_moves(day.shipped, ids, MoveKind.SALE)
            events.append(Event(day.day, story.AT_SHIPPING, _post(actor, moves)))
    return events


def stocktake_events(plan: StocktakePlan, *, users: dict[str, Any]) -> list[Event]:
    """Last month's whole-warehouse count of main: created and counted by the warehouse,
    posted by the manager. Every SKU is counted; most match the books."""
    counter, manager = users["warehouse1"], users["manager"]
    ids, _costs = sku_facts()
    variances = {ids[code]: change for code, change in plan.variances}
    made: dict[str, int] = {}

    def create() -> None:
        made["id"] = stocktakes.create_stocktake(
            actor=counter, warehouse_id=default_warehouse().pk, note=story.STOCKTAKE_NOTE
        ).pk

    def count() -> None:
        lines = StocktakeLine.objects.filter(stocktake_id=made["id"])
        counts = {
            sku_id: expected + variances.get(sku_id, 0)
            for sku_id, expected in lines.values_list("sku_id", "expected")
        }
        stocktakes.apply_counts(actor=counter, stocktake_id=made["id"], counts=counts)

    return [
        Event(plan.day, story.AT_STOCKTAKE_CREATED, create),
        Event(
            plan.day,
            story.AT_STOCKTAKE_STARTED,
            lambda: stocktakes.start_counting(actor=counter, stocktake_id=made["id"]),
        ),
        Event(plan.day, story.AT_STOCKTAKE_COUNTED, count),
        Event(
            plan.day,
            story.AT_STOCKTAKE_POSTED,
            lambda: stocktakes.post_stocktake(actor=manager, stocktake_id=made["id"]),
        ),
    ]


def sync_all_listings() -> int:
    """Listings follow stock: styles with nothing left show sold out. Returns the changes."""
    return len(sync_listings(actor=None, sku_ids=Sku.objects.values_list("pk", flat=True)))
