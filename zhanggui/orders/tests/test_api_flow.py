"""The orders API over real HTTP (a live server on loopback, token auth), and many clients
at once: the same order posted concurrently is one order, and concurrent approvals never
promise more stock than there is.

PostgreSQL runs the races with 50 clients (real row locks); SQLite runs them gently
(IMMEDIATE transactions queue the writers). Threads need a database they can share: an
in-memory SQLite test database skips them, with the reason."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from zhanggui.inventory.models import MoveKind, Reservation, StockLevel, StockMove
from zhanggui.inventory.selectors import check_ledger, ledger_differences
from zhanggui.inventory.tests.test_concurrency import (
    race,
    require_postgresql,
    require_shared_sqlite,
)
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_order, make_skus
from zhanggui.orders.tests.stock_checks import assert_stock_exact
from zhanggui.orders.tests.test_api_orders import order_body
from zhanggui.staff.services import create_staff_member

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "flow-pass-9"  # noqa: S105 (a test login)


class Http:
    """A JSON client of the live server, as an integration would be."""

    def __init__(self, base_url: str, token: str = "") -> None:
        self.base_url = base_url
        self.token = token

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._call("POST", path, body)

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        return self._call("GET", path, None)

    def _call(self, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
            f"{self.base_url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def signed_in(live_server: Any, role: str) -> Http:
    username = f"{role}-{random.randrange(10**9)}"  # noqa: S311 (a test name)
    create_staff_member(username=username, password=PASSWORD, roles=[role])
    anonymous = Http(live_server.url)
    status, body = anonymous.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
    )
    assert status == 200, body
    return Http(live_server.url, body["token"])


def _levels(skus: list[Any]) -> list[tuple[int, int]]:
    return [
        (level.on_hand, level.reserved)
        for level in (StockLevel.objects.get(sku=sku) for sku in skus)
    ]


def test_an_order_goes_from_create_to_shipped_over_http(live_server: Any) -> None:
    skus = make_skus(None, "F1-S", "F1-M", "F1-L", on_hand=10)
    service = signed_in(live_server, "cs_presale")
    warehouse = signed_in(live_server, "warehouse")

    status, created = service.post("/api/v1/orders/", order_body(("F1-S", 2), ("F1-M", 1)))
    assert (status, created["status"]) == (201, "to_review")
    order_id = created["id"]
    status, again = service.post("/api/v1/orders/", order_body(("F1-S", 2), ("F1-M", 1)))
    assert (status, again["id"]) == (200, order_id)

    status, approved = service.post(f"/api/v1/orders/{order_id}/approve/", {})
    assert (status, approved["status"]) == (200, "approved")
    assert _levels(skus) == [(10, 2), (10, 1), (10, 0)]  # reserved exactly, nothing moved
    assert not StockMove.objects.filter(kind=MoveKind.SALE).exists()

    shipment = {"courier": "zto", "tracking_no": "ZT7788990011"}
    for _attempt in range(2):  # a client retrying after a lost answer ships once
        status, shipped = warehouse.post(f"/api/v1/orders/{order_id}/ship/", shipment)
        assert (status, shipped["status"]) == (200, "shipped")
    sales = StockMove.objects.filter(kind=MoveKind.SALE).order_by("quantity")
    assert list(sales.values_list("sku__merchant_code", "quantity", "ref")) == [
        ("F1-S", -2, "ZT7788990011"),
        ("F1-M", -1, "ZT7788990011"),
    ]
    assert _levels(skus) == [(8, 0), (9, 0), (10, 0)]

    status, detail = warehouse.get(f"/api/v1/orders/{order_id}/")
    assert status == 200
    assert (detail["status"], detail["courier"], detail["tracking_no"]) == (
        "shipped",
        "zto",
        "ZT7788990011",
    )
    status, listed = warehouse.get("/api/v1/orders/?status=shipped&order_no=3100000000000001")
    assert [order["id"] for order in listed["results"]] == [order_id]
    ledger = check_ledger()
    assert ledger.differences == []
    assert_stock_exact()


def test_errors_over_http_are_json_in_the_requested_language(live_server: Any) -> None:
    make_skus(None, "F2-S", on_hand=1)
    service = signed_in(live_server, "cs_presale")
    status, error = service.post("/api/v1/orders/", order_body(("F2-S", 0)))
    assert status == 400
    assert error["fields"]["lines[0].qty"] == ["Ensure this value is greater than or equal to 1."]
    _status, created = service.post("/api/v1/orders/", order_body(("F2-S", 3)))
    status, error = service.post(f"/api/v1/orders/{created['id']}/approve/", {})
    assert status == 409
    assert error == {
        "error": "out_of_stock",
        "detail": "Not enough stock to approve this order.",
        "lines": [{"merchant_code": "F2-S", "warehouse": "main", "requested": 3, "available": 1}],
    }
    status, error = Http(live_server.url).get("/api/v1/orders/")
    assert (status, error["error"]) == (401, "not_authenticated")


# ---------------------------------------------------------------- the same order at once


def duplicate_creates(clients: int, live_server: Any) -> None:
    # Django's test server listens with a backlog of 10; let the clients queue.
    live_server.thread.httpd.socket.listen(128)
    make_skus(None, "D1-S", on_hand=5)
    service = signed_in(live_server, "cs_presale")
    body = order_body(("D1-S", 1), order_no="3199999999999999")

    def post(_index: int) -> str:
        status, answer = service.post("/api/v1/orders/", body)
        return f"{status} {answer.get('id')}"

    outcomes = race(clients, post)
    order = Order.objects.get()
    assert Counter(outcomes) == {f"201 {order.pk}": 1, f"200 {order.pk}": clients - 1}
    assert order.lines.count() == 1


@pytest.mark.postgres
def test_fifty_clients_posting_one_order_make_one_order(live_server: Any) -> None:
    require_postgresql()
    duplicate_creates(50, live_server)


def test_clients_posting_one_order_at_once_on_sqlite_make_one_order(live_server: Any) -> None:
    require_shared_sqlite()
    duplicate_creates(6, live_server)


# ---------------------------------------------------------------- approvals at once


def approval_race(clients: int, units: int) -> None:
    """`clients` orders of the same three SKUs (lines in different orders, so a lock taken
    in line order would deadlock) approved at once; `units` of each SKU in stock."""
    skus = make_skus(None, "R1-A", "R1-B", "R1-C", on_hand=units)
    codes = ["R1-A", "R1-B", "R1-C"]
    orders = []
    for index in range(clients):
        lines = codes if index % 2 else list(reversed(codes))
        orders.append(make_order(None, *[(code, 1) for code in lines]).pk)
    ledger_before = ledger_differences()

    def approve(index: int) -> str:
        try:
            lifecycle.approve_order(actor=None, order_id=orders[index])
        except OrderOutOfStock:
            return "out_of_stock"
        return "approved"

    outcomes = race(clients, approve)
    assert Counter(outcomes) == {"approved": units, "out_of_stock": clients - units}
    assert Order.objects.filter(status=OrderStatus.APPROVED).count() == units
    assert _levels(skus) == [(units, units)] * 3
    assert Reservation.objects.count() == 3 * units
    assert ledger_before == ledger_differences() == []
    assert_stock_exact()


@pytest.mark.postgres
def test_fifty_concurrent_approvals_never_oversell() -> None:
    require_postgresql()
    approval_race(50, 10)


def test_concurrent_approvals_on_sqlite_never_oversell() -> None:
    require_shared_sqlite()
    approval_race(8, 3)


def test_the_races_ran_on_a_database_threads_can_share() -> None:
    # Guards the skips above: the project's test settings put SQLite in a file.
    assert connection.vendor == "postgresql" or not connection.is_in_memory_db()
