"""Random runs of every stock operation against a plain-Python model of the books.

After every step the balances must equal a recomputation from the ledger, stay within
0 <= reserved <= on_hand, match the model, and a refused operation must have changed
nothing. Each example runs inside its own atomic block that is rolled back, so examples
start from the same database (a savepoint inside the test's transaction)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhanggui.catalog import services as catalog
from zhanggui.core.errors import DomainError
from zhanggui.inventory import services
from zhanggui.inventory.exceptions import InsufficientStock, ReservationClosed, ReservationMismatch
from zhanggui.inventory.models import MoveKind, Reservation, StockLevel, StockMove, Warehouse
from zhanggui.inventory.selectors import ledger_differences

SKUS = 3
WAREHOUSES = 2

sku_index = st.integers(0, SKUS - 1)
warehouse_index = st.integers(0, WAREHOUSES - 1)
operation = st.one_of(
    st.tuples(st.just("receipt"), sku_index, warehouse_index, st.integers(1, 20)),
    st.tuples(st.just("adjust"), sku_index, warehouse_index, st.integers(-20, 20).filter(bool)),
    st.tuples(
        st.just("batch"),
        st.lists(
            st.tuples(sku_index, warehouse_index, st.integers(-15, 15).filter(bool)),
            min_size=1,
            max_size=4,
        ),
    ),
    st.tuples(
        st.just("reserve"), sku_index, warehouse_index, st.integers(1, 10), st.integers(0, 4)
    ),
    st.tuples(st.just("release"), st.integers(0, 30)),
    st.tuples(st.just("consume"), st.integers(0, 30)),
    st.tuples(st.just("transfer"), sku_index, warehouse_index, st.integers(1, 15)),
)


class Rollback(Exception):
    """Raised at the end of an example to undo it."""


@dataclass
class Books:
    """What the balances must be: on hand and reserved per (sku, warehouse), reservations."""

    on_hand: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    reserved: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    # reservation id -> (key, quantity, source_id, active)
    holds: dict[int, tuple[tuple[int, int], int, str, bool]] = field(default_factory=dict)

    def available(self, key: tuple[int, int]) -> int:
        return self.on_hand[key] - self.reserved[key]

    def active_hold(self, sku_id: int, source_id: str) -> tuple[int, Any] | None:
        for pk, hold in self.holds.items():
            if hold[0][0] == sku_id and hold[2] == source_id and hold[3]:
                return pk, hold
        return None


def snapshot() -> tuple[Any, ...]:
    return (
        sorted(StockLevel.objects.values_list("sku_id", "warehouse_id", "on_hand", "reserved")),
        StockMove.objects.count(),
        sorted(Reservation.objects.values_list("pk", "status")),
    )


def apply(
    step: tuple[Any, ...], books: Books, sku_ids: list[int], warehouse_ids: list[int]
) -> None:
    """Run one operation; assert it was refused exactly when the model says it must be."""
    name = step[0]

    def key(sku: int, warehouse: int) -> tuple[int, int]:
        return (sku_ids[sku], warehouse_ids[warehouse])

    if name in ("receipt", "adjust", "batch"):
        lines = [step[1:]] if name != "batch" else step[1]
        kind = MoveKind.RECEIPT if name == "receipt" else MoveKind.ADJUSTMENT
        moves = [
            services.MoveInput(key(s, w)[0], qty, kind, warehouse_id=key(s, w)[1])
            for s, w, qty in lines
        ]
        net: dict[tuple[int, int], int] = defaultdict(int)
        for s, w, qty in lines:
            net[key(s, w)] += qty
        short = [k for k, change in net.items() if change < 0 and books.available(k) < -change]
        if short:
            expect_refusal(InsufficientStock, services.post_moves, actor=None, moves=moves)
            return
        services.post_moves(actor=None, moves=moves)
        for k, change in net.items():
            books.on_hand[k] += change
    elif name == "transfer":
        _, sku, warehouse, qty = step
        source, target = key(sku, warehouse), key(sku, 1 - warehouse)
        call = {
            "actor": None,
            "sku_id": source[0],
            "from_warehouse_id": source[1],
            "to_warehouse_id": target[1],
            "quantity": qty,
        }
        if books.available(source) < qty:
            expect_refusal(InsufficientStock, services.transfer_stock, **call)
            return
        services.transfer_stock(**call)
        books.on_hand[source] -= qty
        books.on_hand[target] += qty
    elif name == "reserve":
        _, sku, warehouse, qty, line = step
        k = key(sku, warehouse)
        call = {
            "actor": None,
            "sku_id": k[0],
            "warehouse_id": k[1],
            "quantity": qty,
            "source_type": "order_line",
            "source_id": str(line),
        }
        held = books.active_hold(k[0], str(line))
        if held is not None:
            if held[1][0] == k and held[1][1] == qty:
                assert services.reserve(**call).pk == held[0]  # idempotent: nothing new
            else:
                expect_refusal(ReservationMismatch, services.reserve, **call)
            return
        if books.available(k) < qty:
            expect_refusal(InsufficientStock, services.reserve, **call)
            return
        reservation = services.reserve(**call)
        books.holds[reservation.pk] = (k, qty, str(line), True)
        books.reserved[k] += qty
    else:  # release or consume the n-th reservation made so far (or an unknown one)
        ids = sorted(books.holds)
        pk = ids[step[1] % len(ids)] if ids else 10**9
        close = services.release_reservation if name == "release" else services.consume_reservation
        hold = books.holds.get(pk)
        if hold is None or not hold[3]:
            expect_refusal(ReservationClosed, close, actor=None, reservation_id=pk)
            return
        close(actor=None, reservation_id=pk)
        k, qty, line, _ = hold
        books.holds[pk] = (k, qty, line, False)
        books.reserved[k] -= qty
        if name == "consume":
            books.on_hand[k] -= qty


def expect_refusal(error: type[DomainError], function: Any, **call: Any) -> None:
    before = snapshot()
    with pytest.raises(error):
        function(**call)
    assert snapshot() == before


def check_books(books: Books) -> None:
    assert ledger_differences() == []
    for sku_id, warehouse_id, on_hand, reserved in StockLevel.objects.values_list(
        "sku_id", "warehouse_id", "on_hand", "reserved"
    ):
        assert 0 <= reserved <= on_hand
        key = (sku_id, warehouse_id)
        assert (on_hand, reserved) == (books.on_hand[key], books.reserved[key])


@pytest.fixture
def places(db: Any) -> tuple[list[int], list[int]]:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="P1", title="性质"),
        skus=[
            catalog.SkuInput(merchant_code=f"P1-{n}", size=str(n), price="10") for n in range(SKUS)
        ],
    )
    sku_ids = sorted(product.skus.values_list("pk", flat=True))
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    return sku_ids, [Warehouse.objects.get(code="main").pk, annex.pk]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, max_size=25))
def test_balances_always_equal_the_ledger(
    places: tuple[list[int], list[int]], steps: list[tuple[Any, ...]]
) -> None:
    sku_ids, warehouse_ids = places
    books = Books()
    try:
        with transaction.atomic():
            for step in steps:
                apply(step, books, sku_ids, warehouse_ids)
                check_books(books)
            raise Rollback
    except Rollback:
        pass
    assert not StockMove.objects.exists()
