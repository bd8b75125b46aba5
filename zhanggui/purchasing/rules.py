"""Pure purchasing rules: the first-order cap, what a receipt makes of a PO, line amounts,
running balances. No ORM, no I/O; tested without a database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zhanggui.core.money import round_money
from zhanggui.purchasing.status import PurchaseOrderStatus


@dataclass(frozen=True)
class CapLine:
    merchant_code: str
    quantity: int
    is_new_style: bool  # its product was never on a placed purchase order


@dataclass(frozen=True)
class CapExcess:
    merchant_code: str
    quantity: int
    cap: int


def first_order_excess(lines: Iterable[CapLine], cap: int) -> list[CapExcess]:
    """Lines of new styles ordered above the first-order cap per SKU (DOMAIN.md §3: a new
    style's first order is at most a few pieces; re-orders are decided on sales)."""
    return [
        CapExcess(line.merchant_code, line.quantity, cap)
        for line in lines
        if line.is_new_style and line.quantity > cap
    ]


def status_after_receipt(lines: Iterable[tuple[int, int]]) -> PurchaseOrderStatus:
    """(ordered, received so far) per line → received when every line is complete."""
    if all(received >= ordered for ordered, received in lines):
        return PurchaseOrderStatus.RECEIVED
    return PurchaseOrderStatus.PARTLY_RECEIVED


def over_receipt(*, ordered: int, received: int, now: int) -> int:
    """Units beyond the ordered quantity that counting `now` more would receive."""
    # Units already received over the order (allowed earlier) do not count twice.
    return max(received + now - max(ordered, received), 0)


def line_amount(quantity: int, unit_cost: Decimal) -> Decimal:
    """Amount of a line, rounded per line so documents add up to the cent as printed."""
    return round_money(Decimal(quantity) * unit_cost)


@dataclass(frozen=True)
class BalanceRow:
    debit: Decimal
    credit: Decimal
    balance: Decimal


def running_balance(opening: Decimal, amounts: Sequence[Decimal]) -> list[BalanceRow]:
    """Statement rows: each signed amount as debit (owed more) or credit (paid) and the
    balance after it."""
    rows = []
    balance = opening
    zero = Decimal("0.00")
    for amount in amounts:
        balance += amount
        rows.append(BalanceRow(max(amount, zero), max(-amount, zero), balance))
    return rows
