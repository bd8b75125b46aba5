from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Sku
from zhanggui.inventory import services
from zhanggui.inventory.models import Bin, MoveKind, StockLevel, StockMove, Warehouse
from zhanggui.inventory.services import MoveInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def sku(db: Any) -> Sku:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="J1", title="牛仔裤"),
        skus=[catalog.SkuInput(merchant_code="J1-29", size="29", barcode="BCJ129", price="99")],
    )
    return product.skus.get()


@pytest.fixture
def main(db: Any) -> Warehouse:
    return Warehouse.objects.get(code="main")


def _level(sku: Sku, warehouse: Warehouse) -> tuple[int, int]:
    level = StockLevel.objects.filter(sku=sku, warehouse=warehouse).first()
    return (level.on_hand, level.reserved) if level else (0, 0)


def _adjust(client: Any, **changes: str) -> Any:
    data = {
        "sku": "J1-29",
        "warehouse": "main",
        "bin": "",
        "kind": "adjustment",
        "quantity": "5",
        "reason": "盘盈",
        "ref": "",
    }
    return client.post("/stock/adjust/", {**data, **changes})


def test_adjustment_posts_a_move_by_barcode_and_stays_on_the_form(
    client_for: Any, sku: Sku, main: Warehouse
) -> None:
    Bin.objects.create(warehouse=main, code="A-01")
    response = _adjust(client_for("warehouse"), sku="BCJ129", kind="receipt", bin="a-01")
    assert (response.status_code, response.url) == (
        302,
        "/stock/adjust/?warehouse=main&kind=receipt",
    )
    move = StockMove.objects.get()
    assert (move.kind, move.quantity, move.note, move.bin.code) == ("receipt", 5, "盘盈", "A-01")
    assert move.actor.username.startswith("warehouse")
    assert _level(sku, main) == (5, 0)


def test_adjustment_message_says_what_is_available_now(client_for: Any, sku: Sku) -> None:
    client = client_for("manager")
    response = _adjust(client, quantity="7")
    page = client.get(response.url).content.decode()
    assert "Manual adjustment +7 × J1-29" in page
    assert "7 available there." in page


def test_adjustment_below_available_is_refused_with_a_message_and_no_move(
    client_for: Any, sku: Sku, main: Warehouse
) -> None:
    services.post_move(actor=None, move=MoveInput(sku.pk, 3, MoveKind.RECEIPT))
    services.reserve(actor=None, sku_id=sku.pk, quantity=1, source_type="o", source_id="1")
    response = _adjust(client_for("warehouse"), quantity="-3")
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "J1-29 in main: only 2 available, 3 asked to take out." in errors
    assert StockMove.objects.count() == 1
    assert _level(sku, main) == (3, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),
        ({"kind": "sale"}, "kind"),
        ({"sku": "NOPE"}, "sku"),
        ({"bin": "Z-9"}, "bin"),
        ({"kind": "receipt", "quantity": "-2"}, "quantity"),
    ],
)
def test_adjustment_with_a_bad_value_says_which_and_posts_nothing(
    client_for: Any, sku: Sku, changes: dict[str, str], field: str
) -> None:
    response = _adjust(client_for("manager"), **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not StockMove.objects.exists()


def test_adjustment_form_is_prefilled_from_the_sku_page_link(client_for: Any, sku: Sku) -> None:
    form = client_for("warehouse").get("/stock/adjust/?sku=J1-29").context["form"]
    assert (form["sku"].value(), form["warehouse"].value(), form["kind"].value()) == (
        "J1-29",
        "main",
        "adjustment",
    )


def test_transfer_moves_stock_between_warehouses(
    client_for: Any, sku: Sku, main: Warehouse
) -> None:
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    services.post_move(actor=None, move=MoveInput(sku.pk, 5, MoveKind.RECEIPT))
    data = {"sku": "J1-29", "from_warehouse": "main", "to_warehouse": "annex", "quantity": "2"}
    response = client_for("warehouse").post("/stock/transfer/", data)
    assert response.status_code == 302
    assert (_level(sku, main), _level(sku, annex)) == ((3, 0), (2, 0))
    moves = StockMove.objects.filter(kind="transfer").order_by("quantity")
    assert [(m.warehouse.code, m.quantity) for m in moves] == [("main", -2), ("annex", 2)]


@pytest.mark.parametrize(
    ("quantity", "target", "message"),
    [
        ("9", "annex", "J1-29 in main: only 5 available, 9 asked to take out."),
        ("1", "main", "A transfer goes to another warehouse."),
    ],
)
def test_transfer_that_cannot_be_done_is_refused_and_posts_nothing(
    client_for: Any, sku: Sku, quantity: str, target: str, message: str
) -> None:
    Warehouse.objects.create(code="annex", name="二号仓")
    services.post_move(actor=None, move=MoveInput(sku.pk, 5, MoveKind.RECEIPT))
    data = {"sku": "J1-29", "from_warehouse": "main", "to_warehouse": target, "quantity": quantity}
    response = client_for("manager").post("/stock/transfer/", data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert StockMove.objects.count() == 1


def _dated(sku: Sku, quantity: int, kind: str, when: datetime, actor: Any = None) -> StockMove:
    move = services.post_move(actor=actor, move=MoveInput(sku.pk, quantity, kind))
    StockMove.objects.filter(pk=move.pk).update(created_at=when)
    return move


def _listed(response: Any) -> list[int]:
    return [move.quantity for move in response.context["moves"].rows]


def test_ledger_filters_by_kind_warehouse_person_sku_and_shop_days(
    client_for: Any, sku: Sku, make_user: Any
) -> None:
    packer = make_user("warehouse", username="packer")
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    # 00:30 on 3 March in Shanghai is still 2 March in UTC: it belongs to 3 March.
    _dated(sku, 10, "receipt", datetime(2026, 3, 2, 23, 0, tzinfo=SHANGHAI))
    _dated(sku, -1, "sale", datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI), actor=packer)
    _dated(sku, -2, "sale", datetime(2026, 3, 3, 23, 59, tzinfo=SHANGHAI))
    _dated(sku, 3, "adjustment", datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))
    services.post_move(actor=None, move=MoveInput(sku.pk, 4, "receipt", warehouse_id=annex.pk))
    client = client_for("finance")
    assert _listed(client.get("/stock/moves/")) == [4, 3, -2, -1, 10]
    assert _listed(client.get("/stock/moves/?kind=sale")) == [-2, -1]
    assert _listed(client.get("/stock/moves/?warehouse=annex")) == [4]
    assert _listed(client.get(f"/stock/moves/?person={packer.pk}")) == [-1]
    assert _listed(client.get("/stock/moves/?sku=BCJ129&kind=adjustment")) == [3]
    day = client.get("/stock/moves/?date_from=2026-03-03&date_to=2026-03-03")
    assert _listed(day) == [-2, -1]
    assert _listed(client.get("/stock/moves/?sku=OTHER")) == []


def test_ledger_shows_times_in_shanghai(client_for: Any, sku: Sku) -> None:
    _dated(sku, 10, "receipt", datetime(2026, 3, 2, 16, 30, tzinfo=ZoneInfo("UTC")))
    page = client_for("warehouse").get("/stock/moves/").content.decode()
    assert "2026-03-03 00:30" in page
