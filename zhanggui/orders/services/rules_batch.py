"""The bulk path of auto_review: a chunk of orders reviewed with a handful of statements
instead of a few dozen per order (issue 4: auto-review and allocate 10,000 orders).

It must leave exactly what rules.apply_plan (lifecycle, one order at a time) leaves: the
same statuses, holds, flags, reservations, stock balances, decisions in the same order per
order, and audit entries. Orders whose approval is not plain (orders merged into them,
unmatched lines, reservations already held) go through apply_plan itself, at their place
in payment order, so stock is still given out earliest paid first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.models import AuditAction, AuditEntry
from zhanggui.inventory.reservations_bulk import ReservationRequest, reserve_many
from zhanggui.orders.models import (
    DecisionAction,
    Flag,
    HoldReason,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
    holds_text,
)
from zhanggui.orders.review_rules import Outcome, Plan, no_rule_text, suggestion_text
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.rules import (
    ReviewSummary,
    _chunks,
    active_reservation_sources,
    apply_plan,
)


def apply_plans(
    *, actor: Any, orders: Sequence[Order], plans: dict[int, Plan], summary: ReviewSummary
) -> None:
    """Apply the plans of locked orders (to review, in payment order) inside the caller's
    transaction."""
    approving = [order for order in orders if plans[order.pk].outcome == Outcome.APPROVE]
    lines = _lines([order.pk for order in approving])
    plain = _plain_approvals(approving, lines)
    pending: list[Order] = []
    for order in orders:
        if plans[order.pk].outcome == Outcome.APPROVE and order.pk not in plain:
            _Batch(actor, pending, plans, lines).apply(summary)
            pending = []
            summary.add(
                apply_plan(actor=actor, order=order, plan=plans[order.pk], summary=summary), order
            )
        else:
            pending.append(order)
    _Batch(actor, pending, plans, lines).apply(summary)


def _lines(order_ids: Sequence[int]) -> dict[int, list[tuple[int, int | None, int]]]:
    """(line id, SKU id, quantity) of each order's lines to ship, as approval reserves them."""
    found: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    for chunk in _chunks(order_ids):
        rows = (
            OrderLine.objects.filter(order_id__in=chunk)
            .exclude(refund_status=RefundStatus.REFUNDED)
            .values_list("order_id", "pk", "sku_id", "quantity")
        )
        for order_id, pk, sku_id, quantity in rows:
            found[order_id].append((pk, sku_id, quantity))
    return found


def _plain_approvals(
    orders: Sequence[Order], lines: dict[int, list[tuple[int, int | None, int]]]
) -> set[int]:
    """The approvals the bulk path may do: no holds, no orders merged into them, every line
    matched, and no reservation held yet for any line."""
    ids = [order.pk for order in orders]
    with_members: set[int] = set()
    for chunk in _chunks(ids):
        with_members.update(
            Order.objects.filter(merged_into_id__in=chunk).values_list("merged_into_id", flat=True)
        )
    reserved = active_reservation_sources(
        [line_id for order_id in ids for line_id, _sku, _qty in lines.get(order_id, [])]
    )
    return {
        order.pk
        for order in orders
        if not order.holds
        and order.pk not in with_members
        and all(
            sku_id is not None and str(line_id) not in reserved
            for line_id, sku_id, _qty in lines.get(order.pk, [])
        )
    }


