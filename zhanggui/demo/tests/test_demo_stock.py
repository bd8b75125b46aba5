"""The demo's stock, purchase orders and stocktake on a real database, at a tenth of the
full size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from zhanggui.catalog.models import Listing, ListingStatus, Sku
from zhanggui.demo.tests.helpers import run_demo, wipe
from zhanggui.inventory.alerts import list_stock_alerts
from zhanggui.inventory.models import (
    MoveKind,
    SkuBin,
    StockLevel,
    StockMove,
    Stocktake,
    StocktakeStatus,
    Warehouse,
)
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.purchasing.models import ExchangeList, PurchaseOrder, SupplierLedgerEntry
from zhanggui.purchasing.status import ExchangeStatus, PurchaseOrderStatus

pytestmark = pytest.mark.django_db


def stock_figures() -> dict[str, tuple[int, ...]]:
    """On hand per merchant code, and the units each kind of move brought."""
    figures: dict[str, list[int]] = {
        code: [on_hand]
        for code, on_hand in StockLevel.objects.filter(warehouse__is_default=True).values_list(
            "sku__merchant_code", "on_hand"
        )
    }
    for kind in MoveKind.values:
        totals = dict(
            StockMove.objects.filter(kind=kind)
            .values("sku__merchant_code")
            .annotate(total=Sum("quantity"))
            .values_list("sku__merchant_code", "total")
        )
        for code, numbers in figures.items():
            numbers.append(totals.get(code, 0))
    return {code: tuple(numbers) for code, numbers in figures.items()}


def test_demo_stock_ledger_equals_the_balances():
    run_demo()
    assert ledger_differences() == []
    assert StockMove.objects.filter(kind=MoveKind.SALE).count() > 100
    assert StockMove.objects.filter(kind=MoveKind.CUSTOMER_RETURN).exists()


def test_demo_same_seed_gives_the_same_stock():
    run_demo("--seed", "4")
    first = stock_figures()
    wipe()
    run_demo("--seed", "4")
    assert stock_figures() == first
    assert len(first) > 80


def test_demo_places_every_sku_in_a_bin_and_hot_ones_in_two():
    run_demo()
    primaries = SkuBin.objects.filter(is_primary=True)
    assert primaries.count() == Sku.objects.count()
    assert primaries.values("sku").distinct().count() == Sku.objects.count()
    assert SkuBin.objects.filter(is_primary=False, bin__code__startswith="Z-").exists()


def test_demo_has_sold_out_and_low_skus_and_listings_follow():
    run_demo()
    alerts = list_stock_alerts()
    assert any(alert.available == 0 for alert in alerts)
    assert any(0 < alert.available < alert.warning_level for alert in alerts)
    assert {alert.velocity for alert in alerts} >= {"steady", "slow"}
    sold_out = Listing.objects.filter(status=ListingStatus.SOLD_OUT)
    assert sold_out.exists()
    for listing in sold_out:
        assert not StockLevel.objects.filter(sku__product=listing.product, on_hand__gt=0).exists()


def test_demo_has_purchase_orders_in_every_status():
    run_demo()
    statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
    assert statuses == set(PurchaseOrderStatus.values)
    today = timezone.localdate()
    waiting = PurchaseOrder.objects.filter(status=PurchaseOrderStatus.ORDERED)
    assert waiting.filter(expected_on__lt=today).exists()  # overdue
    assert waiting.filter(expected_on__gt=today).exists()
    for order in PurchaseOrder.objects.exclude(status=PurchaseOrderStatus.DRAFT):
        assert order.created_by.username == "buyer1"


def test_demo_partly_received_order_has_one_defective_unit_waiting_for_exchange():
    run_demo()
    order = PurchaseOrder.objects.get(status=PurchaseOrderStatus.PARTLY_RECEIVED)
    exchange = ExchangeList.objects.get(receipt__purchase_order=order)
    assert exchange.status == ExchangeStatus.OPEN
    assert [line.quantity for line in exchange.lines.all()] == [1]
    assert order.receipts.get().actor.username == "warehouse1"
    assert ExchangeList.objects.filter(status=ExchangeStatus.CLOSED).count() == 2
    defective = Warehouse.objects.get(code="defective")
    assert StockLevel.objects.get(warehouse=defective).on_hand == 1  # kept, 单独建账


def test_demo_supplier_ledger_shows_orders_paid_and_owed():
    run_demo()
    entries = SupplierLedgerEntry.objects.values("purchase_order__status")
    owed = {
        row["purchase_order__status"]: row["balance"]
        for row in entries.annotate(balance=Sum("amount"))
    }
    payments = SupplierLedgerEntry.objects.filter(kind="payment")
    assert {entry.actor.username for entry in payments} == {"finance1"}
    assert owed[PurchaseOrderStatus.CLOSED] == 0  # paid in full
    assert owed[PurchaseOrderStatus.RECEIVED] > 0  # paid in part
    assert owed[PurchaseOrderStatus.PARTLY_RECEIVED] > 0  # not paid yet


def test_demo_stocktake_of_last_month_is_posted_with_a_few_differences():
    run_demo()
    stocktake = Stocktake.objects.get()
    assert stocktake.status == StocktakeStatus.POSTED
    assert stocktake.is_full
    assert stocktake.posted_by.username == "manager"
    assert stocktake.created_by.username == "warehouse1"
    month_start = timezone.localdate().replace(day=1)
    assert timezone.localdate(stocktake.posted_at) == month_start - timedelta(days=1)
    assert stocktake.number.startswith(f"PD{month_start - timedelta(days=1):%Y%m%d}")
    moves = StockMove.objects.filter(kind=MoveKind.STOCKTAKE)
    assert 3 <= moves.count() <= 10
    assert all(1 <= abs(move.quantity) <= 3 for move in moves)


def test_demo_history_is_in_the_past_and_sales_span_the_velocity_window():
    run_demo()
    now = timezone.now()
    assert not StockMove.objects.filter(created_at__gt=now).exists()
    sales = StockMove.objects.filter(kind=MoveKind.SALE)
    first = sales.order_by("created_at").first().created_at
    assert now - first > timedelta(days=30)
    assert now - sales.order_by("-created_at").first().created_at < timedelta(days=2)
