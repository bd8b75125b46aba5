from __future__ import annotations

import pytest
from django.db.models import Sum

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.inventory.models import StockLevel, StockMove
from zhanggui.inventory.selectors import available_by_sku, ledger_differences
from zhanggui.purchasing import services
from zhanggui.purchasing.exceptions import InvalidTransition
from zhanggui.purchasing.models import ExchangeList
from zhanggui.purchasing.tests.factories import counts, make_product, make_supplier, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange():
    make_product("T-100")
    order = placed_order(make_supplier(), [("T-100-W-S", 5, "18"), ("T-100-W-M", 5, "18")])
    services.receive_purchase_order(
        actor=None,
        purchase_order_id=order.pk,
        counts=counts(order, T_100_W_S=(5, 3), T_100_W_M=(5, 1)),
    )
    return ExchangeList.objects.get()


def _line(exchange, code):
    return exchange.lines.get(sku__merchant_code=code)


def _on_hand(code, warehouse="main"):
    level = StockLevel.objects.filter(sku__merchant_code=code, warehouse__code=warehouse).first()
    return level.on_hand if level else 0


def test_receive_exchange_posts_exchange_in_moves(manager, exchange):
    small = _line(exchange, "T-100-W-S")
    services.receive_exchange(actor=manager, exchange_list_id=exchange.pk, counts={small.pk: 2})
    small.refresh_from_db()
    assert (small.returned_quantity, small.outstanding) == (2, 1)
    move = StockMove.objects.get(kind="exchange_in")
    assert (move.sku, move.warehouse.code, move.quantity, move.source_id) == (
        small.sku,
        "main",
        2,
        str(exchange.pk),
    )
    assert _on_hand("T-100-W-S") == 4
    assert audit.entries_for(exchange).get().changes == {"T-100-W-S": {"before": "0", "after": "2"}}
    exchange.refresh_from_db()
    assert exchange.status == "open"


def test_receive_exchange_more_than_outstanding_is_refused(exchange):
    small = _line(exchange, "T-100-W-S")
    with pytest.raises(InvalidInput) as error:
        services.receive_exchange(actor=None, exchange_list_id=exchange.pk, counts={small.pk: 4})
    assert list(error.value.fields) == [f"lines.{small.pk}"]
    assert not StockMove.objects.filter(kind="exchange_in").exists()
    small.refresh_from_db()
    assert small.returned_quantity == 0


def test_receive_exchange_of_everything_closes_the_list(exchange):
    small, medium = _line(exchange, "T-100-W-S"), _line(exchange, "T-100-W-M")
    services.receive_exchange(
        actor=None, exchange_list_id=exchange.pk, counts={small.pk: 3, medium.pk: 1}
    )
    exchange.refresh_from_db()
    assert exchange.status == "closed"
    assert not StockMove.objects.filter(warehouse__code="defective").exists()


def test_defective_out_exchange_in_and_never_exchanged_units_to_the_defective_account(exchange):
    small, medium = _line(exchange, "T-100-W-S"), _line(exchange, "T-100-W-M")
    services.receive_exchange(actor=None, exchange_list_id=exchange.pk, counts={small.pk: 1})
    services.close_exchange_list(actor=None, exchange_list_id=exchange.pk, note="档口不换")

    exchange.refresh_from_db()
    assert exchange.status == "closed"
    small.refresh_from_db()
    medium.refresh_from_db()
    assert (small.returned_quantity, small.kept_quantity) == (1, 2)
    assert (medium.returned_quantity, medium.kept_quantity) == (0, 1)
    kept = StockMove.objects.filter(warehouse__code="defective").order_by("id")
    assert list(kept.values_list("kind", "sku__merchant_code", "quantity")) == [
        ("exchange_in", "T-100-W-S", 2),
        ("exchange_in", "T-100-W-M", 1),
    ]
    assert kept[0].warehouse.is_sellable is False
    # The separate account has its own balance; the main warehouse holds only good units.
    assert (_on_hand("T-100-W-S", "defective"), _on_hand("T-100-W-M", "defective")) == (2, 1)
    assert (_on_hand("T-100-W-S"), _on_hand("T-100-W-M")) == (3, 4)
    assert available_by_sku([small.sku_id, medium.sku_id]) == {small.sku_id: 3, medium.sku_id: 4}
    # Every unit that went out on the list came back somewhere: its moves add up to zero.
    exchanged = StockMove.objects.filter(source_type="exchange_list", source_id=str(exchange.pk))
    assert exchanged.aggregate(total=Sum("quantity"))["total"] == 0
    assert ledger_differences() == []


def test_closed_exchange_list_refuses_more(exchange):
    small = _line(exchange, "T-100-W-S")
    services.close_exchange_list(actor=None, exchange_list_id=exchange.pk)
    moves = StockMove.objects.count()
    with pytest.raises(InvalidTransition):
        services.receive_exchange(actor=None, exchange_list_id=exchange.pk, counts={small.pk: 1})
    with pytest.raises(InvalidTransition):
        services.close_exchange_list(actor=None, exchange_list_id=exchange.pk)
    assert StockMove.objects.count() == moves
