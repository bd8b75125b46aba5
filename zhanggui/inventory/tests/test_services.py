from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.exceptions import (
    InsufficientStock,
    InvalidMove,
    ReservationClosed,
    ReservationMismatch,
)
from zhanggui.inventory.models import (
    Bin,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
    Warehouse,
)
from zhanggui.inventory.selectors import available_by_sku, check_ledger, ledger_differences
from zhanggui.inventory.services import MoveInput


@pytest.fixture
def skus(manager):
    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="K1", title="测试"),
        skus=[
            catalog.SkuInput(merchant_code=f"K1-{size}", size=size, price="10") for size in "SML"
        ],
    )
    return list(product.skus.order_by("merchant_code"))


@pytest.fixture
def sku(skus):
    return skus[0]


@pytest.fixture
def main():
    return Warehouse.objects.get(code="main")


@pytest.fixture
def annex():
    return Warehouse.objects.create(code="annex", name="二号仓")


def level_of(sku, warehouse):
    level = StockLevel.objects.get(sku=sku, warehouse=warehouse)
    return (level.on_hand, level.reserved, level.available)


def receive(actor, sku, quantity, warehouse=None):
    warehouse_id = warehouse.pk if warehouse else None
    return services.post_move(
        actor=actor, move=MoveInput(sku.pk, quantity, MoveKind.RECEIPT, warehouse_id=warehouse_id)
    )


def test_receipt_records_who_what_and_source_and_goes_to_the_default_warehouse(sku, manager, main):
    move = services.post_move(
        actor=manager,
        move=MoveInput(
            sku.pk,
            12,
            MoveKind.RECEIPT,
            unit_cost=Decimal("21.50"),
            source_type="receipt",
            source_id="7",
            ref="RK-7",
            note="首批",
        ),
    )
    move.refresh_from_db()
    assert (move.warehouse_id, move.quantity, move.kind) == (main.pk, 12, "receipt")
    assert (move.source_type, move.source_id, move.ref, move.note) == (
        "receipt",
        "7",
        "RK-7",
        "首批",
    )
    assert (move.actor, move.unit_cost) == (manager, Decimal("21.50"))
    assert move.created_at is not None
    assert level_of(sku, main) == (12, 0, 12)
    assert ledger_differences() == []


def test_receipt_then_reserve_then_ship_keeps_balances_equal_to_ledger(sku, manager, main):
    receive(manager, sku, 10)
    reservation = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=3, source_type="order_line", source_id="1"
    )
    move = services.consume_reservation(actor=manager, reservation_id=reservation.pk, ref="YT123")
    assert (move.kind, move.quantity, move.ref, move.actor) == ("sale", -3, "YT123", manager)
    assert (move.source_type, move.source_id) == ("order_line", "1")
    assert level_of(sku, main) == (7, 0, 7)
    assert Reservation.objects.get().status == ReservationStatus.CONSUMED
    assert ledger_differences() == []


