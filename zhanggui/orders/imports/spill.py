"""A scratch database on disk for one import, so two files of 100,000 orders can be joined
(orders with their item rows, in any order) without holding either in memory.

Order rows and line rows go in as they are read, keyed by order number; the import then
takes the orders back a batch at a time with their lines, and asks which order numbers
came twice with different content and which item rows have no order."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

INSERT_CHUNK = 5000


@dataclass(frozen=True)
class SpilledRow:
    order_no: str
    row: int
    values: list[Any]


class Spill:
    """Use as a context manager; the scratch file is removed on exit."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="zhanggui-import-")
        self._db = sqlite3.connect(Path(self._directory.name) / "spill.sqlite3")
        # Scratch data: a crash loses nothing that the source files do not still have.
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA temp_store = FILE;
            CREATE TABLE orders (seq INTEGER PRIMARY KEY, order_no TEXT, row INTEGER,
                                 payload TEXT);
            CREATE TABLE lines (seq INTEGER PRIMARY KEY, order_no TEXT, row INTEGER,
                                payload TEXT);
            """
        )

    def __enter__(self) -> Spill:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._db.close()
        self._directory.cleanup()

    def add_rows(self, rows: Iterable[tuple[str, str, int, Sequence[Any]]]) -> None:
        """Store (table, order number, row, values) rows; table is "orders" or "lines"."""
        chunks: dict[str, list[tuple[str, int, str]]] = {"orders": [], "lines": []}
        for table, order_no, row, values in rows:
            chunk = chunks[table]
            chunk.append((order_no, row, json.dumps(values, ensure_ascii=False)))
            if len(chunk) >= INSERT_CHUNK:
                self._insert(table, chunk)
                chunk.clear()
        for table, chunk in chunks.items():
            self._insert(table, chunk)

    def _insert(self, table: str, chunk: list[tuple[str, int, str]]) -> None:
        if chunk:
            self._db.executemany(
                f"INSERT INTO {table} (order_no, row, payload) VALUES (?, ?, ?)",  # noqa: S608
                chunk,
            )

    def finish_loading(self) -> None:
        self._db.executescript(
            """
            CREATE INDEX orders_by_number ON orders (order_no, payload);
            CREATE INDEX lines_by_number ON lines (order_no, seq);
            """
        )

    def order_count(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(DISTINCT order_no) FROM orders").fetchone()
        return int(count)

    def conflicts(self) -> dict[str, list[int]]:
        """Order numbers given more than once with different content, with their rows."""
        found: dict[str, list[int]] = {}
        query = """
            SELECT order_no, row FROM orders WHERE order_no IN (
                SELECT order_no FROM orders GROUP BY order_no HAVING COUNT(DISTINCT payload) > 1
            ) ORDER BY seq
        """
        for order_no, row in self._db.execute(query):
            found.setdefault(order_no, []).append(row)
        return found

    def orphan_lines(self) -> Iterator[tuple[str, int]]:
        """(order number, row) of line rows whose order is in no order row."""
        query = """
            SELECT order_no, row FROM lines
            WHERE order_no NOT IN (SELECT order_no FROM orders) ORDER BY seq
        """
        yield from self._db.execute(query)

    def batches(self, size: int) -> Iterator[list[tuple[SpilledRow, list[SpilledRow]]]]:
        """Orders in file order, each order number once (an identical repeat is one order),
        with their line rows in file order, `size` orders at a time."""
        cursor = self._db.execute(
            """
            SELECT o.order_no, o.row, o.payload FROM orders o
            JOIN (SELECT MIN(seq) AS seq FROM orders GROUP BY order_no) first USING (seq)
            ORDER BY o.seq
            """
        )
        while True:
            fetched = cursor.fetchmany(size)
            if not fetched:
                return
            numbers = [order_no for order_no, _row, _payload in fetched]
            lines: dict[str, list[SpilledRow]] = {}
            # Old SQLite builds take at most 999 parameters a statement.
            for start in range(0, len(numbers), 500):
                chunk = numbers[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for order_no, row, payload in self._db.execute(
                    f"SELECT order_no, row, payload FROM lines WHERE order_no IN ({marks}) "  # noqa: S608
                    "ORDER BY seq",
                    chunk,
                ):
                    lines.setdefault(order_no, []).append(
                        SpilledRow(order_no, row, json.loads(payload))
                    )
            yield [
                (SpilledRow(order_no, row, json.loads(payload)), lines.get(order_no, []))
                for order_no, row, payload in fetched
            ]
