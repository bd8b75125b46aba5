"""The ledger's bulk writes, in SQL: a 100,000-move batch spends most of its time in the
ORM preparing each value (bulk_create) or in CASE WHEN lists that grow with the square of
the batch (bulk_update), and Django has no additive upsert for the daily sales roll-up.
Callers hold the balances' locks (inventory.services)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from django.db import connection

from zhanggui.inventory.models import DailySkuSales, StockLevel, StockMove

MOVE_COLUMNS: Final = (
    "sku_id", "warehouse_id", "bin_id", "kind", "quantity", "unit_cost", "source_type",
    "source_id", "ref", "note", "actor_id", "created_at",
)  # fmt: skip
ROWS_PER_INSERT: Final = 2000


def add_on_hand(changes: Sequence[tuple[int, int]], stamp: Any) -> None:
    """Add each change to its balance: [(stock level id, change)]. Relative, so a
    concurrent writer's change can never be overwritten; the on_hand >= 0 check constraint
    stays the last guard. PostgreSQL: one statement over two arrays; SQLite: one prepared
    statement run for every row (no round trips there)."""
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(stamp)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS level SET on_hand = level.on_hand + change.quantity, "  # noqa: S608 (our own table name)
                "updated_at = %s FROM unnest(%s::bigint[], %s::integer[]) AS change(id, quantity) "
                "WHERE level.id = change.id",
                [stamp, [level_id for level_id, _ in changes], [n for _, n in changes]],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET on_hand = on_hand + %s, updated_at = %s WHERE id = %s",  # noqa: S608 (our own table name)
            [(change, stamp, level_id) for level_id, change in changes],
        )


def add_daily_sales(changes: Sequence[tuple[int, date, int]]) -> None:
    """Add units to the daily sales roll-up: [(sku id, day, units)], one entry per SKU and
    day, sorted, so two batches lock their rows in the same order. A row is inserted, or
    added to when it is there (INSERT ... ON CONFLICT DO UPDATE, atomic on both databases,
    so a concurrent writer's units are never overwritten, unlike bulk_create's
    update_conflicts, which assigns). PostgreSQL: one statement over three arrays."""
    if not changes:
        return
    table = connection.ops.quote_name(DailySkuSales._meta.db_table)
    upsert = f"ON CONFLICT (sku_id, day) DO UPDATE SET units = {table}.units + excluded.units"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (sku_id, day, units) "  # noqa: S608 (our own table name)
                f"SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[]) {upsert}",
                [
                    [row[0] for row in changes],
                    [row[1] for row in changes],
                    [row[2] for row in changes],
                ],
            )
            return
        cursor.executemany(
            f"INSERT INTO {table} (sku_id, day, units) VALUES (%s, %s, %s) {upsert}",  # noqa: S608 (our own table name)
            [(sku_id, connection.ops.adapt_datefield_value(day), n) for sku_id, day, n in changes],
        )


def insert_moves(rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert moves given as tuples of MOVE_COLUMNS values; returns their ids in order."""
    if connection.vendor == "postgresql":
        return _copy_moves(rows)
    return _insert_returning(rows)


def _copy_moves(rows: Sequence[Sequence[Any]]) -> list[int]:
    # COPY is PostgreSQL's bulk path but returns nothing: take the ids from the sequence
    # first (one query), then load the rows with them.
    table = StockMove._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(("id", *MOVE_COLUMNS))
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
    return ids


def _insert_returning(rows: Sequence[Sequence[Any]]) -> list[int]:
    table = connection.ops.quote_name(StockMove._meta.db_table)
    marks = "(" + ", ".join(["%s"] * len(MOVE_COLUMNS)) + ")"
    per_insert = min(ROWS_PER_INSERT, _sqlite_parameters() // len(MOVE_COLUMNS))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_insert):
            chunk = rows[start : start + per_insert]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(MOVE_COLUMNS)}) "  # noqa: S608 (fixed names)
                f"VALUES {', '.join([marks] * len(chunk))} RETURNING id",
                [value for row in chunk for value in row],
            )
            # Rows come back in the order of VALUES, as Django's bulk_create relies on.
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _sqlite_parameters() -> int:
    """Parameters one statement may bind: the build's limit (Python 3.11+ can ask)."""
    connection.ensure_connection()
    getlimit = getattr(connection.connection, "getlimit", None)
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit else 999
