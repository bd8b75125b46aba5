from __future__ import annotations

from datetime import datetime

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.models import Bin, MoveKind, StockLevel, StockMove, Warehouse
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.inventory.services import MoveInput

STOCK = "/api/v1/stock/"
MOVES = "/api/v1/stock/moves/"


@pytest.fixture
def skus(db):
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="A1", title="接口"),
        skus=[catalog.SkuInput(merchant_code=f"A1-{size}", size=size, price="10") for size in "SM"],
    )
    return list(product.skus.order_by("merchant_code"))


@pytest.fixture
def sku(skus):
    return skus[1]  # A1-S


@pytest.fixture
def annex(db):
    return Warehouse.objects.create(code="annex", name="二号仓")


@pytest.fixture
def warehouse_api(api_client_for):
    return api_client_for("warehouse")


def receive(sku, quantity, warehouse=None):
    services.post_move(
        actor=None,
        move=MoveInput(sku.pk, quantity, MoveKind.RECEIPT, warehouse_id=warehouse and warehouse.pk),
    )


def post(client, **body):
    return client.post(MOVES, body, format="json")


def test_stock_of_one_sku_lists_each_warehouse_with_a_balance(api_client_for, sku, annex):
    receive(sku, 5)
    receive(sku, 2, annex)
    services.reserve(actor=None, sku_id=sku.pk, quantity=3, source_type="o", source_id="1")
    response = api_client_for("cs_presale").get(STOCK, {"merchant_code": "A1-S"})
    assert response.status_code == 200
    assert response.json() == [
        {"merchant_code": "A1-S", "warehouse": "main", "on_hand": 5, "reserved": 3, "available": 2},
        {
            "merchant_code": "A1-S",
            "warehouse": "annex",
            "on_hand": 2,
            "reserved": 0,
            "available": 2,
        },
    ]


def test_stock_of_a_sku_never_stocked_is_an_empty_list(api_client_for, sku):
    response = api_client_for("editor").get(STOCK, {"merchant_code": "A1-S"})
    assert response.status_code == 200
    assert response.json() == []


def test_stock_of_an_unknown_merchant_code_is_not_found(api_client_for, sku):
    response = api_client_for("editor").get(STOCK, {"merchant_code": "NOPE"})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_stock_without_merchant_code_is_a_paged_list_filterable_by_warehouse(
    api_client_for, skus, annex
):
    for sku in skus:
        receive(sku, 4)
    receive(skus[0], 1, annex)
    client = api_client_for("analyst")
    body = client.get(STOCK).json()
    assert body["count"] == 3
    assert [(row["merchant_code"], row["warehouse"]) for row in body["results"]] == [
        ("A1-M", "main"),
        ("A1-M", "annex"),
        ("A1-S", "main"),
    ]
    only_annex = client.get(STOCK, {"warehouse": "annex"}).json()
    assert only_annex["results"] == [
        {"merchant_code": "A1-M", "warehouse": "annex", "on_hand": 1, "reserved": 0, "available": 1}
    ]


def test_stock_list_queries_do_not_grow_with_the_page(
    api_client_for, skus, django_assert_max_num_queries
):
    for sku in skus:
        receive(sku, 4)
    client = api_client_for("analyst")
    with django_assert_max_num_queries(6):
        assert client.get(STOCK).json()["count"] == 2


