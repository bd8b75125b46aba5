"""Many clients take the last units at once: exactly as many succeed as there were units.

On PostgreSQL 50 clients race for 10 units, through the service and through the real HTTP
API (a live server, one token per client). On SQLite the same runs gently (8 clients, 3
units): writers queue on IMMEDIATE transactions and busy_timeout, and no "database is
locked" may escape. Threads need a test database they can share: PostgreSQL, or SQLite in
a file (an in-memory SQLite test database is skipped, with the reason)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.authtoken.models import Token

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import (
    DailySkuSales,
    MoveKind,
    Reservation,
    StockLevel,
    StockMove,
    Warehouse,
)
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.staff.services import create_staff_member

# Transactional: each client thread needs committed rows. The flush after each test empties
# the tables; post_migrate then puts back the role groups and the `main` warehouse.
pytestmark = pytest.mark.django_db(transaction=True)


POSTGRES_RACE = (50, 10)  # clients, units available
SQLITE_RACE = (8, 3)
POSTGRES_SELLERS = 20
SQLITE_SELLERS = 6


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks under 50 concurrent connections")


def require_shared_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the 50-client tests")
    if connection.is_in_memory_db():
        pytest.skip(
            "threads cannot share an in-memory SQLite test database (shared-cache table "
            "locks fail at once); set DATABASES['default']['TEST']['NAME'] to a file"
        )


def race(clients: int, work: Callable[[int], str]) -> list[str]:
    """Run work(i) in `clients` threads released together; each thread has its own
    database connection, closed when it ends. Returns each outcome (or the error's repr)."""
    start = threading.Barrier(clients)
    outcomes: list[str] = [""] * clients

    def client(index: int) -> None:
        try:
            start.wait(timeout=30)
            outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 (reported in the assertion, not hidden)
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def stocked_sku(units: int) -> Any:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="RACE", title="抢购"),
        skus=[catalog.SkuInput(merchant_code="RACE-M", size="M", price="10")],
    )
    sku = product.skus.get()
    services.post_move(actor=None, move=services.MoveInput(sku.pk, units, MoveKind.RECEIPT))
    return sku


def reservations_race(clients: int, units: int) -> None:
    sku = stocked_sku(units)

    def take_one(index: int) -> str:
        try:
            services.reserve(
                actor=None,
                sku_id=sku.pk,
                quantity=1,
                source_type="order_line",
                source_id=str(index),
            )
        except InsufficientStock:
            return "out_of_stock"
        return "reserved"

    outcomes = race(clients, take_one)
    assert Counter(outcomes) == {"reserved": units, "out_of_stock": clients - units}
    level = StockLevel.objects.get(sku=sku)
    assert (level.on_hand, level.reserved, level.available) == (units, units, 0)
    assert Reservation.objects.count() == units
    assert ledger_differences() == []


def api_race(clients: int, units: int, live_server: Any) -> None:
    # Django's test server listens with a backlog of 10 and resets the connections beyond
    # it; a production server (gunicorn: 2048) queues them. Linux lets a listening socket
    # raise its backlog with another listen().
    live_server.thread.httpd.socket.listen(128)
    base_url = live_server.url
    sku = stocked_sku(units)
    tokens = [
        Token.objects.create(
            user=create_staff_member(
                username=f"packer-{index}", password="race-pass-9", roles=["warehouse"]
            )
        ).key
        for index in range(clients)
    ]

    def take_one(index: int) -> str:
        body = {"merchant_code": "RACE-M", "qty": -1, "kind": "adjustment", "ref": f"T{index}"}
        request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
            f"{base_url}/api/v1/stock/moves/",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {tokens[index]}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                return str(response.status)
        except urllib.error.HTTPError as error:
            return f"{error.code} {json.loads(error.read())['error']}"

    outcomes = race(clients, take_one)
    assert Counter(outcomes) == {"201": units, "409 out_of_stock": clients - units}
    level = StockLevel.objects.get(sku=sku)
    assert (level.on_hand, level.reserved) == (0, 0)
    assert StockMove.objects.filter(quantity=-1).count() == units
    assert ledger_differences() == []


@pytest.mark.postgres
def test_fifty_concurrent_reservations_take_exactly_the_ten_available() -> None:
    require_postgresql()
    reservations_race(*POSTGRES_RACE)


@pytest.mark.postgres
def test_fifty_concurrent_api_stock_outs_take_exactly_the_ten_available(live_server: Any) -> None:
    require_postgresql()
    api_race(*POSTGRES_RACE, live_server)


def test_concurrent_reservations_on_sqlite_take_exactly_what_is_available() -> None:
    require_shared_sqlite()
    reservations_race(*SQLITE_RACE)


def test_concurrent_api_stock_outs_on_sqlite_take_exactly_what_is_available(
    live_server: Any,
) -> None:
    require_shared_sqlite()
    api_race(*SQLITE_RACE, live_server)


def sales_race(clients: int) -> None:
    """Each client ships units of one SKU from its own warehouse, so no balance lock
    orders them: only the roll-up's upsert meets the others on the SKU's row of the day."""
    sku = stocked_sku(1)
    warehouses = [
        Warehouse.objects.create(code=f"wh{index}", name=f"仓{index}") for index in range(clients)
    ]
    services.post_moves(
        actor=None,
        moves=[
            services.MoveInput(sku.pk, 10, MoveKind.RECEIPT, warehouse_id=warehouse.pk)
            for warehouse in warehouses
        ],
    )

    def ship(index: int) -> str:
        services.post_moves(
            actor=None,
            moves=[
                services.MoveInput(
                    sku.pk, -(1 + index % 3), MoveKind.SALE, warehouse_id=warehouses[index].pk
                ),
                services.MoveInput(
                    sku.pk, 1, MoveKind.CUSTOMER_RETURN, warehouse_id=warehouses[index].pk
                ),
            ],
        )
        return "shipped"

    assert race(clients, ship) == ["shipped"] * clients
    assert list(DailySkuSales.objects.values_list("units", flat=True)) == [
        sum(index % 3 for index in range(clients))
    ]
    assert ledger_differences() == []


@pytest.mark.postgres
def test_concurrent_sales_of_one_sku_add_up_in_its_day_on_postgresql() -> None:
    require_postgresql()
    sales_race(POSTGRES_SELLERS)


def test_concurrent_sales_of_one_sku_add_up_in_its_day_on_sqlite() -> None:
    require_shared_sqlite()
    sales_race(SQLITE_SELLERS)
