from __future__ import annotations

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import MoveKind, StockLevel, StockMove
from zhanggui.inventory.selectors import ledger_differences


@pytest.fixture
def sku(manager):
    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="K1", title="测试"),
        skus=[catalog.SkuInput(merchant_code="K1-M", price="10")],
    )
    return product.skus.get()


def test_receipt_then_reserve_then_ship_keeps_balances_equal_to_ledger(sku, manager):
    services.post_move(actor=manager, move=services.MoveInput(sku.pk, 10, MoveKind.RECEIPT))
    reservation = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=3, source_type="order_line", source_id="1"
    )
    services.consume_reservation(actor=manager, reservation_id=reservation.pk, ref="YT123")
    level = StockLevel.objects.get(sku=sku)
    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)
    assert ledger_differences() == []


def test_decrease_beyond_available_is_refused_and_nothing_is_posted(sku, manager):
    services.post_move(actor=manager, move=services.MoveInput(sku.pk, 2, MoveKind.RECEIPT))
    services.reserve(actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1")
    with pytest.raises(InsufficientStock) as error:
        services.post_move(actor=manager, move=services.MoveInput(sku.pk, -1, MoveKind.ADJUSTMENT))
    assert error.value.data["lines"][0]["available"] == 0
    assert StockMove.objects.count() == 1
