from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Product, Sku
from zhanggui.inventory import services
from zhanggui.inventory.models import Bin, MoveKind, SkuBin, StockMove, StockPolicy, Warehouse
from zhanggui.inventory.services import MoveInput


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _product(item_no: str, sizes: str = "SM", title: str = "纯棉T恤") -> Product:
    return catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no=item_no, title=title),
        skus=[
            catalog.SkuInput(merchant_code=f"{item_no}-{s}", size=s, color="白", price="59")
            for s in sizes
        ],
    )


def _sku(code: str) -> Sku:
    return Sku.objects.get(merchant_code=code)


def _move(code: str, quantity: int, kind: str = MoveKind.RECEIPT, warehouse=None) -> StockMove:
    return services.post_move(
        actor=None,
        move=MoveInput(
            _sku(code).pk, quantity, kind, warehouse_id=warehouse.pk if warehouse else None
        ),
    )


@pytest.fixture
def annex(db) -> Warehouse:
    return Warehouse.objects.create(code="annex", name="二号仓")


@pytest.fixture
def stocked(annex) -> Product:
    """A-S: 10 in main (3 reserved) and 4 in annex; A-M: nothing."""
    product = _product("A")
    _move("A-S", 12)
    _move("A-S", -2, MoveKind.SALE)
    _move("A-S", 4, warehouse=annex)
    services.reserve(actor=None, sku_id=_sku("A-S").pk, quantity=3, source_type="o", source_id="1")
    return product


def _rows(response: Any) -> dict[str, Any]:
    return {row.sku.merchant_code: row for row in response.context["rows"]}


def _cells(response: Any, code: str) -> dict[str, tuple[int, int, int]]:
    row = _rows(response)[code]
    return {
        warehouse.code: (balance.on_hand, balance.reserved, balance.available)
        for warehouse, balance in zip(response.context["warehouses"], row.balances, strict=True)
    }


def test_stock_page_shows_balances_equal_to_the_ledger(client_for: Any, stocked: Product) -> None:
    response = client_for("cs_presale").get("/stock/")
    assert response.status_code == 200
    assert _cells(response, "A-S") == {"main": (10, 3, 7), "annex": (4, 0, 4)}
    assert _cells(response, "A-M") == {"main": (0, 0, 0), "annex": (0, 0, 0)}
    ledger = StockMove.objects.filter(sku__merchant_code="A-S").values("warehouse__code")
    totals = {
        row["warehouse__code"]: row["total"] for row in ledger.annotate(total=Sum("quantity"))
    }
    assert totals == {"main": 10, "annex": 4}
    row = _rows(response)["A-S"]
    assert (row.available, row.velocity, row.warning_level, row.below_warning) == (
        11,
        "slow",
        2,
        False,
    )
    assert _rows(response)["A-M"].below_warning is True


def test_stock_page_leaves_unsellable_warehouses_out_of_available(
    client_for: Any, stocked: Product, annex: Warehouse
) -> None:
    Warehouse.objects.filter(pk=annex.pk).update(is_sellable=False)
    response = client_for("buyer").get("/stock/")
    assert _rows(response)["A-S"].available == 7
    assert "not for sale" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("q=A-S", ["A-S"]),
        ("q=纯棉", ["A-M", "A-S", "B-S"]),
        ("q=B", ["B-S"]),
        ("warehouse=annex", ["A-S"]),
        ("sold_out=1", ["A-M", "B-S"]),
        ("below_warning=1", ["A-M", "B-S"]),
        ("velocity=hot", []),
        ("velocity=slow", ["A-M", "A-S", "B-S"]),
        ("q=A&sold_out=1", ["A-M"]),
    ],
)
def test_stock_page_search_and_filters(
    client_for: Any, stocked: Product, query: str, codes: list[str]
) -> None:
    _product("B", sizes="S", title="纯棉衬衫")
    response = client_for("warehouse").get(f"/stock/?{query}")
    assert sorted(_rows(response)) == codes


def test_stock_page_filters_by_velocity_from_recent_sales(client_for: Any, db: Any) -> None:
    _product("H", sizes="SM")
    _move("H-S", 100)
    _move("H-M", 100)
    sale = _move("H-S", -30, MoveKind.SALE)
    with time_machine.travel(timezone.now() - timedelta(days=45), tick=False):
        _move("H-M", -30, MoveKind.SALE)
    client = client_for("buyer")
    assert sorted(_rows(client.get("/stock/?velocity=hot"))) == ["H-S"]
    assert sorted(_rows(client.get("/stock/?velocity=slow"))) == ["H-M"]
    assert sale.quantity == -30


