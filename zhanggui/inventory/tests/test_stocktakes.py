from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.core.audit import entries_for
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.inventory import services, stocktakes
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import (
    Bin,
    MoveKind,
    SkuBin,
    StockLevel,
    StockMove,
    Stocktake,
    StocktakeStatus,
    Warehouse,
)
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.stocktake_selectors import variance
from zhanggui.inventory.stocktakes import (
    InvalidStocktakeTransition,
    cancel_stocktake,
    create_stocktake,
    post_stocktake,
    record_count,
    start_counting,
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages are checked in their English msgids


@pytest.fixture
def main(db):
    return Warehouse.objects.get(code="main")


@pytest.fixture
def skus(manager):
    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="ST1", title="盘点T恤"),
        skus=[
            catalog.SkuInput(
                merchant_code=f"ST1-{size}",
                size=size,
                barcode=f"69000000000{index}",
                price="59",
                cost_price="20.50",
            )
            for index, size in enumerate("SMLX")
        ],
    )
    return {sku.size: sku for sku in product.skus.all()}


def stock(sku, quantity, warehouse=None, kind=MoveKind.RECEIPT):
    services.post_move(
        actor=None,
        move=MoveInput(sku.pk, quantity, kind, warehouse_id=warehouse.pk if warehouse else None),
    )


def on_hand(sku, warehouse):
    return StockLevel.objects.get(sku=sku, warehouse=warehouse).on_hand


def counting(manager, warehouse, **scope):
    stocktake = create_stocktake(actor=manager, warehouse_id=warehouse.pk, **scope)
    return start_counting(actor=manager, stocktake_id=stocktake.pk)


def expected_by_code(stocktake):
    return {
        line.sku.merchant_code: line.expected
        for line in stocktake.lines.select_related("sku").order_by("sku__merchant_code")
    }


def test_create_makes_a_numbered_draft_with_no_lines(manager, main):
    stocktake = create_stocktake(actor=manager, warehouse_id=main.pk, note="月底盘点")
    assert stocktake.status == StocktakeStatus.DRAFT
    assert stocktake.number.startswith("PD")
    assert stocktake.number.endswith(f"-{stocktake.pk:04d}")
    assert (stocktake.is_full, stocktake.blind, stocktake.created_by) == (True, True, manager)
    assert stocktake.lines.count() == 0
    assert entries_for(stocktake).filter(action="create").count() == 1


def test_create_refuses_a_bin_of_another_warehouse(manager, main):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    other_bin = Bin.objects.create(warehouse=annex, code="B-01")
    with pytest.raises(InvalidInput) as caught:
        create_stocktake(actor=manager, warehouse_id=main.pk, bin_ids=[other_bin.pk])
    assert list(caught.value.fields) == ["bins"]
    assert Stocktake.objects.count() == 0


def test_start_snapshots_skus_with_stock_or_a_bin_in_the_warehouse(manager, main, skus):
    stock(skus["S"], 5)
    stock(skus["M"], 3)
    stock(skus["M"], -3, kind=MoveKind.ADJUSTMENT)  # a balance of 0 and no bin: left out
    shelf = Bin.objects.create(warehouse=main, code="A-01")
    SkuBin.objects.create(sku=skus["L"], bin=shelf)
    stocktake = counting(manager, main)
    assert stocktake.status == StocktakeStatus.COUNTING
    assert stocktake.started_at is not None
    assert expected_by_code(stocktake) == {"ST1-L": 0, "ST1-S": 5}
    line = stocktake.lines.get(sku=skus["L"])
    assert (line.bin_codes, line.unit_cost, line.counted) == ("A-01", Decimal("20.50"), None)


def test_start_limited_to_bins_and_skus_takes_only_those(manager, main, skus):
    for sku in skus.values():
        stock(sku, 2)
    shelf = Bin.objects.create(warehouse=main, code="A-02")
    SkuBin.objects.create(sku=skus["S"], bin=shelf)
    stocktake = counting(manager, main, bin_ids=[shelf.pk], sku_ids=[skus["X"].pk])
    assert stocktake.is_full is False
    assert expected_by_code(stocktake) == {"ST1-S": 2, "ST1-X": 2}


def test_start_refuses_a_second_count_of_the_same_skus(manager, main, skus):
    stock(skus["S"], 1)
    first = counting(manager, main, sku_ids=[skus["S"].pk])
    second = create_stocktake(actor=manager, warehouse_id=main.pk, sku_ids=[skus["S"].pk])
    with pytest.raises(Conflict, match=first.number):
        start_counting(actor=manager, stocktake_id=second.pk)
    second.refresh_from_db()
    assert (second.status, second.lines.count()) == (StocktakeStatus.DRAFT, 0)


