"""What customer service does to the orders ticked in the review queue: approve (allocating
stock), hold with a reason, release the holds, flag with a memo, mark urgent. Each order in
its own transaction through lifecycle, so one refused order never undoes the others; the
result says which were done, which were short of stock and which were refused, and why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.models import Flag, HoldReason, Order
from zhanggui.orders.services import edits, lifecycle

MAX_ORDERS: Final = 500
MEMO_MAX: Final = 500


@dataclass
class BatchResult:
    done: list[str] = field(default_factory=list)  # order numbers
    out_of_stock: list[str] = field(default_factory=list)  # "order: merchant code×qty"
    refused: list[str] = field(default_factory=list)  # "order: why"


def _orders(order_ids: Sequence[int]) -> list[Order]:
    """The orders, the earliest paid first (they get the stock first)."""
    if len(order_ids) > MAX_ORDERS:
        raise InvalidInput({"order": [_("At most %(n)d orders at a time.") % {"n": MAX_ORDERS}]})
    orders = Order.objects.filter(pk__in=list(set(order_ids)))
    return list(orders.order_by("paid_at", "pk"))


def _each(order_ids: Sequence[int], act: Callable[[Order], object]) -> BatchResult:
    result = BatchResult()
    for order in _orders(order_ids):
        try:
            act(order)
        except OrderOutOfStock as error:
            short = ", ".join(
                f"{line['merchant_code']}×{line['requested']}" for line in error.lines
            )
            result.out_of_stock.append(f"{order}: {short}")
        except DomainError as error:
            result.refused.append(f"{order}: {error.message}")
        else:
            result.done.append(str(order))
    return result


def approve_orders(*, actor: Any, order_ids: Sequence[int], note: str = "") -> BatchResult:
    """Approve and allocate. Short of stock: the order goes to the out-of-stock tab
    flagged yellow, its stock untouched (lifecycle.approve_order)."""
    return _each(
        order_ids,
        lambda order: lifecycle.approve_order(actor=actor, order_id=order.pk, reason=note),
    )


def hold_orders(
    *, actor: Any, order_ids: Sequence[int], reason: str, note: str = ""
) -> BatchResult:
    if reason not in HoldReason.values:
        raise InvalidInput({"hold_reason": [_("Unknown hold reason.")]})
    why = note or str(HoldReason(reason).label)
    return _each(
        order_ids,
        lambda order: lifecycle.hold_order(
            actor=actor, order_id=order.pk, reasons=[reason], reason=why
        ),
    )


def release_orders(*, actor: Any, order_ids: Sequence[int], note: str = "") -> BatchResult:
    """Clear the holds a person may lift here. Unmatched lines, an unresolved address and
    a refund request stay until they are fixed where they belong (mapping, receiver,
    refund), so the order says they are still held."""

    def release(order: Order) -> None:
        blocking = [code for code in order.holds if code in lifecycle.BLOCKING_HOLDS]
        liftable = [code for code in order.holds if code not in lifecycle.BLOCKING_HOLDS]
        if order.holds and not liftable:
            labels = ", ".join(str(HoldReason(code).label) for code in blocking)
            raise DomainError(_("Fix these first: %(holds)s") % {"holds": labels})
        lifecycle.release_holds(actor=actor, order_id=order.pk, reasons=liftable, reason=note)

    return _each(order_ids, release)


def flag_orders(*, actor: Any, order_ids: Sequence[int], flag: str, memo: str = "") -> BatchResult:
    """Set the flag; a memo given is added to the seller memo on a line of its own (the
    reshipment courier and waybill go there, DOMAIN.md §5)."""
    if flag not in Flag.values:
        raise InvalidInput({"flag": [_("Unknown flag.")]})
    memo = memo.strip()
    if len(memo) > MEMO_MAX:
        raise InvalidInput({"memo": [_("At most %(n)d characters.") % {"n": MEMO_MAX}]})

    def flag_one(order: Order) -> None:
        with transaction.atomic():  # the memo is read and written under the order's lock
            locked = lifecycle.lock_order(order.pk)
            text = None
            if memo:
                current = locked.seller_memo.rstrip()
                text = f"{current}\n{memo}" if current else memo
            lifecycle.set_flag(actor=actor, order_id=order.pk, flag=flag, memo=text)

    return _each(order_ids, flag_one)


def mark_orders_urgent(*, actor: Any, order_ids: Sequence[int]) -> BatchResult:
    return _each(
        order_ids, lambda order: edits.set_urgent(actor=actor, order_id=order.pk, urgent=True)
    )