def test_stock_page_lists_bins_primary_first(client_for: Any, stocked: Product) -> None:
    main = Warehouse.objects.get(code="main")
    first, second = (
        Bin.objects.create(warehouse=main, code="B-2"),
        Bin.objects.create(warehouse=main, code="A-1"),
    )
    SkuBin.objects.create(sku=_sku("A-S"), bin=first, is_primary=True)
    SkuBin.objects.create(sku=_sku("A-S"), bin=second, is_primary=False)
    response = client_for("warehouse").get("/stock/?q=A-S")
    assert [str(place.bin) for place in _rows(response)["A-S"].places] == ["main/B-2", "main/A-1"]


def test_stock_page_queries_do_not_grow_with_skus_or_ledger(
    client_for: Any, annex: Warehouse, django_assert_max_num_queries: Any
) -> None:
    product = _product("Q", sizes="")  # no SKUs yet
    catalog_skus = [
        catalog.SkuInput(merchant_code=f"Q-{n:03d}", size=f"{n}", price="9") for n in range(60)
    ]
    for data in catalog_skus:
        catalog.create_sku(actor=None, product_id=product.pk, data=data)
    skus = list(Sku.objects.filter(product=product))
    services.post_moves(actor=None, moves=[MoveInput(s.pk, 5, MoveKind.RECEIPT) for s in skus])
    services.post_moves(actor=None, moves=[MoveInput(s.pk, -1, MoveKind.SALE) for s in skus])
    main = Warehouse.objects.get(code="main")
    for sku in skus[:20]:
        SkuBin.objects.create(sku=sku, bin=Bin.objects.get_or_create(warehouse=main, code="A")[0])
    StockPolicy.objects.update_or_create(pk=1, defaults={"warning_slow": 10})
    client = client_for("manager")
    # session, user, permissions (2), policy, count, page, bins, balances, warehouses (3),
    # velocity, the warehouse filter's choices, menu and queues of the layout
    with django_assert_max_num_queries(18):
        response = client.get("/stock/?below_warning=1&velocity=slow")
    assert len(response.context["rows"]) == 50
    with django_assert_max_num_queries(18):
        response = client.get("/stock/?page=2")
    assert len(response.context["rows"]) == 10


def test_sku_page_shows_balances_and_ledger_newest_first(client_for: Any, stocked: Product) -> None:
    sku = _sku("A-S")
    response = client_for("analyst").get(f"/stock/sku/{sku.pk}/")
    assert response.status_code == 200
    levels = {
        level.warehouse.code: (level.on_hand, level.reserved)
        for level in response.context["levels"]
    }
    assert levels == {"main": (10, 3), "annex": (4, 0)}
    assert response.context["available"] == 11
    moves = [(move.kind, move.quantity) for move in response.context["moves"].rows]
    assert moves == [("receipt", 4), ("sale", -2), ("receipt", 12)]
    assert response.context["sold"] == 2


def test_sku_page_pages_a_long_ledger(client_for: Any, db: Any) -> None:
    _product("P", sizes="S")
    services.post_moves(
        actor=None,
        moves=[MoveInput(_sku("P-S").pk, 1, MoveKind.RECEIPT, ref=f"R{n}") for n in range(55)],
    )
    client = client_for("warehouse")
    first = client.get(f"/stock/sku/{_sku('P-S').pk}/").context["moves"]
    second = client.get(f"/stock/sku/{_sku('P-S').pk}/?page=2").context["moves"]
    assert (len(first.rows), first.has_next, first.has_previous) == (50, True, False)
    assert (len(second.rows), second.has_next, second.has_previous) == (5, False, True)
    assert [move.ref for move in second.rows] == ["R4", "R3", "R2", "R1", "R0"]


def test_sku_page_of_an_unknown_sku_is_404(client_for: Any, db: Any) -> None:
    assert client_for("warehouse").get("/stock/sku/999999/").status_code == 404


def test_ledger_hides_unit_costs_from_the_warehouse(client_for: Any, db: Any) -> None:
    _product("C", sizes="S")
    services.post_move(
        actor=None,
        move=MoveInput(_sku("C-S").pk, 2, MoveKind.RECEIPT, unit_cost=Decimal("37.25")),
    )
    assert (
        "37.25" not in client_for("warehouse").get(f"/stock/sku/{_sku('C-S').pk}/").content.decode()
    )
    assert "37.25" in client_for("finance").get(f"/stock/sku/{_sku('C-S').pk}/").content.decode()


def test_alert_page_lists_the_most_urgent_first(client_for: Any, stocked: Product) -> None:
    _product("B", sizes="S")
    _move("B-S", 1)
    response = client_for("buyer").get("/stock/alerts/")
    rows = [(sku.merchant_code, alert.shortfall) for alert, sku in response.context["rows"]]
    assert rows == [("A-M", 2), ("B-S", 1)]
    assert "Units to reach it" in response.content.decode()