def test_start_allows_counts_of_different_skus_side_by_side(manager, main, skus):
    counting(manager, main, sku_ids=[skus["S"].pk])
    other = counting(manager, main, sku_ids=[skus["M"].pk])
    assert other.status == StocktakeStatus.COUNTING


def test_scan_by_barcode_or_merchant_code_adds_one_each(manager, main, skus):
    stock(skus["S"], 4)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="690000000000")
    line = record_count(actor=manager, stocktake_id=stocktake.pk, code=" ST1-S ")
    assert (line.counted, line.counted_by, line.sku.merchant_code) == (2, manager, "ST1-S")


def test_typed_quantity_adds_or_sets_the_total(manager, main, skus):
    stock(skus["S"], 4)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=12)
    assert (
        record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=-1).counted
        == 11
    )
    line = record_count(
        actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=3, set_total=True
    )
    assert line.counted == 3


@pytest.mark.parametrize(
    ("code", "quantity", "field"),
    [("NOPE", 1, "code"), ("ST1-S", -1, "quantity"), ("ST1-S", 1.5, "quantity")],
)
def test_scan_refuses_bad_input_and_changes_nothing(manager, main, skus, code, quantity, field):
    stock(skus["S"], 4)
    stocktake = counting(manager, main)
    with pytest.raises(InvalidInput) as caught:
        record_count(actor=manager, stocktake_id=stocktake.pk, code=code, quantity=quantity)
    assert list(caught.value.fields) == [field]
    assert stocktake.lines.get(sku=skus["S"]).counted is None


def test_scan_of_a_sku_found_on_the_shelf_adds_it_to_a_whole_count(manager, main, skus):
    stock(skus["S"], 1)
    stocktake = counting(manager, main)
    stock(skus["X"], 2)  # arrives after counting started: not part of the snapshot
    line = record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-X", quantity=2)
    assert (line.expected, line.counted, line.found_during_count) == (0, 2, True)


def test_scan_of_a_sku_outside_a_partial_count_is_refused(manager, main, skus):
    stocktake = counting(manager, main, sku_ids=[skus["S"].pk])
    with pytest.raises(InvalidInput, match="ST1-M is not on this stocktake"):
        record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-M")
    assert stocktake.lines.count() == 1


def test_scan_before_counting_starts_is_refused(manager, main, skus):
    stocktake = create_stocktake(actor=manager, warehouse_id=main.pk)
    with pytest.raises(InvalidStocktakeTransition):
        record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S")


def test_variance_lists_differences_with_cost_value_and_totals(manager, main, skus):
    stock(skus["S"], 10)
    stock(skus["M"], 4)
    stock(skus["L"], 7)
    stocktake = counting(manager, main)
    for code, quantity in (("ST1-S", 8), ("ST1-M", 5), ("ST1-L", 7)):
        record_count(actor=manager, stocktake_id=stocktake.pk, code=code, quantity=quantity)
    report = variance(stocktake)
    assert [
        (r.merchant_code, r.expected, r.counted, r.difference, r.value) for r in report.rows
    ] == [
        ("ST1-M", 4, 5, 1, Decimal("20.50")),
        ("ST1-S", 10, 8, -2, Decimal("-41.00")),
    ]
    assert (report.lines, report.counted_lines, report.differing_lines) == (3, 3, 2)
    assert (report.expected_units, report.counted_units) == (21, 20)
    assert (report.units_added, report.units_removed, report.net_units) == (1, 2, -1)
    assert (report.value_added, report.value_removed, report.net_value) == (
        Decimal("20.50"),
        Decimal("41.00"),
        Decimal("-20.50"),
    )


def test_variance_of_uncounted_lines_depends_on_the_choice(manager, main, skus):
    stock(skus["S"], 3)
    stocktake = counting(manager, main)
    assert variance(stocktake).rows == []
    assert variance(stocktake, show="uncounted").rows[0].difference == 0
    as_zero = variance(stocktake, uncounted_as_zero=True)
    assert [(r.merchant_code, r.difference) for r in as_zero.rows] == [("ST1-S", -3)]


