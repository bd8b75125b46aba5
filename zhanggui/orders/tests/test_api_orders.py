"""The orders API (API.md): shapes, idempotent create, approve, ship, errors. Permissions
per role are in tests/matrix_orders_api.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhanggui.inventory.models import MoveKind, Reservation, StockLevel, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import Flag, HoldReason, Order, OrderStatus
from zhanggui.orders.tests.factories import make_skus
from zhanggui.orders.tests.stock_checks import assert_stock_exact

DETAIL_FIELDS = {
    "id", "channel", "order_no", "status", "buyer_nick", "receiver", "lines", "paid_amount",
    "post_fee", "flag", "seller_memo", "buyer_message", "courier", "tracking_no", "created_at",
    "paid_at",
}  # fmt: skip
RECEIVER_FIELDS = {"name", "phone", "province", "city", "district", "address", "postcode"}


def order_body(*lines: tuple[str, int], order_no: str = "3100000000000001", **extra: Any) -> dict:
    body: dict[str, Any] = {
        "channel": "taobao",
        "order_no": order_no,
        "buyer_nick": "tb_小美",
        "receiver": {
            "name": "张三",
            "phone": "13812345678",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "address": "文三路90号东部软件园3号楼",
        },
        "lines": [{"merchant_code": code, "qty": qty, "price": "59.00"} for code, qty in lines],
        "post_fee": "10.00",
        "paid_at": "2026-11-11T00:03:15+08:00",
    }
    body.update(extra)
    return body


@pytest.fixture
def cs(api_client_for):
    return api_client_for("cs_presale")


@pytest.fixture
def warehouse(api_client_for):
    return api_client_for("warehouse")


@pytest.fixture
def skus(manager):
    return make_skus(manager, "A1-S", "A1-M", "A1-L", on_hand=5)


def _levels(skus) -> list[tuple[int, int]]:
    return [
        (level.on_hand, level.reserved)
        for level in (StockLevel.objects.get(sku=sku) for sku in skus)
    ]


def _create(client, body) -> dict:
    response = client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# ---------------------------------------------------------------- create


def test_create_answers_201_with_the_id_and_status(cs, skus):
    body = _create(cs, order_body(("A1-S", 2), ("A1-M", 1)))
    order = Order.objects.get()
    assert body == {"id": order.pk, "status": "to_review", "outcome": "created"}
    assert order.source == "api"
    assert order.paid_amount == Decimal("187.00")  # 2 × 59 + 59 + 10 post fee
    assert order.post_fee == Decimal("10.00")
    assert order.receiver_district == "西湖区"
    assert [(line.merchant_code, line.quantity, line.sku_id) for line in order.lines.all()] == [
        ("A1-S", 2, skus[0].pk),
        ("A1-M", 1, skus[1].pk),
    ]


def test_the_same_order_again_answers_200_with_the_same_id(cs, skus):
    first = _create(cs, order_body(("A1-S", 1)))
    again = cs.post("/api/v1/orders/", order_body(("A1-S", 1)), format="json")
    assert again.status_code == 200
    assert again.json() == {"id": first["id"], "status": "to_review", "outcome": "unchanged"}
    assert Order.objects.count() == 1


def test_a_changed_order_again_is_updated_not_duplicated(cs, skus):
    first = _create(cs, order_body(("A1-S", 1)))
    again = cs.post("/api/v1/orders/", order_body(("A1-S", 1), seller_memo="送小样"), format="json")
    assert again.status_code == 200
    assert again.json()["outcome"] == "updated"
    assert again.json()["id"] == first["id"]
    assert Order.objects.get().seller_memo == "送小样"


def test_an_unpaid_order_waits_for_payment_then_is_paid_when_sent_again(cs, skus):
    unpaid = order_body(("A1-S", 1))
    del unpaid["paid_at"]
    assert _create(cs, unpaid)["status"] == "awaiting_payment"
    paid = cs.post("/api/v1/orders/", order_body(("A1-S", 1)), format="json")
    assert paid.status_code == 200
    assert paid.json()["status"] == "to_review"
    assert Order.objects.get().paid_at is not None


def test_an_unknown_merchant_code_holds_the_order_instead_of_refusing_it(cs, skus):
    body = _create(cs, order_body(("A1-S", 1), ("NO-SUCH-CODE", 1)))
    assert body["status"] == "on_hold"
    detail = cs.get(f"/api/v1/orders/{body['id']}/").json()
    assert detail["holds"] == [HoldReason.UNMATCHED]
    assert [line["matched"] for line in detail["lines"]] == [True, False]


def test_optional_fields_are_kept(cs, skus):
    body = order_body(
        ("A1-S", 1),
        shop="",
        buyer_message="请发顺丰",
        seller_memo="VIP",
        flag="red",
        points=120,
        discount="5.00",
        created_at="2026-11-10T23:59:01+08:00",
        invoice_title="杭州某某公司",
    )
    body["receiver"]["postcode"] = "310012"
    body["lines"][0].update({"oid": "3100000000000001-1", "title": "连衣裙", "discount": "4.00"})
    order = Order.objects.get(pk=_create(cs, body)["id"])
    assert (order.buyer_message, order.seller_memo, order.flag) == ("请发顺丰", "VIP", Flag.RED)
    assert (order.points_used, order.discount_amount) == (120, Decimal("5.00"))
    assert order.receiver_postcode == "310012"
    assert order.invoice_title == "杭州某某公司"
    line = order.lines.get()
    assert (line.oid, line.title, line.paid_amount) == (
        "3100000000000001-1",
        "连衣裙",
        Decimal("55.00"),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body["lines"][2].update(qty=0), "lines[2].qty"),
        (lambda body: body["lines"][1].update(qty="2"), "lines[1].qty"),
        (lambda body: body["lines"][1].update(qty=1.5), "lines[1].qty"),
        (lambda body: body["lines"][0].update(price="59.001"), "lines[0].price"),
        (lambda body: body["lines"][0].update(price="-1.00"), "lines[0].price"),
        (lambda body: body["lines"][0].update(merchant_code=""), "lines[0].merchant_code"),
        (lambda body: body["lines"][0].update(qty=100_001), "lines[0].qty"),
        (lambda body: body.update(channel="pinduoduo"), "channel"),
        (lambda body: body.update(order_no=""), "order_no"),
        (lambda body: body.update(order_no="1" * 41), "order_no"),
        (lambda body: body.update(lines=[]), "lines"),
        (lambda body: body.pop("lines"), "lines"),
        (lambda body: body.update(post_fee="abc"), "post_fee"),
        (lambda body: body.update(paid_at="yesterday"), "paid_at"),
        (lambda body: body.update(flag="black"), "flag"),
        (lambda body: body["receiver"].update(phone="1" * 41), "receiver.phone"),
        (lambda body: body.update(shop="no-such-shop"), "shop"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(cs, skus, change, field):
    body = order_body(("A1-S", 1), ("A1-M", 1), ("A1-L", 1))
    change(body)
    response = cs.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "invalid"
    assert field in error["fields"], error
    assert error["detail"]
    assert not Order.objects.exists()


def test_error_detail_follows_the_request_language(cs, skus):
    body = order_body(("A1-S", 1))
    body["lines"][0]["qty"] = 0
    english = cs.post("/api/v1/orders/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["fields"]["lines[0].qty"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    chinese = cs.post("/api/v1/orders/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["fields"]["lines[0].qty"] != english.json()["fields"]["lines[0].qty"]


# ---------------------------------------------------------------- read


def test_detail_has_the_fields_of_api_md_in_their_formats(cs, skus):
    created = _create(
        cs,
        order_body(("A1-S", 2), created_at="2026-11-10T23:59:01+08:00", buyer_message="<b>快</b>"),
    )
    detail = cs.get(f"/api/v1/orders/{created['id']}/").json()
    assert set(detail) >= DETAIL_FIELDS
    assert set(detail["receiver"]) == RECEIVER_FIELDS
    assert detail["id"] == created["id"]
    assert (detail["channel"], detail["order_no"], detail["status"]) == (
        "taobao",
        "3100000000000001",
        "to_review",
    )
    assert detail["receiver"]["city"] == "杭州市"
    assert (detail["paid_amount"], detail["post_fee"], detail["flag"]) == (
        "128.00",
        "10.00",
        "none",
    )
    assert detail["buyer_message"] == "<b>快</b>"  # JSON carries text as sent; pages escape it
    assert detail["created_at"] == "2026-11-10T23:59:01+08:00"
    assert detail["paid_at"] == "2026-11-11T00:03:15+08:00"
    assert detail["received_at"].endswith("+08:00")
    assert (detail["courier"], detail["tracking_no"]) == ("", "")
    assert detail["lines"] == [
        {
            "id": detail["lines"][0]["id"],
            "oid": "",
            "merchant_code": "A1-S",
            "matched": True,
            "title": "",
            "properties": "",
            "qty": 2,
            "price": "59.00",
            "discount": "0.00",
            "paid_amount": "118.00",
            "refund_status": "none",
            "refund_amount": "0.00",
        }
    ]


def test_created_at_is_our_receipt_time_when_the_channel_gave_none(cs, skus):
    created = _create(cs, order_body(("A1-S", 1)))
    detail = cs.get(f"/api/v1/orders/{created['id']}/").json()
    assert detail["created_at"] == detail["received_at"]


def test_list_is_paged_and_filtered_by_status_and_order_number(cs, skus):
    _create(cs, order_body(("A1-S", 1), order_no="3100000000000001"))
    _create(cs, order_body(("A1-S", 1), order_no="3100000000000002"))
    _create(cs, order_body(("NO-SUCH", 1), order_no="3100000000000003"))
    everything = cs.get("/api/v1/orders/").json()
    assert everything["count"] == 3
    assert {"count", "next", "results"} <= set(everything)
    assert [order["order_no"] for order in everything["results"]] == [
        "3100000000000003",
        "3100000000000002",
        "3100000000000001",
    ]
    held = cs.get("/api/v1/orders/", {"status": "on_hold"}).json()
    assert [order["order_no"] for order in held["results"]] == ["3100000000000003"]
    one = cs.get("/api/v1/orders/", {"order_no": "3100000000000002", "status": "to_review"}).json()
    assert one["count"] == 1
    assert set(one["results"][0]) >= DETAIL_FIELDS
    paged = cs.get("/api/v1/orders/", {"page_size": 2}).json()
    assert len(paged["results"]) == 2
    assert paged["next"]


def test_list_refuses_an_unknown_status(cs):
    response = cs.get("/api/v1/orders/", {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_list_reads_lines_in_a_fixed_number_of_queries(cs, skus, django_assert_max_num_queries):
    for number in range(5):
        _create(cs, order_body(("A1-S", 1), ("A1-M", 1), order_no=f"31000000000000{number}"))
    # token + user + count + orders (with shops) + lines (+ permission groups)
    with django_assert_max_num_queries(8):
        assert cs.get("/api/v1/orders/").json()["count"] == 5


def test_an_unknown_order_is_a_json_404(cs):
    for response in (
        cs.get("/api/v1/orders/999999/"),
        cs.post("/api/v1/orders/999999/approve/", {}, format="json"),
        cs.get("/api/v1/orders/not-a-number/"),
    ):
        assert response.status_code == 404
        assert response.json()["error"] in {"not_found", "order_not_found"}


# ---------------------------------------------------------------- approve


def test_approve_reserves_exactly_the_lines(cs, skus):
    created = _create(cs, order_body(("A1-S", 2), ("A1-M", 1)))
    response = cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"id": created["id"], "status": "approved"}
    assert _levels(skus) == [(5, 2), (5, 1), (5, 0)]
    # Approving again answers 200 and reserves nothing more.
    again = cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json")
    assert again.json()["status"] == "approved"
    assert _levels(skus) == [(5, 2), (5, 1), (5, 0)]
    assert_stock_exact()


def test_approve_without_stock_is_409_listing_the_short_line_and_leaves_stock(cs, skus):
    created = _create(cs, order_body(("A1-S", 2), ("A1-M", 6)))
    response = cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json")
    assert response.status_code == 409
    error = response.json()
    assert error["error"] == "out_of_stock"
    assert error["detail"]
    assert error["lines"] == [
        {"merchant_code": "A1-M", "warehouse": "main", "requested": 6, "available": 5}
    ]
    assert _levels(skus) == [(5, 0), (5, 0), (5, 0)]
    assert not Reservation.objects.exists()
    order = Order.objects.get()
    assert (order.status, order.flag) == (OrderStatus.ON_HOLD, Flag.YELLOW)


def test_approve_of_an_order_with_blocking_holds_is_409_with_the_holds(cs, skus):
    created = _create(cs, order_body(("UNKNOWN", 1)))
    response = cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "order_held"
    assert response.json()["holds"] == [HoldReason.UNMATCHED]
    assert not Reservation.objects.exists()


def test_approve_of_an_unpaid_order_is_409_wrong_status(cs, skus):
    body = order_body(("A1-S", 1))
    del body["paid_at"]
    created = _create(cs, body)
    response = cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "wrong_status"
    assert not Reservation.objects.exists()


# ---------------------------------------------------------------- ship


def _approved(cs, *lines: tuple[str, int]) -> int:
    created = _create(cs, order_body(*lines))
    assert cs.post(f"/api/v1/orders/{created['id']}/approve/", {}, format="json").status_code == 200
    return int(created["id"])


def test_ship_posts_the_sale_once(cs, warehouse, skus):
    order_id = _approved(cs, ("A1-S", 2), ("A1-M", 1))
    body = {"courier": "sf", "tracking_no": "SF1234567890"}
    response = warehouse.post(f"/api/v1/orders/{order_id}/ship/", body, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "id": order_id,
        "status": "shipped",
        "courier": "sf",
        "tracking_no": "SF1234567890",
    }
    assert _levels(skus) == [(3, 0), (4, 0), (5, 0)]
    sales = StockMove.objects.filter(kind=MoveKind.SALE)
    assert sorted(sales.values_list("quantity", "ref")) == [
        (-2, "SF1234567890"),
        (-1, "SF1234567890"),
    ]
    again = warehouse.post(f"/api/v1/orders/{order_id}/ship/", body, format="json")
    assert again.status_code == 200
    assert sales.count() == 2
    assert _levels(skus) == [(3, 0), (4, 0), (5, 0)]
    detail = cs.get(f"/api/v1/orders/{order_id}/").json()
    assert (detail["status"], detail["courier"], detail["tracking_no"]) == (
        "shipped",
        "sf",
        "SF1234567890",
    )
    assert ledger_differences() == []


def test_ship_with_another_tracking_number_after_shipping_is_409(cs, warehouse, skus):
    order_id = _approved(cs, ("A1-S", 1))
    url = f"/api/v1/orders/{order_id}/ship/"
    warehouse.post(url, {"courier": "sf", "tracking_no": "SF1"}, format="json")
    response = warehouse.post(url, {"courier": "sf", "tracking_no": "SF2"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "wrong_status"
    assert StockMove.objects.filter(kind=MoveKind.SALE).count() == 1


def test_ship_before_approval_is_409_and_posts_nothing(cs, warehouse, skus):
    created = _create(cs, order_body(("A1-S", 1)))
    response = warehouse.post(
        f"/api/v1/orders/{created['id']}/ship/",
        {"courier": "sf", "tracking_no": "SF1"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "wrong_status"
    assert not StockMove.objects.filter(kind=MoveKind.SALE).exists()


def test_ship_needs_a_tracking_number(cs, warehouse, skus):
    order_id = _approved(cs, ("A1-S", 1))
    response = warehouse.post(f"/api/v1/orders/{order_id}/ship/", {"courier": "sf"}, format="json")
    assert response.status_code == 400
    assert "tracking_no" in response.json()["fields"]
    assert Order.objects.get().status == OrderStatus.APPROVED


# ---------------------------------------------------------------- schema


def test_the_schema_describes_the_order_endpoints(client, db):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/orders/",
        "/api/v1/orders/{id}/",
        "/api/v1/orders/{id}/approve/",
        "/api/v1/orders/{id}/ship/",
    } <= set(paths)
