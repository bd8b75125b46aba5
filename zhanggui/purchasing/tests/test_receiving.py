from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.core.errors import InvalidInput
from zhanggui.inventory.models import StockLevel, StockMove, Warehouse
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.purchasing import services
from zhanggui.purchasing.exceptions import InvalidTransition
from zhanggui.purchasing.models import (
    ExchangeList,
    PurchaseOrder,
    Receipt,
    SupplierLedgerEntry,
)
from zhanggui.purchasing.tests.factories import (
    counts,
    make_order,
    make_product,
    make_supplier,
    placed_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    make_product("T-100")
    return placed_order(
        make_supplier(),
        [("T-100-W-S", 4, "18.50"), ("T-100-W-M", 6, "18.50")],
        transport_cost="15",
    )


def _on_hand(code: str, warehouse: str = "main") -> int:
    level = StockLevel.objects.filter(sku__merchant_code=code, warehouse__code=warehouse).first()
    return level.on_hand if level else 0


def _moves(order: PurchaseOrder) -> list[tuple[str, str, int, Decimal]]:
    return list(
        StockMove.objects.filter(source_type="purchase_receipt")
        .order_by("id")
        .values_list("kind", "sku__merchant_code", "quantity", "unit_cost")
    )


def _receive(order: PurchaseOrder, **by_code):
    return services.receive_purchase_order(
        actor=None, purchase_order_id=order.pk, counts=counts(order, **by_code)
    )


def test_receive_partly_then_fully_posts_receipt_moves_and_moves_the_status(manager, order):
    first = services.receive_purchase_order(
        actor=manager, purchase_order_id=order.pk, counts=counts(order, T_100_W_S=4, T_100_W_M=2)
    )
    order.refresh_from_db()
    assert order.status == "partly_received"
    assert first.number.startswith("RK")
    second = _receive(order, T_100_W_M=4)
    order.refresh_from_db()
    assert order.status == "received"
    assert [e.to_status for e in order.events.all()] == [
        "draft",
        "ordered",
        "partly_received",
        "received",
    ]
    assert order.events.get(to_status="received").note == second.number
    assert _moves(order) == [
        ("receipt", "T-100-W-S", 4, Decimal("18.50")),
        ("receipt", "T-100-W-M", 2, Decimal("18.50")),
        ("receipt", "T-100-W-M", 4, Decimal("18.50")),
    ]
    assert (_on_hand("T-100-W-S"), _on_hand("T-100-W-M")) == (4, 6)
    assert ledger_differences() == []
    lines = {line.sku.merchant_code: line.received_quantity for line in order.lines.all()}
    assert lines == {"T-100-W-S": 4, "T-100-W-M": 6}


def test_receive_charges_goods_per_receipt_and_transport_once(order):
    first = _receive(order, T_100_W_S=3)
    second = _receive(order, T_100_W_S=1, T_100_W_M=6)
    entries = list(
        SupplierLedgerEntry.objects.order_by("id").values_list("kind", "amount", "receipt")
    )
    assert entries == [
        ("goods", Decimal("55.50"), first.pk),
        ("transport", Decimal("15.00"), None),
        ("goods", Decimal("129.50"), second.pk),
    ]


def test_receive_more_than_ordered_is_refused_and_nothing_happens(order):
    _receive(order, T_100_W_S=3)
    with pytest.raises(InvalidInput) as error:
        _receive(order, T_100_W_S=2, T_100_W_M=1)
    line = order.lines.get(sku__merchant_code="T-100-W-S")
    assert list(error.value.fields) == [f"lines.{line.pk}.quantity"]
    assert "T-100-W-S" in error.value.fields[f"lines.{line.pk}.quantity"][0]
    assert Receipt.objects.count() == 1
    assert (_on_hand("T-100-W-S"), _on_hand("T-100-W-M")) == (3, 0)
    line.refresh_from_db()
    assert line.received_quantity == 3


def test_receive_more_than_ordered_allowed_per_line_with_a_reason(order):
    line = order.lines.get(sku__merchant_code="T-100-W-S")
    with pytest.raises(InvalidInput) as error:
        services.receive_purchase_order(
            actor=None,
            purchase_order_id=order.pk,
            counts=[services.CountInput(line.pk, 5, allow_over=True)],
        )
    assert list(error.value.fields) == [f"lines.{line.pk}.over_reason"]
    receipt = services.receive_purchase_order(
        actor=None,
        purchase_order_id=order.pk,
        counts=[services.CountInput(line.pk, 5, allow_over=True, over_reason="档口多发一件")],
    )
    assert receipt.lines.get().over_reason == "档口多发一件"
    assert _on_hand("T-100-W-S") == 5
    order.refresh_from_db()
    assert order.status == "partly_received"  # M still outstanding


@pytest.mark.parametrize(
    ("count", "field"),
    [((2, 3), "defective"), ((-1, 0), "quantity")],
)
def test_receive_rejects_impossible_counts(order, count, field):
    line = order.lines.get(sku__merchant_code="T-100-W-S")
    with pytest.raises(InvalidInput) as error:
        services.receive_purchase_order(
            actor=None,
            purchase_order_id=order.pk,
            counts=[services.CountInput(line.pk, count[0], count[1])],
        )
    assert list(error.value.fields) == [f"lines.{line.pk}.{field}"]
    assert not StockMove.objects.exists()


def test_receive_nothing_counted_is_refused(order):
    with pytest.raises(InvalidInput) as error:
        _receive(order, T_100_W_S=0)
    assert list(error.value.fields) == ["lines"]
    assert not Receipt.objects.exists()


def test_receive_refused_on_a_draft(order):
    draft = make_order(order.supplier, [("T-100-W-S", 1, "18")])
    with pytest.raises(InvalidTransition):
        _receive(draft, T_100_W_S=1)
    assert not Receipt.objects.exists()


def test_receive_into_a_non_sellable_warehouse_is_refused(order):
    Warehouse.objects.create(code="scrap", name="报废", is_sellable=False)
    with pytest.raises(InvalidInput) as error:
        services.receive_purchase_order(
            actor=None,
            purchase_order_id=order.pk,
            counts=counts(order, T_100_W_S=1),
            warehouse_code="scrap",
        )
    assert list(error.value.fields) == ["warehouse"]
    assert not StockMove.objects.exists()


def test_receive_defective_units_go_on_an_exchange_list_and_out_of_stock(order):
    receipt = _receive(order, T_100_W_S=(4, 1), T_100_W_M=(6, 2))
    exchange = ExchangeList.objects.get()
    assert exchange.receipt == receipt
    assert exchange.number.startswith("HH")
    assert {line.sku.merchant_code: line.quantity for line in exchange.lines.all()} == {
        "T-100-W-S": 1,
        "T-100-W-M": 2,
    }
    moves = list(
        StockMove.objects.order_by("id").values_list("kind", "sku__merchant_code", "quantity")
    )
    assert moves == [
        ("receipt", "T-100-W-S", 4),
        ("receipt", "T-100-W-M", 6),
        ("exchange_out", "T-100-W-S", -1),
        ("exchange_out", "T-100-W-M", -2),
    ]
    assert (_on_hand("T-100-W-S"), _on_hand("T-100-W-M")) == (3, 4)
    assert ledger_differences() == []
    order.refresh_from_db()
    assert order.status == "received"  # delivered in full; replacements follow the exchange
    # The supplier is owed for every delivered unit: it replaces defective ones.
    goods = SupplierLedgerEntry.objects.get(kind="goods")
    assert goods.amount == Decimal("185.00")


def test_receive_without_defects_makes_no_exchange_list(order):
    _receive(order, T_100_W_S=4)
    assert not ExchangeList.objects.exists()