def test_post_moves_the_differences_and_balances_equal_the_ledger(manager, main, skus):
    stock(skus["S"], 10)
    stock(skus["M"], 4)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=8)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-M", quantity=6)
    result = post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    assert (result.moves, result.units_added, result.units_removed) == (2, 2, 2)
    assert (on_hand(skus["S"], main), on_hand(skus["M"], main)) == (8, 6)
    moves = StockMove.objects.filter(kind=MoveKind.STOCKTAKE).order_by("sku__merchant_code")
    assert [(m.sku.merchant_code, m.quantity, m.unit_cost, m.ref, m.actor) for m in moves] == [
        ("ST1-M", 2, Decimal("20.50"), stocktake.number, manager),
        ("ST1-S", -2, Decimal("20.50"), stocktake.number, manager),
    ]
    assert {(m.source_type, m.source_id) for m in moves} == {("stocktake", str(stocktake.pk))}
    assert ledger_differences() == []
    stocktake.refresh_from_db()
    assert (stocktake.status, stocktake.posted_by) == (StocktakeStatus.POSTED, manager)
    entry = entries_for(stocktake).get(note__startswith="2 moves")
    assert entry.changes == {"status": {"before": "counting", "after": "posted"}}


def test_post_keeps_moves_made_while_counting(manager, main, skus):
    stock(skus["S"], 10)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=9)
    stock(skus["S"], -3, kind=MoveKind.SALE)  # shipped after its shelf was counted
    stock(skus["S"], 5)  # received meanwhile
    post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    # 10 - 3 + 5 = 12 on the books, less the one unit the count found missing.
    assert on_hand(skus["S"], main) == 11
    assert ledger_differences() == []


def test_post_leaves_uncounted_skus_alone_by_default(manager, main, skus):
    stock(skus["S"], 10)
    stock(skus["M"], 4)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=10)
    result = post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    assert result.moves == 0
    assert (on_hand(skus["S"], main), on_hand(skus["M"], main)) == (10, 4)


def test_post_with_uncounted_as_zero_empties_them(manager, main, skus):
    stock(skus["M"], 4)
    stocktake = counting(manager, main)
    post_stocktake(actor=manager, stocktake_id=stocktake.pk, uncounted_as_zero=True)
    assert on_hand(skus["M"], main) == 0
    stocktake.refresh_from_db()
    assert stocktake.uncounted_as_zero is True
    assert variance(stocktake).net_units == -4
    assert ledger_differences() == []


def test_post_below_reserved_stock_fails_and_posts_nothing(manager, main, skus):
    stock(skus["S"], 10)
    stock(skus["M"], 4)
    services.reserve(
        actor=None, sku_id=skus["S"].pk, quantity=8, source_type="order_line", source_id="1"
    )
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-M", quantity=5)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=5)
    with pytest.raises(InsufficientStock) as caught:
        post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    assert caught.value.lines == [
        {"merchant_code": "ST1-S", "warehouse": "main", "requested": 5, "available": 2}
    ]
    assert not StockMove.objects.filter(kind=MoveKind.STOCKTAKE).exists()
    assert (on_hand(skus["S"], main), on_hand(skus["M"], main)) == (10, 4)
    stocktake.refresh_from_db()
    assert (stocktake.status, stocktake.posted_at) == (StocktakeStatus.COUNTING, None)


def test_post_twice_is_refused(manager, main, skus):
    stocktake = counting(manager, main)
    post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    with pytest.raises(InvalidStocktakeTransition):
        post_stocktake(actor=manager, stocktake_id=stocktake.pk)


def test_post_of_a_draft_is_refused(manager, main):
    stocktake = create_stocktake(actor=manager, warehouse_id=main.pk)
    with pytest.raises(InvalidStocktakeTransition):
        post_stocktake(actor=manager, stocktake_id=stocktake.pk)
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.DRAFT


def test_cancel_drops_a_count_without_moves(manager, main, skus):
    stock(skus["S"], 10)
    stocktake = counting(manager, main)
    record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S", quantity=1)
    cancel_stocktake(actor=manager, stocktake_id=stocktake.pk, note="重盘")
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.CANCELLED
    assert on_hand(skus["S"], main) == 10
    assert not StockMove.objects.filter(kind=MoveKind.STOCKTAKE).exists()
    with pytest.raises(InvalidStocktakeTransition):
        record_count(actor=manager, stocktake_id=stocktake.pk, code="ST1-S")


def test_difference_rule():
    assert stocktakes.difference(5, 3, uncounted_as_zero=False) == -2
    assert stocktakes.difference(5, None, uncounted_as_zero=False) == 0
    assert stocktakes.difference(5, None, uncounted_as_zero=True) == -5
    assert stocktakes.difference(0, 4, uncounted_as_zero=True) == 4
