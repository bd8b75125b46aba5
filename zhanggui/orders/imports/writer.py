"""Saving imported trades a batch at a time: the fast path for new orders, intake's own
update for orders we hold.

New orders of a batch are built by intake's pure functions (check_order_input,
match_skus, resolve_receiver, build_order, content_hash), so they obey the same rules
as API and sync orders, and saved with bulk inserts in one transaction: a kill leaves
every order of the batch either fully in or absent. Orders we already hold go one at a
time through intake.update_from_channel, each in its own transaction.

Audit: every created order gets its own creation entry (as intake.create_order writes
it), inserted in bulk with the batch; updates are audited by intake as usual."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.channels.models import Shop
from zhanggui.core.errors import DomainError, RowError
from zhanggui.core.models import AuditAction, AuditEntry
from zhanggui.orders.imports import rows
from zhanggui.orders.imports.trades import Trade
from zhanggui.orders.imports.values import BEIJING
from zhanggui.orders.models import (
    DecisionAction,
    HoldReason,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
)
from zhanggui.orders.services import intake
from zhanggui.orders.services.inputs import OrderInput
from zhanggui.orders.services.receivers import resolve_receiver

LOOKUP_CHUNK = 500


class _Held(NamedTuple):
    """What we hold of an order, enough to tell whether a trade changes it."""

    pk: int
    order_no: str
    content_hash: str
    channel_modified_at: Any
    flag: str
    seller_memo: str
    buyer_message: str
    invoice_title: str


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Created orders held because a merchant code is not known, and those codes.
    held_unmatched: int = 0
    unmatched_codes: Counter[str] = field(default_factory=Counter)
    # Orders that are newly paid and to review: for the auto-review rules.
    to_review: list[int] = field(default_factory=list)


class BatchWriter:
    """Writes batches of trades for one shop. Keeps the merchant codes it has looked up
    across batches: a shop's 100,000 orders name a few thousand codes."""

    def __init__(self, *, actor: Any, shop: Shop, note: str) -> None:
        self.actor = actor
        self.shop = shop
        self.note = note[:255]
        self._user = actor if getattr(actor, "is_authenticated", False) else None
        self._user_id = self._user.pk if self._user else None
        self._actor_name = (self._user.get_username() if self._user else str(actor or "system"))[
            :150
        ]
        self._order_type = ContentType.objects.get_for_model(Order)
        self._skus: dict[str, int | None] = {}

    def write(self, trades: Sequence[Trade]) -> BatchOutcome:
        outcome = BatchOutcome()
        ready: list[Trade] = []
        for trade in trades:
            if trade.data is not None and not trade.errors:
                for name, message in intake.check_order_input(trade.data):
                    trade.add_problem(name, message)
            if trade.errors or trade.data is None:
                outcome.rejected += 1
                outcome.errors.extend(trade.errors)
            else:
                ready.append(trade)
        held = self._held(trade.order_no for trade in ready)
        new: list[Trade] = []
        for trade in ready:
            found = held.get(trade.order_no)
            if found is None:
                new.append(trade)
            elif _is_unchanged(trade, found):
                outcome.unchanged += 1
            else:
                self._update(trade, found, outcome)
        if new:
            self._create(new, outcome)
        return outcome

    # ------------------------------------------------------------ look-ups

    def _held(self, numbers: Iterable[str]) -> dict[str, _Held]:
        wanted = list(numbers)
        found: dict[str, _Held] = {}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            rows = Order.objects.filter(
                channel=self.shop.channel,
                shop=self.shop,
                part=0,
                order_no__in=wanted[start : start + LOOKUP_CHUNK],
            ).values_list(*_Held._fields)
            found.update((row[1], _Held(*row)) for row in rows)
        return found

    def _sku_ids(self, codes: Iterable[str]) -> dict[str, int]:
        unseen = {code for code in codes if code and code not in self._skus}
        if unseen:
            matched = intake.match_skus(self.shop.channel, unseen)
            self._skus.update({code: matched.get(code) for code in unseen})
        return {code: sku_id for code, sku_id in self._skus.items() if sku_id is not None}

    # ------------------------------------------------------------ new orders

    def _create(self, trades: list[Trade], outcome: BatchOutcome) -> None:
        sku_ids = self._sku_ids(
            line.merchant_code for trade in trades for line in _data(trade).lines
        )
        built = []
        for trade in trades:
            data = _data(trade)
            receiver, resolved = resolve_receiver(data.receiver)
            order, lines = intake.build_order(
                data, shop=self.shop, sku_ids=sku_ids, receiver=receiver, address_resolved=resolved
            )
            built.append((order, lines))
        try:
            with transaction.atomic():
                self._insert(built)
        except IntegrityError:
            # Another import or the channel sync created some of these orders since we
            # looked: take this batch one order at a time, as intake does.
            for trade in trades:
                self._create_one(trade, outcome)
            return
        for order, lines in built:
            outcome.created += 1
            if order.status == OrderStatus.TO_REVIEW:
                outcome.to_review.append(order.pk)
            if HoldReason.UNMATCHED in order.holds:
                outcome.held_unmatched += 1
                outcome.unmatched_codes.update(
                    line.merchant_code for line in lines if line.sku_id is None
                )

    def _insert(self, built: list[tuple[Order, list[OrderLine]]]) -> None:
        now = timezone.now()
        orders = [order for order, _lines in built]
        rows.insert(Order, orders, now)
        # The new ids, by order number: the one natural key both databases agree on.
        ids = {
            found.order_no: found.pk for found in self._held(o.order_no for o in orders).values()
        }
        lines = []
        for order, order_lines in built:
            order.pk = ids[order.order_no]
            order.created_at = order.updated_at = now
            order._state.adding = False
            for line in order_lines:
                line.order = order
                lines.append(line)
        rows.insert(OrderLine, lines, now)
        rows.insert_values(
            AuditEntry,
            [
                {
                    "actor_id": self._user_id,
                    "actor_name": self._actor_name,
                    "action": AuditAction.CREATE,
                    "content_type_id": self._order_type.pk,
                    "object_id": str(order.pk),
                    "object_repr": str(order)[:200],
                    "changes": {
                        "status": {"before": None, "after": str(order.status)},
                        "paid_amount": {"before": None, "after": f"{order.paid_amount:f}"},
                    },
                    "note": self.note,
                }
                for order in orders
            ],
            now,
        )
        rows.insert_values(
            OrderDecision,
            [
                {
                    "order_id": order.pk,
                    "action": DecisionAction.HOLD,
                    "rule": "intake",
                    "reason": ", ".join(str(HoldReason(code).label) for code in order.holds)[:255],
                }
                for order in orders
                if order.holds
            ],
            now,
        )

    def _create_one(self, trade: Trade, outcome: BatchOutcome) -> None:
        data = _data(trade)
        found = self._held([trade.order_no]).get(trade.order_no)
        if found is not None:
            if _is_unchanged(trade, found):
                outcome.unchanged += 1
            else:
                self._update(trade, found, outcome)
            return
        try:
            with transaction.atomic():
                order = intake.create_order(actor=self.actor, data=data, shop=self.shop)
        except IntegrityError:
            found = self._held([trade.order_no]).get(trade.order_no)
            if found is None:
                raise
            self._update(trade, found, outcome)
            return
        outcome.created += 1
        if order.status == OrderStatus.TO_REVIEW:
            outcome.to_review.append(order.pk)
        if HoldReason.UNMATCHED in order.holds:
            outcome.held_unmatched += 1

    # ------------------------------------------------------------ orders we hold

    def _update(self, trade: Trade, found: _Held, outcome: BatchOutcome) -> None:
        data = _data(trade)
        try:
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=found.pk)
                kept = {name: getattr(order, name) for name in trade.kept}
                was = order.status
                result = intake.update_from_channel(
                    actor=self.actor, order=order, data=replace(data, **kept)
                )
        except DomainError as error:
            outcome.rejected += 1
            trade.add_problem(
                "order_no",
                _("The order we hold could not be updated: %(reason)s") % {"reason": error.message},
            )
            outcome.errors.extend(trade.errors)
            return
        if result.outcome == intake.Outcome.UNCHANGED:
            outcome.unchanged += 1
            return
        outcome.updated += 1
        if was == OrderStatus.AWAITING_PAYMENT and result.order.status == OrderStatus.TO_REVIEW:
            outcome.to_review.append(result.order.pk)


def _data(trade: Trade) -> OrderInput:
    if trade.data is None:  # pragma: no cover (rejected trades never get here)
        raise ValueError(trade.order_no)
    return trade.data


def _is_unchanged(trade: Trade, found: _Held) -> bool:
    """Whether the trade says what the order we hold last heard from the channel.

    The export time (from the file name) is not content: a newer export of an unchanged
    order is unchanged. Fields the file has no column for count as the order's own."""
    data = _data(trade)
    held_time = found.channel_modified_at
    as_held = replace(data, modified_at=held_time.astimezone(BEIJING) if held_time else None)
    kept = {name: getattr(found, name) for name in trade.kept}
    if intake.content_hash(replace(as_held, **kept)) == found.content_hash:
        return True
    # Created by an import without those columns, changed here since (a flag set by hand).
    return bool(kept) and intake.content_hash(as_held) == found.content_hash