def test_decrease_beyond_available_is_refused_and_nothing_is_posted(sku, manager, main):
    receive(manager, sku, 2)
    services.reserve(actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1")
    with pytest.raises(InsufficientStock) as error:
        services.post_move(actor=manager, move=MoveInput(sku.pk, -1, MoveKind.ADJUSTMENT))
    assert error.value.code == "out_of_stock"
    assert error.value.lines == [
        {"merchant_code": "K1-L", "warehouse": "main", "requested": 1, "available": 0}
    ]
    assert StockMove.objects.count() == 1
    assert level_of(sku, main) == (2, 2, 0)


def test_batch_with_short_lines_posts_nothing_and_lists_every_short_line(skus, manager, main):
    receive(manager, skus[0], 5)
    receive(manager, skus[1], 1)
    with pytest.raises(InsufficientStock) as error:
        services.post_moves(
            actor=manager,
            moves=[
                MoveInput(skus[0].pk, -5, MoveKind.ADJUSTMENT),
                MoveInput(skus[1].pk, -2, MoveKind.ADJUSTMENT),
                MoveInput(skus[2].pk, -1, MoveKind.EXCHANGE_OUT),
            ],
        )
    assert error.value.lines == [  # in the order of the batch
        {"merchant_code": "K1-M", "warehouse": "main", "requested": 2, "available": 1},
        {"merchant_code": "K1-S", "warehouse": "main", "requested": 1, "available": 0},
    ]
    assert StockMove.objects.count() == 2
    assert [level_of(sku, main) for sku in skus[:2]] == [(5, 0, 5), (1, 0, 1)]
    assert ledger_differences() == []


def test_batch_is_checked_on_the_net_change_of_each_balance(sku, manager, main):
    moves = services.post_moves(
        actor=manager,
        moves=[
            MoveInput(sku.pk, 5, MoveKind.RECEIPT),
            MoveInput(sku.pk, -3, MoveKind.ADJUSTMENT),
        ],
    )
    assert [move.quantity for move in moves] == [5, -3]
    assert all(move.pk for move in moves)
    assert level_of(sku, main) == (2, 0, 2)


@pytest.mark.parametrize(
    ("quantity", "kind", "field"),
    [
        (0, MoveKind.ADJUSTMENT, "qty"),
        (True, MoveKind.ADJUSTMENT, "qty"),
        (1.5, MoveKind.ADJUSTMENT, "qty"),
        ("2", MoveKind.ADJUSTMENT, "qty"),
        (2, "theft", "kind"),
        (-2, MoveKind.RECEIPT, "qty"),
        (-2, MoveKind.CUSTOMER_RETURN, "qty"),
        (2, MoveKind.SALE, "qty"),
        (2, MoveKind.EXCHANGE_OUT, "qty"),
    ],
)
def test_bad_move_is_refused_naming_the_field(sku, manager, quantity, kind, field):
    receive(manager, sku, 5)
    with pytest.raises(InvalidMove) as error:
        services.post_move(actor=manager, move=MoveInput(sku.pk, quantity, kind))
    assert list(error.value.fields) == [field]
    assert StockMove.objects.count() == 1


def test_unknown_sku_is_refused_and_no_balance_is_created(sku, manager):
    with pytest.raises(InvalidMove) as error:
        services.post_move(actor=manager, move=MoveInput(sku.pk + 999, 3, MoveKind.RECEIPT))
    assert list(error.value.fields) == ["sku"]
    assert not StockLevel.objects.exists()
    assert not StockMove.objects.exists()


def test_unknown_warehouse_is_refused(sku, manager):
    with pytest.raises(InvalidMove) as error:
        services.post_move(
            actor=manager, move=MoveInput(sku.pk, 3, MoveKind.RECEIPT, warehouse_id=99999)
        )
    assert list(error.value.fields) == ["warehouse"]
    assert not StockLevel.objects.exists()


@pytest.mark.parametrize(("field", "length"), [("ref", 101), ("note", 256)])
def test_too_long_texts_are_refused_not_cut(sku, manager, field, length):
    move = MoveInput(sku.pk, 3, MoveKind.RECEIPT, **{field: "x" * length})
    with pytest.raises(InvalidMove) as error:
        services.post_move(actor=manager, move=move)
    assert list(error.value.fields) == [field]
    assert not StockMove.objects.exists()


def test_move_may_name_a_bin_of_its_warehouse_only(sku, manager, main, annex):
    shelf = Bin.objects.create(warehouse=main, code="A-01")
    other = Bin.objects.create(warehouse=annex, code="B-01")
    move = services.post_move(
        actor=manager, move=MoveInput(sku.pk, 4, MoveKind.RECEIPT, bin_id=shelf.pk)
    )
    assert StockMove.objects.get(pk=move.pk).bin == shelf
    with pytest.raises(InvalidMove) as error:
        services.post_move(
            actor=manager, move=MoveInput(sku.pk, 4, MoveKind.RECEIPT, bin_id=other.pk)
        )
    assert list(error.value.fields) == ["bin"]
    assert level_of(sku, main) == (4, 0, 4)


def test_reserve_holds_available_stock_without_moving_it(sku, manager, main):
    receive(manager, sku, 5)
    reservation = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="order_line", source_id="9"
    )
    assert (reservation.warehouse_id, reservation.quantity, reservation.status) == (
        main.pk,
        2,
        "active",
    )
    assert level_of(sku, main) == (5, 2, 3)
    assert StockMove.objects.count() == 1


def test_reserve_again_for_the_same_line_returns_the_same_reservation(sku, manager, main):
    receive(manager, sku, 5)
    first = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    again = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    assert again.pk == first.pk
    assert Reservation.objects.count() == 1
    assert level_of(sku, main) == (5, 2, 3)


