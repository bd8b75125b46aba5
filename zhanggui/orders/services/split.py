"""Splitting (拆单): part of an order ships now, the rest later.

Each part is still the same channel trade: the same channel, shop and order number, the
next `part` number, `split_from` pointing at the channel's order (part 0), and every line
keeps its sub-order id (oid). Amounts are divided pro rata by the lines' paid amounts, to
the cent, so the parts always add up to what the channel's order said.

Stock: the new part always goes to review without stock. Splitting an approved order
gives the moved units back (the moved lines' reservations are released and the lines
that stay re-reserved for what is left), so reserved stock is always exactly what
approved orders need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.core.money import round_money
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel
from zhanggui.orders.exceptions import OrderNotFound
from zhanggui.orders.models import (
    DecisionAction,
    Flag,
    HoldReason,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    RefundStatus,
    holds_text,
)
from zhanggui.orders.services import lifecycle

SPLITTABLE = frozenset({OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD, OrderStatus.APPROVED})
# Holds that follow the lines: worked out again for each part after a split.
LINE_HOLDS = frozenset({HoldReason.UNMATCHED, HoldReason.REFUND})
# What a new part takes over from the order it is split from.
COPIED_FIELDS = (
    "channel",
    "shop_id",
    "order_no",
    "channel_status",
    "buyer_nick",
    "customer_id",
    "receiver_name",
    "receiver_phone",
    "receiver_province",
    "receiver_city",
    "receiver_district",
    "receiver_address",
    "receiver_postcode",
    "ordered_at",
    "paid_at",
    "channel_modified_at",
    "buyer_message",
    "buyer_message_answered_at",
    "seller_memo",
    "flag",
    "invoice_title",
    "is_urgent",
    "courier",
)
AMOUNT_FIELDS = ("goods_amount", "paid_amount", "post_fee", "discount_amount")


class NotSplittable(Conflict):
    code = "not_splittable"
    default_message = gettext_lazy("This order cannot be split.")


def share(amount: Decimal, numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """`amount` × numerator / denominator, to the cent (half up); the whole when equal."""
    if numerator == denominator:
        return amount
    with localcontext() as context:
        context.prec = 60  # amount × numerator can pass the default 28 digits
        return round_money(amount * Decimal(numerator) / Decimal(denominator))


def _share_units(units: int, numerator: Decimal | int, denominator: Decimal | int) -> int:
    if numerator == denominator:
        return units
    with localcontext() as context:
        context.prec = 60
        value = Decimal(units) * Decimal(numerator) / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_order(
    *,
    actor: Any,
    order_id: int,
    parts: Mapping[int, int],
    reason: str = "",
    rule: str = "",
) -> Order:
    """Move `parts` ({line id: units}) of an unprinted order into a new part and return
    the new part, which goes to review. Raises InvalidInput (a line not on the order, a
    quantity out of range, nothing chosen), NotSplittable (printed, merged into another
    order, every unit chosen), OrderNotFound."""
    with transaction.atomic():
        order = _lock_for_split(order_id)
        lines = list(order.lines.order_by("pk"))
        moves = _checked_moves(lines, parts)
        return _split(actor, order, lines, moves, reason=reason, rule=rule)


def split_out_of_stock(*, actor: Any, order_id: int, reason: str = "", rule: str = "") -> Order:
    """Move what cannot be allocated now (short units, unmatched lines) into a new part,
    held as out of stock with a yellow flag, so the rest can be approved and ship today.
    Returns the new part. Raises NotSplittable when everything or nothing can be
    allocated, or the order is approved, printed or merged."""
    with transaction.atomic():
        order = _lock_for_split(order_id)
        if order.status == OrderStatus.APPROVED:
            raise NotSplittable(_("The order is approved: its stock is already allocated."))
        if Order.objects.filter(merged_into=order).exists():
            raise NotSplittable(_("Other orders are merged into this one: unmerge them first."))
        lines = list(order.lines.order_by("pk"))
        short = unallocatable(lines)
        if not short:
            raise NotSplittable(_("Every line can be allocated now: approve the order instead."))
        wanted = sum(line.quantity for line in lines if line.refund_status != RefundStatus.REFUNDED)
        if sum(short.values()) >= wanted:
            raise NotSplittable(_("Nothing on this order can be allocated now."))
        moves = _checked_moves(lines, short)
        return _split(
            actor,
            order,
            lines,
            moves,
            reason=reason or _("Not in stock now"),
            rule=rule,
            out_of_stock=True,
        )


def unallocatable(lines: Sequence[OrderLine]) -> dict[int, int]:
    """Units of each line that approval could not allocate now ({line id: units}), the
    earlier lines served first from the default warehouse, as approval reserves. An
    unmatched line cannot be allocated at all; a refunded one needs nothing."""
    sku_ids = sorted({line.sku_id for line in lines if line.sku_id})
    free = {
        sku_id: on_hand - reserved
        for sku_id, on_hand, reserved in StockLevel.objects.filter(
            warehouse=stock.default_warehouse(), sku_id__in=sku_ids
        ).values_list("sku_id", "on_hand", "reserved")
    }
    short: dict[int, int] = {}
    for line in lines:
        if line.refund_status == RefundStatus.REFUNDED:
            continue
        if line.sku_id is None:
            short[line.pk] = line.quantity
            continue
        taken = min(line.quantity, max(free.get(line.sku_id, 0), 0))
        free[line.sku_id] = free.get(line.sku_id, 0) - taken
        if taken < line.quantity:
            short[line.pk] = line.quantity - taken
    return short


def _lock_for_split(order_id: int) -> Order:
    found = Order.objects.filter(pk=order_id).first()
    if found is None:
        raise OrderNotFound()
    # The channel's order (part 0) is locked first, so two splits of one trade take their
    # part numbers one after the other.
    list(
        Order.objects.select_for_update().filter(
            channel=found.channel, shop_id=found.shop_id, order_no=found.order_no, part=0
        )
    )
    order = lifecycle.lock_order(order_id)
    if order.status not in SPLITTABLE:
        raise NotSplittable(
            _("Order %(order)s is %(status)s: only orders not yet printed can be split.")
            % {"order": order, "status": order.get_status_display()}
        )
    if order.merged_into_id is not None:
        raise NotSplittable(
            _("Order %(order)s ships in another order's parcel: take it out first.")
            % {"order": order}
        )
    return order


def _checked_moves(
    lines: Sequence[OrderLine], parts: Mapping[int, int]
) -> list[tuple[OrderLine, int]]:
    by_id = {line.pk: line for line in lines}
    errors: dict[str, list[Any]] = {}
    moves: list[tuple[OrderLine, int]] = []
    for line_id, quantity in parts.items():
        line = by_id.get(int(line_id))
        if line is None:
            errors.setdefault("parts", []).append(
                _("Line %(line)s is not on this order.") % {"line": line_id}
            )
        elif isinstance(quantity, bool) or not isinstance(quantity, int):
            errors.setdefault(f"parts[{line_id}]", []).append(_("A whole number of units."))
        elif not 0 < quantity <= line.quantity:
            errors.setdefault(f"parts[{line_id}]", []).append(
                _("Between 1 and %(n)d units.") % {"n": line.quantity}
            )
        else:
            moves.append((line, quantity))
    if errors:
        raise InvalidInput(errors)
    if not moves:
        raise InvalidInput({"parts": [_("Choose what to move to the new part.")]})
    if sum(quantity for _line, quantity in moves) >= sum(line.quantity for line in lines):
        raise NotSplittable(_("Leave at least one unit on the order: this would move all of it."))
    # Balances are locked in SKU order everywhere, so two flows never deadlock.
    return sorted(moves, key=lambda move: (move[0].sku_id or 0, move[0].pk))


def _line_holds(lines: Sequence[OrderLine]) -> list[str]:
    holds: list[str] = []
    if any(line.sku_id is None for line in lines):
        holds.append(HoldReason.UNMATCHED)
    if any(line.refund_status == RefundStatus.REQUESTED for line in lines):
        holds.append(HoldReason.REFUND)
    return holds


def _give_back_stock(actor: Any, moves: Sequence[tuple[OrderLine, int]]) -> None:
    """Release the moved units of an approved order: each moved line's reservation is
    released and what stays on the line reserved again (from the same warehouse, which
    cannot fail: the units were just released)."""
    held = {
        reservation.source_id: reservation
        for reservation in Reservation.objects.filter(
            source_type=lifecycle.RESERVATION_SOURCE,
            source_id__in=[str(line.pk) for line, _quantity in moves],
            status=ReservationStatus.ACTIVE,
        )
    }
    for line, quantity in moves:
        reservation = held.get(str(line.pk))
        if reservation is None:  # a refunded line holds nothing
            continue
        stock.release_reservation(actor=actor, reservation_id=reservation.pk)
        if quantity < line.quantity:
            stock.reserve(
                actor=actor,
                sku_id=reservation.sku_id,
                quantity=line.quantity - quantity,
                source_type=lifecycle.RESERVATION_SOURCE,
                source_id=str(line.pk),
                warehouse_id=reservation.warehouse_id,
            )


def _new_part(order: Order, ratio: tuple[Decimal | int, Decimal | int]) -> Order:
    trade = Order.objects.filter(
        channel=order.channel, shop_id=order.shop_id, order_no=order.order_no
    )
    number = (trade.aggregate(last=Max("part"))["last"] or 0) + 1
    part = Order(
        **{name: getattr(order, name) for name in COPIED_FIELDS},
        part=number,
        source=OrderSource.SPLIT,
        split_from_id=order.split_from_id or order.pk,
        points_used=_share_units(order.points_used, *ratio),
    )
    for name in AMOUNT_FIELDS:
        setattr(part, name, share(getattr(order, name), *ratio))
    return part


def _move_lines(
    part: Order, moves: Sequence[tuple[OrderLine, int]]
) -> dict[str, dict[str, str | None]]:
    """Move the units onto the part: a whole line moves as it is, a partial one leaves a
    new line (same oid) with its share of the discount, paid and refund amounts."""
    changes: dict[str, dict[str, str | None]] = {}
    for line, quantity in moves:
        label = f"line {line.pk} {line.merchant_code or line.title} quantity"
        changes[label] = {"before": str(line.quantity), "after": str(line.quantity - quantity)}
        if quantity == line.quantity:
            line.order = part
            line.save(update_fields=["order"])
            continue
        moved = {
            name: share(getattr(line, name), quantity, line.quantity)
            for name in ("discount", "paid_amount", "refund_amount")
        }
        OrderLine.objects.create(
            order=part,
            oid=line.oid,
            sku_id=line.sku_id,
            merchant_code=line.merchant_code,
            title=line.title,
            properties=line.properties,
            quantity=quantity,
            price=line.price,
            refund_status=line.refund_status,
            **moved,
        )
        line.quantity -= quantity
        for name, amount in moved.items():
            setattr(line, name, getattr(line, name) - amount)
        line.save(update_fields=["quantity", "discount", "paid_amount", "refund_amount"])
    return changes


def _split(
    actor: Any,
    order: Order,
    lines: Sequence[OrderLine],
    moves: Sequence[tuple[OrderLine, int]],
    *,
    reason: str,
    rule: str,
    out_of_stock: bool = False,
) -> Order:
    total_paid = sum((line.paid_amount for line in lines), Decimal("0.00"))
    moved_paid = sum(
        (share(line.paid_amount, quantity, line.quantity) for line, quantity in moves),
        Decimal("0.00"),
    )
    ratio: tuple[Decimal | int, Decimal | int] = (moved_paid, total_paid)
    if total_paid <= 0:  # free goods only: divide by units instead
        ratio = (sum(q for _line, q in moves), sum(line.quantity for line in lines))
    if order.status == OrderStatus.APPROVED:
        _give_back_stock(actor, moves)
    part = _new_part(order, ratio)
    kept = [code for code in order.holds if code not in LINE_HOLDS]
    if out_of_stock:
        kept = [code for code in kept if code != HoldReason.OUT_OF_STOCK]
        part.flag = Flag.YELLOW
    whole = {line.pk for line, quantity in moves if quantity == line.quantity}
    part_holds = [*kept, *_line_holds([line for line, _quantity in moves])]
    if out_of_stock:
        part_holds.append(HoldReason.OUT_OF_STOCK)
    holds = [*kept, *_line_holds([line for line in lines if line.pk not in whole])]
    part.set_holds(part_holds)
    part.status = OrderStatus.ON_HOLD if part_holds else OrderStatus.TO_REVIEW
    part.save()
    line_changes = _move_lines(part, moves)
    audit.record_creation(
        actor=actor, instance=part, fields=("status", "part", "split_from", "paid_amount")
    )
    status = order.status
    if status != OrderStatus.APPROVED:
        status = OrderStatus.ON_HOLD if holds else OrderStatus.TO_REVIEW
    note = _("Split into %(part)s") % {"part": part}
    lifecycle.set_status(
        actor,
        order,
        status,
        note=note,
        hold_reasons=holds_text(holds),
        points_used=order.points_used - part.points_used,
        **{name: getattr(order, name) - getattr(part, name) for name in AMOUNT_FIELDS},
    )
    audit.record(
        actor=actor,
        instance=order,
        action=audit.AuditAction.UPDATE,
        changes=line_changes,
        note=note,
    )
    moved = ", ".join(f"{line.merchant_code or line.title}×{quantity}" for line, quantity in moves)
    what = _("%(lines)s moved to %(part)s") % {"lines": moved, "part": part}
    lifecycle.decide(
        order, DecisionAction.SPLIT, actor=actor, rule=rule, reason=_join(what, reason)
    )
    came = _("Split from %(order)s: %(lines)s") % {"order": order, "lines": moved}
    lifecycle.decide(part, DecisionAction.SPLIT, actor=actor, rule=rule, reason=_join(came, reason))
    return part


def _join(what: str, why: str) -> str:
    return f"{what}: {why}" if why else what
