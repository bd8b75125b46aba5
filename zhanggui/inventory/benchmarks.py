"""Stock ledger benchmarks (`zhanggui bench --only inventory`).

Each runs on a freshly flushed database and builds what it needs; big fixtures (a ledger
of a million moves) are written straight into the tables, untimed, so that only the code
under test is measured."""

from __future__ import annotations

import contextlib
import random
import statistics
import threading
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from zhanggui.catalog.models import Product, Sku
from zhanggui.core.bench import benchmark
from zhanggui.inventory import daily_sales, services
from zhanggui.inventory.exceptions import InsufficientStock
from zhanggui.inventory.models import (
    DEFAULT_WAREHOUSE_CODE,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
    Warehouse,
)
from zhanggui.inventory.selectors import available_by_sku, check_ledger

SKUS_PER_PRODUCT: Final = 10
RACE_THREADS: Final = 16
RACE_SKUS: Final = 100
RACE_UNITS_PER_SKU: Final = 30
RACE_ATTEMPTS_PER_THREAD: Final = 250


@transaction.atomic
def make_skus(count: int) -> list[int]:
    """`count` SKUs, ten per product, inserted in bulk; returns their ids. Puts back the
    default warehouse that a migration made and the harness's flush took."""
    Warehouse.objects.get_or_create(
        code=DEFAULT_WAREHOUSE_CODE, defaults={"name": "主仓", "is_default": True}
    )
    products = Product.objects.bulk_create(
        [
            Product(item_no=f"BM{n:06d}", title=f"压测商品{n}")
            for n in range(count // SKUS_PER_PRODUCT)
        ],
        batch_size=1000,
    )
    Sku.objects.bulk_create(
        [
            Sku(
                product_id=product.pk,
                merchant_code=f"{product.item_no}-{index}",
                size=str(index),
                price=Decimal("59.00"),
            )
            for product in products
            for index in range(SKUS_PER_PRODUCT)
        ],
        batch_size=1000,
    )
    return list(Sku.objects.order_by("pk").values_list("pk", flat=True))


def _insert_rows(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Fixture rows straight into a table: COPY on PostgreSQL, one prepared INSERT run for
    every row on SQLite. Tens of times faster than the ORM for a million rows."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (fixed names)
            cursor.executemany(sql, list(rows))


def build_ledger(sku_ids: list[int], moves: int) -> None:
    """A ledger of `moves` moves spread over the SKUs in the default warehouse (a receipt
    of 100 first, then sales of 1 and returns), with balances and the daily sales roll-up
    equal to it."""
    warehouse_id = services.default_warehouse().pk
    per_sku = moves // len(sku_ids)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    totals: dict[int, int] = {}
    columns = (
        "sku_id", "warehouse_id", "kind", "quantity", "source_type", "source_id", "ref", "note",
        "created_at",
    )  # fmt: skip

    def rows() -> Iterable[tuple[Any, ...]]:
        for sku_id in sku_ids:
            total = 0
            for index in range(per_sku):
                if index == 0:
                    kind, quantity = MoveKind.RECEIPT.value, 100
                elif index % 10 == 0:
                    kind, quantity = MoveKind.CUSTOMER_RETURN.value, 1
                else:
                    kind, quantity = MoveKind.SALE.value, -1
                total += quantity
                yield (sku_id, warehouse_id, kind, quantity, "", "", "", "", now)
            totals[sku_id] = total

    with transaction.atomic():
        _insert_rows(StockMove, columns, rows())
        _insert_rows(
            StockLevel,
            ("sku_id", "warehouse_id", "on_hand", "reserved", "updated_at"),
            ((sku_id, warehouse_id, total, 0, now) for sku_id, total in totals.items()),
        )
        daily_sales.rebuild_from_ledger()


@benchmark(
    "inventory.post_100k_moves",
    unit="moves/s",
    higher_is_better=True,
    description="post_moves of one batch of 100,000 receipts over 10,000 SKUs",
)
def post_100k_moves() -> float:
    sku_ids = make_skus(10_000)
    moves = [
        services.MoveInput(sku_id, 1 + n % 5, MoveKind.RECEIPT, ref=f"RK-{n}")
        for n in range(10)
        for sku_id in sku_ids
    ]
    started = time.perf_counter()
    posted = services.post_moves(actor=None, moves=moves)
    elapsed = time.perf_counter() - started
    if len(posted) != 100_000 or StockLevel.objects.aggregate(n=Sum("on_hand"))["n"] != 300_000:
        raise RuntimeError("post_moves did not post the 100,000 moves")
    return len(posted) / elapsed


@benchmark(
    "inventory.available_10k_skus_1m_moves_ms",
    unit="ms",
    description="available_by_sku for 10,000 SKUs, ledger of 1,000,000 moves (median of 5)",
)
def available_10k_skus_1m_moves_ms() -> float:
    sku_ids = make_skus(10_000)
    build_ledger(sku_ids, 1_000_000)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        available = available_by_sku(sku_ids)
        timings.append((time.perf_counter() - started) * 1000)
    if len(available) != 10_000 or available[sku_ids[0]] != 100 - 90 + 9:
        raise RuntimeError(f"unexpected availability {available[sku_ids[0]]}")
    return statistics.median(timings)


@benchmark(
    "inventory.check_ledger_1m_moves_ms",
    unit="ms",
    description="the nightly ledger check (check-stock) over 1,000,000 moves, 10,000 SKUs",
)
def check_ledger_1m_moves_ms() -> float:
    build_ledger(make_skus(10_000), 1_000_000)
    started = time.perf_counter()
    result = check_ledger()
    elapsed = (time.perf_counter() - started) * 1000
    if result.checked != 10_000 or result.differences:
        raise RuntimeError("the ledger check found differences in a correct ledger")
    return elapsed


def _threads_share_the_database() -> bool:
    # An in-memory SQLite test database fails at once under threads (shared-cache locks).
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())  # type: ignore[attr-defined]


def reservation_race() -> tuple[float, int]:
    """16 threads, each with its own connection, reserve one unit at a time of 100 SKUs
    holding 30 units each, 4,000 attempts for 3,000 units. Returns (attempts per second,
    units promised beyond stock), after checking the ledger."""
    sku_ids = make_skus(RACE_SKUS)
    services.post_moves(
        actor=None,
        moves=[
            services.MoveInput(sku_id, RACE_UNITS_PER_SKU, MoveKind.RECEIPT) for sku_id in sku_ids
        ],
    )
    start = threading.Barrier(RACE_THREADS + 1)
    failures: list[str] = []

    def client(number: int) -> None:
        chooser = random.Random(number)  # noqa: S311 (load pattern, not secrets)
        try:
            start.wait()
            for attempt in range(RACE_ATTEMPTS_PER_THREAD):
                with contextlib.suppress(InsufficientStock):
                    services.reserve(
                        actor=None,
                        sku_id=chooser.choice(sku_ids),
                        quantity=1,
                        source_type="bench",
                        source_id=f"{number}-{attempt}",
                    )
        except Exception as error:  # noqa: BLE001 (reported after the run)
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(RACE_THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"reservation clients failed: {failures[:3]}")
    if check_ledger().differences:
        raise RuntimeError("balances differ from the ledger after the race")
    promised = dict(
        Reservation.objects.filter(status=ReservationStatus.ACTIVE)
        .values("sku_id")
        .annotate(n=Sum("quantity"))
        .values_list("sku_id", "n")
    )
    oversold = sum(max(0, units - RACE_UNITS_PER_SKU) for units in promised.values())
    return RACE_THREADS * RACE_ATTEMPTS_PER_THREAD / elapsed, oversold


@benchmark(
    "inventory.concurrent_reservations_pg",
    unit="reservations/s",
    higher_is_better=True,
    description=(
        "16 threads reserving one unit at a time, 4,000 attempts for 3,000 units over 100 "
        "SKUs (attempts/s, refusals included); 0 on an in-memory SQLite bench database, "
        "which threads cannot share"
    ),
)
def concurrent_reservations_pg() -> float:
    if not _threads_share_the_database():
        return 0.0
    rate, _oversold = reservation_race()
    return rate


@benchmark(
    "inventory.oversold_units",
    unit="units",
    description="units reserved beyond stock in the 16-thread reservation race; must be 0",
)
def oversold_units() -> float:
    if not _threads_share_the_database():
        return 0.0
    _rate, oversold = reservation_race()
    return float(oversold)


# The page benchmarks live in their own module; importing it registers them.
from zhanggui.inventory import benchmarks_ledger_pages  # noqa: E402, F401