def test_reserve_again_when_the_line_took_the_last_units_returns_the_same_reservation(
    sku, manager, main
):
    receive(manager, sku, 2)
    first = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    again = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    assert again.pk == first.pk
    with pytest.raises(ReservationMismatch):
        services.reserve(actor=manager, sku_id=sku.pk, quantity=1, source_type="o", source_id="1")
    assert level_of(sku, main) == (2, 2, 0)
    assert Reservation.objects.count() == 1


def test_reserve_a_different_quantity_for_the_same_line_is_refused(sku, manager, main):
    receive(manager, sku, 5)
    services.reserve(actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1")
    with pytest.raises(ReservationMismatch):
        services.reserve(actor=manager, sku_id=sku.pk, quantity=3, source_type="o", source_id="1")
    assert Reservation.objects.count() == 1
    assert level_of(sku, main) == (5, 2, 3)


def test_reserve_beyond_available_is_refused_and_holds_nothing(sku, manager, main):
    receive(manager, sku, 3)
    services.reserve(actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1")
    with pytest.raises(InsufficientStock) as error:
        services.reserve(actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="2")
    assert error.value.lines == [
        {"merchant_code": "K1-L", "warehouse": "main", "requested": 2, "available": 1}
    ]
    assert Reservation.objects.count() == 1
    assert level_of(sku, main) == (3, 2, 1)


def test_reserve_with_no_balance_at_all_is_refused(sku, manager):
    with pytest.raises(InsufficientStock):
        services.reserve(actor=manager, sku_id=sku.pk, quantity=1, source_type="o", source_id="1")
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "source_id", "field"), [(0, "1", "qty"), (-1, "1", "qty"), (1, "", "source")]
)
def test_bad_reservation_is_refused_naming_the_field(sku, manager, quantity, source_id, field):
    receive(manager, sku, 3)
    with pytest.raises(InvalidMove) as error:
        services.reserve(
            actor=manager, sku_id=sku.pk, quantity=quantity, source_type="o", source_id=source_id
        )
    assert list(error.value.fields) == [field]
    assert not Reservation.objects.exists()


def test_release_gives_stock_back_and_twice_is_refused(sku, manager, main):
    receive(manager, sku, 5)
    reservation = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    released = services.release_reservation(actor=manager, reservation_id=reservation.pk)
    assert released.status == "released"
    assert released.closed_at is not None
    assert level_of(sku, main) == (5, 0, 5)
    with pytest.raises(ReservationClosed):
        services.release_reservation(actor=manager, reservation_id=reservation.pk)
    with pytest.raises(ReservationClosed):
        services.consume_reservation(actor=manager, reservation_id=reservation.pk)
    assert level_of(sku, main) == (5, 0, 5)
    assert StockMove.objects.count() == 1


def test_shipped_reservation_cannot_be_released_or_shipped_again(sku, manager, main):
    receive(manager, sku, 5)
    reservation = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    services.consume_reservation(actor=manager, reservation_id=reservation.pk)
    for close in (services.release_reservation, services.consume_reservation):
        with pytest.raises(ReservationClosed):
            close(actor=manager, reservation_id=reservation.pk)
    assert level_of(sku, main) == (3, 0, 3)
    assert StockMove.objects.count() == 2


def test_line_may_reserve_again_after_its_reservation_is_released(sku, manager, main):
    receive(manager, sku, 5)
    first = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=2, source_type="o", source_id="1"
    )
    services.release_reservation(actor=manager, reservation_id=first.pk)
    second = services.reserve(
        actor=manager, sku_id=sku.pk, quantity=4, source_type="o", source_id="1"
    )
    assert second.pk != first.pk
    assert level_of(sku, main) == (5, 4, 1)


def test_unknown_reservation_is_closed(manager, db):
    with pytest.raises(ReservationClosed):
        services.release_reservation(actor=manager, reservation_id=123456)


def test_transfer_posts_two_linked_moves(sku, manager, main, annex):
    receive(manager, sku, 6)
    out, into = services.transfer_stock(
        actor=manager,
        sku_id=sku.pk,
        from_warehouse_id=main.pk,
        to_warehouse_id=annex.pk,
        quantity=4,
        ref="DB-1",
    )
    assert (out.warehouse_id, out.quantity, out.kind) == (main.pk, -4, "transfer")
    assert (into.warehouse_id, into.quantity, into.kind) == (annex.pk, 4, "transfer")
    assert out.source_type == into.source_type == "transfer"
    assert out.source_id == into.source_id != ""
    assert out.ref == into.ref == "DB-1"
    assert level_of(sku, main) == (2, 0, 2)
    assert level_of(sku, annex) == (4, 0, 4)
    assert ledger_differences() == []


