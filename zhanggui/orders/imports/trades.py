"""One trade read from the files: the OrderInput for intake, where each part of it came
from (file and row), and every problem found, named by file, row and column header."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, TypeVar

from zhanggui.core.errors import RowError
from zhanggui.core.money import round_money
from zhanggui.orders.imports.files import Layout
from zhanggui.orders.imports.values import CellError
from zhanggui.orders.services.inputs import OrderInput

T = TypeVar("T")
_LINE_FIELD: Final = re.compile(r"lines\[(\d+)\]\.(\w+)")
# OrderInput fields a file may not carry at all; an order we hold keeps its own value then,
# so importing an export without a flag column does not take flags off.
KEEPABLE: Final = ("flag", "seller_memo", "buyer_message", "invoice_title")


@dataclass(frozen=True)
class Ref:
    file: str
    row: int


@dataclass(frozen=True)
class FieldMap:
    """Which column holds each intake field, to name the column of a problem intake finds."""

    order_layout: Layout
    line_layout: Layout
    order_fields: Mapping[str, str]  # intake field ("receiver.name") -> column key
    line_fields: Mapping[str, str]  # intake line field ("qty") -> column key


@dataclass
class Trade:
    order_no: str
    order_ref: Ref
    line_refs: list[Ref]
    fields: FieldMap
    data: OrderInput | None = None
    errors: list[RowError] = field(default_factory=list)
    # OrderInput fields whose column the file lacks: kept from the order we hold.
    kept: frozenset[str] = frozenset()

    def add_error(self, ref: Ref, column: str, message: Any) -> None:
        self.errors.append(RowError(file=ref.file, row=ref.row, field=column, message=message))

    def add_problem(self, name: str, message: Any) -> None:
        """A problem intake found, given by its field name (`paid_at`, `lines[2].qty`)."""
        line = _LINE_FIELD.fullmatch(name)
        if line and 0 < int(line.group(1)) <= len(self.line_refs):
            key = self.fields.line_fields.get(line.group(2), line.group(2))
            self.add_error(
                self.line_refs[int(line.group(1)) - 1], self.fields.line_layout.label(key), message
            )
            return
        key = self.fields.order_fields.get(name, name)
        self.add_error(self.order_ref, self.fields.order_layout.label(key), message)


class Cells:
    """Reads one record's cells for a trade, turning each bad cell into a row error."""

    __slots__ = ("_index", "_values", "layout", "ref", "trade")

    def __init__(
        self,
        trade: Trade,
        ref: Ref,
        layout: Layout,
        index: Mapping[str, int],
        values: Sequence[Any],
    ) -> None:
        self.trade = trade
        self.ref = ref
        self.layout = layout
        self._index = index  # column key -> position in `values`
        self._values = values

    def has(self, key: str) -> bool:
        return self._values[self._index[key]] is not None

    def __getitem__(self, key: str) -> str:
        value = self._values[self._index[key]]
        return value.strip() if value else ""

    def read(self, key: str, parse: Callable[[str], T], fallback: T) -> T:
        try:
            return parse(self._values[self._index[key]] or "")
        except CellError as error:
            self.trade.add_error(self.ref, self.layout.label(key), str(error))
            return fallback


def key_index(keys: Sequence[str]) -> dict[str, int]:
    return {key: position for position, key in enumerate(keys)}


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` over lines in proportion to `weights`, to the cent, summing exactly
    (the rounding difference goes to the heaviest line)."""
    if not weights:
        return []
    whole = sum(weights, Decimal("0"))
    if whole <= 0:
        shares = [Decimal("0.00")] * len(weights)
        shares[0] = round_money(total)
        return shares
    shares = [round_money(total * weight / whole) for weight in weights]
    heaviest = max(range(len(weights)), key=lambda index: weights[index])
    shares[heaviest] += round_money(total) - sum(shares, Decimal("0"))
    return shares