class _Batch:
    """One run of orders applied in bulk: decisions and audit entries are collected per
    order in the order lifecycle would write them, and inserted at the end."""

    def __init__(
        self,
        actor: Any,
        orders: Sequence[Order],
        plans: dict[int, Plan],
        lines: dict[int, list[tuple[int, int | None, int]]],
    ) -> None:
        self.actor = actor
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.orders = orders
        self.plans = plans
        self.lines = lines
        self.now = timezone.now()
        self.decisions: dict[int, list[OrderDecision]] = defaultdict(list)
        self.entries: list[AuditEntry] = []

    def apply(self, summary: ReviewSummary) -> None:
        if not self.orders:
            return
        self._flags()
        self._urgent()
        for order in self.orders:
            for suggestion in self.plans[order.pk].suggestions:
                self._decide(
                    order, DecisionAction.NOTE, suggestion.rule, suggestion_text(suggestion)
                )
        held = [order for order in self.orders if self.plans[order.pk].outcome == Outcome.HOLD]
        self._hold(held)
        for order in self.orders:
            if self.plans[order.pk].outcome == Outcome.LEAVE:
                self._decide(order, DecisionAction.NOTE, "", no_rule_text())
                summary.add(Outcome.LEAVE, order)
        for order in held:
            summary.add(Outcome.HOLD, order)
        approving = [o for o in self.orders if self.plans[o.pk].outcome == Outcome.APPROVE]
        for order, outcome in self._approve(approving):
            summary.add(outcome, order)
        OrderDecision.objects.bulk_create(
            [decision for order in self.orders for decision in self.decisions[order.pk]],
            batch_size=500,
        )
        AuditEntry.objects.bulk_create(self.entries, batch_size=500)

    # ------------------------------------------------------------ recording

    def _decide(self, order: Order, action: str, rule: str, reason: str) -> None:
        self.decisions[order.pk].append(
            OrderDecision(
                order=order,
                action=action,
                actor=self.user,
                rule=rule[:100],
                reason=str(reason)[:255],
            )
        )

    def _audit(
        self, order: Order, before: dict[str, Any], names: Iterable[str], note: str = ""
    ) -> None:
        # As audit.record: an update that changed nothing records nothing.
        changes = audit.diff(before, audit.snapshot(order, names))
        if not changes:
            return
        self.entries.append(
            AuditEntry(
                actor=self.user,
                actor_name=(self.user.get_username() if self.user else str(self.actor or "system"))[
                    :150
                ],
                action=AuditAction.UPDATE,
                content_type=ContentType.objects.get_for_model(Order),
                object_id=str(order.pk),
                object_repr=str(order)[:200],
                changes=changes,
                note=note[:255],
            )
        )

    def _update(self, groups: dict[tuple[Any, ...], list[Order]], names: Sequence[str]) -> None:
        """One UPDATE per distinct set of new values (the orders already hold them)."""
        for values, orders in groups.items():
            for chunk in _chunks([order.pk for order in orders]):
                Order.objects.filter(pk__in=chunk).update(
                    **dict(zip(names, values, strict=True)), updated_at=self.now
                )

    # ------------------------------------------------------------ steps, as lifecycle does them

    def _flags(self) -> None:
        groups: dict[tuple[Any, ...], list[Order]] = defaultdict(list)
        for order in self.orders:
            verdict = self.plans[order.pk].flag
            if verdict is None:
                continue
            before = audit.snapshot(order, ("flag", "seller_memo"))
            order.flag = verdict.flag
            self._audit(order, before, ("flag", "seller_memo"))
            self._decide(order, DecisionAction.FLAG, verdict.rule, str(Flag(verdict.flag).label))
            groups[(verdict.flag,)].append(order)
        self._update(groups, ("flag",))

    def _urgent(self) -> None:
        marked = []
        for order in self.orders:
            verdict = self.plans[order.pk].urgent
            if verdict is None:
                continue
            before = audit.snapshot(order, ("is_urgent",))
            order.is_urgent = True
            self._audit(order, before, ("is_urgent",))
            text = _("Marked urgent")
            self._decide(
                order,
                DecisionAction.NOTE,
                verdict.rule,
                f"{text}: {verdict.reason}" if verdict.reason else text,
            )
            marked.append(order)
        self._update({(True,): marked}, ("is_urgent",))

    def _set_status(self, order: Order, status: str, note: str, **fields: Any) -> None:
        names = ("status", *fields)
        before = audit.snapshot(order, names)
        order.status = status
        for name, value in fields.items():
            setattr(order, name, value)
        self._audit(order, before, names, note)

    def _hold(self, orders: Sequence[Order]) -> None:
        groups: dict[tuple[Any, ...], list[Order]] = defaultdict(list)
        for order in orders:
            plan = self.plans[order.pk]
            first, *others = plan.holds
            holds = holds_text([*order.holds, *plan.hold_reasons])
            self._set_status(order, OrderStatus.ON_HOLD, first.reason, hold_reasons=holds)
            for verdict in plan.holds:
                self._decide(order, DecisionAction.HOLD, verdict.rule, verdict.reason)
            groups[(OrderStatus.ON_HOLD, holds)].append(order)
        self._update(groups, ("status", "hold_reasons"))

    def _approve(self, orders: Sequence[Order]) -> list[tuple[Order, str]]:
        groups = [
            [
                ReservationRequest(sku_id, quantity, lifecycle.RESERVATION_SOURCE, str(line_id))
                for line_id, sku_id, quantity in sorted(
                    self.lines.get(order.pk, []), key=lambda line: (line[1] or 0, line[0])
                )
                if sku_id is not None
            ]
            for order in orders
        ]
        results = reserve_many(actor=self.actor, groups=groups)
        approved: list[Order] = []
        short: dict[tuple[Any, ...], list[Order]] = defaultdict(list)
        outcomes = []
        for order, result in zip(orders, results, strict=True):
            approval = self.plans[order.pk].approval
            assert approval is not None  # noqa: S101 (an approving plan names its rule)
            if result.is_reserved:
                self._set_status(
                    order,
                    OrderStatus.APPROVED,
                    approval.reason,
                    hold_reasons="",
                    approved_at=self.now,
                )
                self._decide(order, DecisionAction.APPROVE, approval.rule, approval.reason)
                approved.append(order)
                outcomes.append((order, Outcome.APPROVE))
                continue
            holds = holds_text([*order.holds, HoldReason.OUT_OF_STOCK])
            self._set_status(
                order, OrderStatus.ON_HOLD, _("Out of stock"), hold_reasons=holds, flag=Flag.YELLOW
            )
            codes = ", ".join(
                f"{line['merchant_code']}×{line['requested']}" for line in result.shortage
            )
            self._decide(order, DecisionAction.OUT_OF_STOCK, "", codes)
            short[(OrderStatus.ON_HOLD, holds, Flag.YELLOW)].append(order)
            outcomes.append((order, Outcome.OUT_OF_STOCK))
        self._update(
            {(OrderStatus.APPROVED, "", self.now): approved},
            ("status", "hold_reasons", "approved_at"),
        )
        self._update(short, ("status", "hold_reasons", "flag"))
        return outcomes