def test_transfer_may_not_take_reserved_stock(sku, manager, main, annex):
    receive(manager, sku, 6)
    services.reserve(actor=manager, sku_id=sku.pk, quantity=3, source_type="o", source_id="1")
    with pytest.raises(InsufficientStock) as error:
        services.transfer_stock(
            actor=manager,
            sku_id=sku.pk,
            from_warehouse_id=main.pk,
            to_warehouse_id=annex.pk,
            quantity=4,
        )
    assert error.value.lines[0]["available"] == 3
    assert StockMove.objects.count() == 1
    assert not StockLevel.objects.filter(warehouse=annex, on_hand__gt=0).exists()
    assert level_of(sku, main) == (6, 3, 3)


@pytest.mark.parametrize(
    ("quantity", "same", "field"),
    [(0, False, "qty"), (-2, False, "qty"), (2, True, "to_warehouse")],
)
def test_bad_transfer_is_refused_naming_the_field(sku, manager, main, annex, quantity, same, field):
    receive(manager, sku, 6)
    with pytest.raises(InvalidMove) as error:
        services.transfer_stock(
            actor=manager,
            sku_id=sku.pk,
            from_warehouse_id=main.pk,
            to_warehouse_id=main.pk if same else annex.pk,
            quantity=quantity,
        )
    assert list(error.value.fields) == [field]
    assert StockMove.objects.count() == 1


def test_available_counts_sellable_warehouses_only(skus, manager, main):
    defective = Warehouse.objects.create(code="defect", name="次品仓", is_sellable=False)
    receive(manager, skus[0], 5)
    receive(manager, skus[0], 3, warehouse=defective)
    services.reserve(actor=manager, sku_id=skus[0].pk, quantity=1, source_type="o", source_id="1")
    ids = [sku.pk for sku in skus[:2]]
    assert available_by_sku(ids) == {skus[0].pk: 4, skus[1].pk: 0}
    assert available_by_sku(ids, sellable_only=False) == {skus[0].pk: 7, skus[1].pk: 0}


def test_available_of_no_skus_or_with_no_sellable_warehouse(skus, manager, main):
    receive(manager, skus[0], 5)
    assert available_by_sku([]) == {}
    Warehouse.objects.update(is_sellable=False)
    assert available_by_sku([skus[0].pk]) == {skus[0].pk: 0}
    assert available_by_sku([skus[0].pk], sellable_only=False) == {skus[0].pk: 5}


def test_check_ledger_finds_a_balance_changed_behind_the_ledger(skus, manager, main):
    receive(manager, skus[0], 5)
    receive(manager, skus[1], 2)
    StockLevel.objects.filter(sku=skus[1]).update(on_hand=9)
    result = check_ledger()
    assert result.checked == 2
    assert [difference.as_dict() for difference in result.differences] == [
        {
            "sku_id": skus[1].pk,
            "warehouse_id": main.pk,
            "on_hand": 9,
            "ledger_on_hand": 2,
            "reserved": 0,
            "active_reserved": 0,
            "merchant_code": "K1-M",
            "warehouse": "main",
        }
    ]


def test_post_moves_query_count_does_not_grow_with_the_batch(skus, manager, main):
    def queries_for(moves):
        with CaptureQueriesContext(connection) as captured:
            services.post_moves(actor=manager, moves=moves)
        return len(captured)

    queries_for([MoveInput(sku.pk, 1, MoveKind.RECEIPT) for sku in skus])  # the balances exist
    few = queries_for([MoveInput(sku.pk, 1, MoveKind.RECEIPT) for sku in skus[:2]])
    # 60 moves fit one INSERT even on SQLite (at most 999 parameters a statement).
    many = queries_for(
        [MoveInput(sku.pk, n, MoveKind.RECEIPT) for n in range(1, 21) for sku in skus]
    )
    assert many == few
    assert [level_of(sku, main)[0] for sku in skus] == [212, 212, 211]