def test_stock_filtered_by_an_unknown_warehouse_is_bad_input(api_client_for, sku):
    response = api_client_for("buyer").get(STOCK, {"warehouse": "nowhere"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["warehouse"]


def test_designer_may_not_read_stock(api_client_for, sku):
    assert api_client_for("designer").get(STOCK).status_code == 403


def test_post_receipt_returns_the_move_and_the_balance_it_left(warehouse_api, sku):
    receive(sku, 2)
    response = post(warehouse_api, merchant_code="A1-S", qty=10, kind="receipt", ref="RK-1")
    assert response.status_code == 201
    body = response.json()
    move = StockMove.objects.get(pk=body.pop("id"))
    created = datetime.fromisoformat(body.pop("created_at"))
    assert created == move.created_at
    assert created.utcoffset().total_seconds() == 8 * 3600
    assert body == {
        "merchant_code": "A1-S",
        "warehouse": "main",
        "bin": None,
        "qty": 10,
        "kind": "receipt",
        "ref": "RK-1",
        "note": "",
        "actor": move.actor.username,
        "on_hand": 12,
        "reserved": 0,
        "available": 12,
    }
    assert move.actor.username.startswith("warehouse")
    assert ledger_differences() == []


def test_post_to_a_named_warehouse_and_bin(warehouse_api, sku, annex):
    Bin.objects.create(warehouse=annex, code="B-02")
    response = post(
        warehouse_api, merchant_code="A1-S", warehouse="annex", bin="B-02", qty=3, kind="receipt"
    )
    assert response.status_code == 201
    assert (response.json()["warehouse"], response.json()["bin"]) == ("annex", "B-02")
    assert StockLevel.objects.get(sku=sku, warehouse=annex).on_hand == 3


def test_stock_out_beyond_available_is_out_of_stock_and_posts_nothing(warehouse_api, sku):
    receive(sku, 3)
    services.reserve(actor=None, sku_id=sku.pk, quantity=2, source_type="o", source_id="1")
    response = post(warehouse_api, merchant_code="A1-S", qty=-2, kind="adjustment")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "out_of_stock"
    assert body["detail"]
    assert body["lines"] == [
        {"merchant_code": "A1-S", "warehouse": "main", "requested": 2, "available": 1}
    ]
    assert StockMove.objects.count() == 1
    level = StockLevel.objects.get(sku=sku)
    assert (level.on_hand, level.reserved) == (3, 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"qty": 0}, "qty"),
        ({"qty": 1.5}, "qty"),
        ({"qty": 2.0}, "qty"),
        ({"qty": "1.5"}, "qty"),
        ({"qty": "2"}, "qty"),
        ({"qty": True}, "qty"),
        ({"qty": None}, "qty"),
        ({"qty": 10**9}, "qty"),
        ({"qty": -3}, "qty"),  # a receipt only adds stock
        ({"kind": "sale"}, "kind"),
        ({"kind": "transfer"}, "kind"),
        ({"kind": "theft"}, "kind"),
        ({"merchant_code": "NOPE"}, "merchant_code"),
        ({"warehouse": "nowhere"}, "warehouse"),
        ({"bin": "Z-99"}, "bin"),
        ({"ref": "x" * 101}, "ref"),
    ],
)
def test_bad_move_is_refused_naming_the_field_and_posts_nothing(warehouse_api, sku, changes, field):
    receive(sku, 5)
    body = {"merchant_code": "A1-S", "qty": 2, "kind": "receipt", **changes}
    response = post(warehouse_api, **body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert StockMove.objects.count() == 1
    assert StockLevel.objects.get(sku=sku).on_hand == 5


@pytest.mark.parametrize("missing", ["merchant_code", "qty", "kind"])
def test_move_without_a_required_field_is_refused(warehouse_api, sku, missing):
    body = {"merchant_code": "A1-S", "qty": 2, "kind": "receipt"}
    del body[missing]
    response = post(warehouse_api, **body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [missing]
    assert not StockMove.objects.exists()


def test_customer_service_may_not_post_moves(api_client_for, sku):
    response = post(api_client_for("cs_presale"), merchant_code="A1-S", qty=2, kind="receipt")
    assert response.status_code == 403
    assert not StockMove.objects.exists()


def test_moves_cannot_be_listed_through_the_post_address(warehouse_api, sku):
    assert warehouse_api.get(MOVES).status_code == 405


def test_stock_endpoints_are_in_the_openapi_document(api_client_for, sku):
    schema = api_client_for("manager").get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/stock/", "/api/v1/stock/moves/"} <= set(schema["paths"])
    body = schema["components"]["schemas"]["MoveCreate"]
    assert set(body["required"]) == {"merchant_code", "qty", "kind"}


@pytest.mark.parametrize(("path", "role"), [(STOCK, "analyst"), (MOVES, "warehouse")])
def test_stock_endpoints_describe_themselves(api_client_for, path, role):
    assert api_client_for(role).options(path).status_code == 200
