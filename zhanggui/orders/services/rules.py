"""The review rules at work (审单, DOMAIN.md §5): gather what the rules look at, apply their
verdicts to the review queue (auto_review), and show what a change of rules would do to
today's queue before it is saved (dry_run, no writes). The rules themselves are pure
(orders/review_rules.py: evaluate, plan_for).

Every order the rules touch records which rule did what and why (OrderDecision)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Final

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import DomainError
from zhanggui.customers.models import Customer
from zhanggui.inventory.models import Reservation, ReservationStatus, StockLevel
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.models import (
    OPEN_STATUSES,
    DecisionAction,
    HoldReason,
    Order,
    OrderDecision,
    OrderLine,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.models_rules import ReviewRule, RuleCondition
from zhanggui.orders.review_rules import (
    OrderFacts,
    Outcome,
    Plan,
    RuleSpec,
    Verdict,
    acted_verdicts,
    evaluate,
    no_rule_text,
    plan_for,
    suggestion_text,
)
from zhanggui.orders.services import lifecycle
from zhanggui.orders.sla import SHANGHAI

# The decisions intake records on the orders it holds (services/intake.py).
INTAKE_RULE: Final = "intake"
# Orders per transaction in auto_review: big enough for bulk statements, small enough that
# people approving by hand never wait long for a locked order.
CHUNK: Final = 500
IN_CHUNK: Final = 900  # ids per IN (...) list, under SQLite's 999 variables

# Conditions that need more than the order row (one bulk query per chunk of orders).
NEEDS_CUSTOMERS: Final = frozenset({RuleCondition.BLACKLISTED_BUYER})
NEEDS_COUNTS: Final = frozenset({RuleCondition.FIRST_ORDER, RuleCondition.SEVERAL_OPEN_ORDERS})


def spec_of(rule: ReviewRule) -> RuleSpec:
    return RuleSpec(
        name=str(rule.label)[:100],
        condition=rule.condition,
        action=rule.action,
        parameter=rule.parameter,
        hold_reason=rule.hold_reason,
        flag=rule.flag,
        rule_id=rule.pk,
    )


def confirmation_message(order: Order, lines: Iterable[OrderLine]) -> str:
    """The message customer service sends the buyer after payment (DOMAIN.md §5): the
    receiver's name, phone and address, the items as style/colour/size, and the courier, to
    confirm. Call it under the buyer's language (the page uses Chinese)."""
    items = "; ".join(
        f"{' '.join(part for part in (line.title, line.properties) if part)} ×{line.quantity}"
        for line in lines
    )
    return _(
        "Hello! Please confirm your receiver details: %(name)s, %(phone)s, %(address)s. "
        "Items (style, colour, size): %(items)s. Courier: %(courier)s. "
        "If anything needs changing, just tell us. Thank you!"
    ) % {
        "name": order.receiver_name,
        "phone": order.receiver_phone,
        "address": order.receiver_full_address,
        "items": items,
        "courier": order.courier or _("our default courier"),
    }


# ---------------------------------------------------------------- reads


def active_rules() -> list[RuleSpec]:
    return [spec_of(rule) for rule in ReviewRule.objects.filter(is_active=True)]


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def facts_for(orders: Sequence[Order], rules: Sequence[RuleSpec]) -> dict[int, OrderFacts]:
    """The facts of each order, with only the lookups the rules need (at most one query
    per chunk of buyers for the blacklist and one for their order counts)."""
    conditions = {spec.condition for spec in rules}
    buyers = sorted({(order.channel, order.buyer_nick) for order in orders if order.buyer_nick})
    blacklisted: set[tuple[str, str]] = set()
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    by_channel: dict[str, list[str]] = defaultdict(list)
    for channel, nick in buyers:
        by_channel[channel].append(nick)
    for channel, nicks in by_channel.items():
        for chunk in _chunks(nicks):
            if conditions & NEEDS_CUSTOMERS:
                blacklisted.update(
                    Customer.objects.filter(
                        channel=channel, buyer_nick__in=chunk, is_blacklisted=True
                    ).values_list("channel", "buyer_nick")
                )
            if conditions & NEEDS_COUNTS:
                rows = (
                    Order.objects.filter(channel=channel, buyer_nick__in=chunk)
                    .order_by()
                    .values_list("buyer_nick")
                    .annotate(
                        total=Count("pk", filter=Q(part=0)),
                        open=Count(
                            "pk",
                            filter=Q(status__in=OPEN_STATUSES, merged_into__isnull=True),
                        ),
                    )
                )
                counts.update({(channel, nick): (total, open_) for nick, total, open_ in rows})
    return {
        order.pk: OrderFacts(
            order_id=order.pk,
            paid_amount=order.paid_amount,
            buyer_message=order.buyer_message,
            seller_memo=order.seller_memo,
            holds=tuple(order.holds),
            address_complete=bool(
                order.receiver_province and order.receiver_city and order.receiver_address
            ),
            is_blacklisted=(order.channel, order.buyer_nick) in blacklisted,
            buyer_orders=counts.get((order.channel, order.buyer_nick), (1, 1))[0],
            buyer_open_orders=counts.get((order.channel, order.buyer_nick), (1, 1))[1],
            flag=order.flag,
            is_urgent=order.is_urgent,
        )
        for order in orders
    }


def plans_for(orders: Sequence[Order], rules: Sequence[RuleSpec]) -> dict[int, Plan]:
    facts = facts_for(orders, rules)
    return {pk: plan_for(fact, evaluate(fact, rules)) for pk, fact in facts.items()}


def not_merged() -> Exact:
    """Orders not merged into another. "merged_into IS NULL" is true of nearly every order,
    but SQLite without statistics answers it through the merged_into index, walking the
    whole table; as an expression it cannot, and the (status, paid_at) index serves."""
    return Exact(Coalesce(F("merged_into_id"), Value(0)), Value(0))


def reviewable_by_rules() -> QuerySet[Order]:
    """Orders to review the rules have not looked at yet: nobody decided anything on them
    but intake. An order a person released, unapproved, split or flagged stays theirs."""
    decided = OrderDecision.objects.filter(order=OuterRef("pk")).exclude(rule=INTAKE_RULE)
    return Order.objects.filter(not_merged(), status=OrderStatus.TO_REVIEW).exclude(Exists(decided))


def start_of_today(now: datetime | None = None) -> datetime:
    local = (now or timezone.now()).astimezone(SHANGHAI)
    return datetime.combine(local.date(), time.min, SHANGHAI)


def todays_queue() -> QuerySet[Order]:
    """What a dry run looks at: every order to review, and the orders paid today that are
    on hold (as if they arrived again under the new rules)."""
    return Order.objects.filter(
        Q(status=OrderStatus.TO_REVIEW)
        | Q(status=OrderStatus.ON_HOLD, paid_at__gte=start_of_today()),
        not_merged(),
    ).order_by("paid_at", "pk")


# ---------------------------------------------------------------- dry run (no writes)


@dataclass(frozen=True)
class DryRunRow:
    order: Order
    outcome: str
    verdicts: tuple[Verdict, ...]
    detail: str = ""  # the holds it keeps, or the line short of stock


@dataclass
class DryRun:
    rows: list[DryRunRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def outcome_of(self, order_id: int) -> str | None:
        return next((row.outcome for row in self.rows if row.order.pk == order_id), None)


def dry_run(rules: Sequence[RuleSpec], orders: Sequence[Order]) -> DryRun:
    """What the rules would do to these orders, in paid order, without writing anything:
    held, approved, out of stock (allocation simulated on today's available stock), or
    left to a person. Holds a person must clear (unmatched lines, an address, a refund)
    keep an order held whatever the rules say."""
    plans = plans_for(orders, rules)
    lines = _lines_by_order([order.pk for order in orders])
    available = _available([line.sku_id for group in lines.values() for line in group])
    result = DryRun(
        counts=dict.fromkeys(
            (Outcome.APPROVE, Outcome.HOLD, Outcome.OUT_OF_STOCK, Outcome.LEAVE), 0
        )
    )
    for order in orders:
        plan = plans[order.pk]
        blocking = [code for code in order.holds if code in lifecycle.BLOCKING_HOLDS]
        outcome, detail = plan.outcome, ""
        if blocking:
            outcome = Outcome.HOLD
            detail = ", ".join(str(HoldReason(code).label) for code in blocking)
        elif plan.outcome == Outcome.APPROVE:
            short = _simulate(lines.get(order.pk, []), available)
            if short is not None:
                outcome, detail = Outcome.OUT_OF_STOCK, short
        verdicts = tuple(acted_verdicts(plan))
        result.rows.append(DryRunRow(order, outcome, verdicts, detail))
        result.counts[outcome] += 1
    return result


def _lines_by_order(order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
    found: dict[int, list[OrderLine]] = defaultdict(list)
    for chunk in _chunks(order_ids):
        query = OrderLine.objects.filter(order_id__in=chunk).exclude(
            refund_status=RefundStatus.REFUNDED
        )
        for line in query.order_by("order_id", "pk"):
            found[line.order_id].append(line)
    return found


def _available(sku_ids: Iterable[int | None]) -> dict[int, int]:
    from zhanggui.inventory.services import default_warehouse

    wanted = sorted({pk for pk in sku_ids if pk is not None})
    warehouse_id = default_warehouse().pk if wanted else 0
    available = dict.fromkeys(wanted, 0)
    for chunk in _chunks(wanted):
        levels = StockLevel.objects.filter(sku_id__in=chunk, warehouse_id=warehouse_id)
        for sku_id, on_hand, reserved in levels.values_list("sku_id", "on_hand", "reserved"):
            available[sku_id] = on_hand - reserved
    return available


def _simulate(lines: Sequence[OrderLine], available: dict[int, int]) -> str | None:
    """Reserve the lines out of `available` as approval would (all or nothing, in SKU
    order); returns the first short line, or None and `available` reduced."""
    taken: dict[int, int] = defaultdict(int)
    for line in sorted(lines, key=lambda line: (line.sku_id or 0, line.pk)):
        if (
            line.sku_id is None
            or available.get(line.sku_id, 0) - taken[line.sku_id] < line.quantity
        ):
            return f"{line.merchant_code}×{line.quantity}"
        taken[line.sku_id] += line.quantity
    for sku_id, quantity in taken.items():
        available[sku_id] -= quantity
    return None


# ---------------------------------------------------------------- auto review (writes)


@dataclass
class ReviewSummary:
    approved: int = 0
    held: int = 0
    out_of_stock: int = 0
    left: int = 0  # no rule decided, or approval was refused: a person reviews it
    skipped: int = 0  # asked for, but not to review (any more)
    out_of_stock_orders: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "order no: why it was left"

    def add(self, outcome: str, order: Order) -> None:
        if outcome == Outcome.APPROVE:
            self.approved += 1
        elif outcome == Outcome.HOLD:
            self.held += 1
        elif outcome == Outcome.OUT_OF_STOCK:
            self.out_of_stock += 1
            self.out_of_stock_orders.append(str(order))
        else:
            self.left += 1


def auto_review(
    order_ids: Sequence[int] | None = None, *, actor: Any = None, batch: bool = True
) -> ReviewSummary:
    """Apply the active rules to orders to review, the earliest paid first (they get the
    stock first): hold (lifecycle.hold_order), approve and allocate
    (lifecycle.approve_order; short of stock: on hold, out of stock, yellow flag, stock
    untouched), or leave for a person, recording on each order which rule did it and why.

    `order_ids` None: every order to review the rules have not looked at yet
    (reviewable_by_rules). Given ids are re-reviewed even if a person touched them; those
    not to review are counted as skipped. Runs in transactions of CHUNK orders, each all
    or nothing. `batch` False applies each order through lifecycle one by one, the
    reference the bulk path (rules_batch) must match exactly."""
    from zhanggui.orders.services import rules_batch

    rules = active_rules()
    summary = ReviewSummary()
    if order_ids is None:
        ids = list(reviewable_by_rules().order_by("paid_at", "pk").values_list("pk", flat=True))
    else:
        wanted = sorted(set(order_ids))
        keyed: list[tuple[datetime | None, int]] = []
        for chunk in _chunks(wanted):
            to_review = Order.objects.filter(
                not_merged(), pk__in=chunk, status=OrderStatus.TO_REVIEW
            )
            keyed.extend(to_review.values_list("paid_at", "pk"))
        summary.skipped = len(wanted) - len(keyed)
        floor = datetime.min.replace(tzinfo=SHANGHAI)
        ids = [pk for _paid, pk in sorted(keyed, key=lambda row: (row[0] or floor, row[1]))]
    for chunk in _chunks(ids, CHUNK):
        with transaction.atomic():
            orders = _lock_to_review(chunk, automatic=order_ids is None)
            plans = plans_for(orders, rules)
            if batch:
                rules_batch.apply_plans(actor=actor, orders=orders, plans=plans, summary=summary)
            else:
                for order in orders:
                    outcome = apply_plan(
                        actor=actor, order=order, plan=plans[order.pk], summary=summary
                    )
                    summary.add(outcome, order)
    return summary


def _lock_to_review(ids: Sequence[int], *, automatic: bool) -> list[Order]:
    """Lock the chunk's orders still to review, in payment order, re-checked under the
    lock: a person (or another run of the rules) may have acted on one since the list
    was read."""
    orders = reviewable_by_rules() if automatic else Order.objects.filter(not_merged())
    query = orders.select_for_update().filter(pk__in=ids, status=OrderStatus.TO_REVIEW)
    return list(query.order_by("paid_at", "pk"))


def apply_plan(*, actor: Any, order: Order, plan: Plan, summary: ReviewSummary) -> str:
    """Apply one order's plan through lifecycle (the one-by-one path); returns the outcome.
    Flags, urgency and suggestions first, then the hold or the approval."""
    if plan.flag is not None:
        lifecycle.set_flag(actor=actor, order_id=order.pk, flag=plan.flag.flag, rule=plan.flag.rule)
    if plan.urgent is not None:
        mark_urgent(
            actor=actor, order_id=order.pk, rule=plan.urgent.rule, reason=plan.urgent.reason
        )
    for suggestion in plan.suggestions:
        lifecycle.decide(
            order,
            DecisionAction.NOTE,
            actor=actor,
            rule=suggestion.rule,
            reason=suggestion_text(suggestion),
        )
    if plan.holds:
        first, *others = plan.holds
        lifecycle.hold_order(
            actor=actor,
            order_id=order.pk,
            reasons=plan.hold_reasons,
            rule=first.rule,
            reason=first.reason,
        )
        for verdict in others:
            lifecycle.decide(
                order, DecisionAction.HOLD, actor=actor, rule=verdict.rule, reason=verdict.reason
            )
        return Outcome.HOLD
    if plan.approval is None:
        lifecycle.decide(order, DecisionAction.NOTE, actor=actor, reason=no_rule_text())
        return Outcome.LEAVE
    try:
        lifecycle.approve_order(
            actor=actor, order_id=order.pk, rule=plan.approval.rule, reason=plan.approval.reason
        )
    except OrderOutOfStock:
        return Outcome.OUT_OF_STOCK
    except DomainError as error:
        lifecycle.decide(order, DecisionAction.NOTE, actor=actor, reason=str(error.message))
        summary.problems.append(f"{order}: {error.message}")
        return Outcome.LEAVE
    return Outcome.APPROVE


@transaction.atomic
def mark_urgent(
    *, actor: Any, order_id: int, is_urgent: bool = True, rule: str = "", reason: str = ""
) -> Order:
    """Mark an order urgent (picked first, in the urgent tab) or not, audited."""
    order = lifecycle.lock_order(order_id)
    if order.is_urgent == is_urgent:
        return order
    before = audit.snapshot(order, ("is_urgent",))
    order.is_urgent = is_urgent
    order.save(update_fields=["is_urgent", "updated_at"])
    audit.record(
        actor=actor,
        instance=order,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(order, ("is_urgent",))),
    )
    text = _("Marked urgent") if is_urgent else _("No longer urgent")
    lifecycle.decide(
        order,
        DecisionAction.NOTE,
        actor=actor,
        rule=rule,
        reason=f"{text}: {reason}" if reason else text,
    )
    return order


def active_reservation_sources(line_ids: Sequence[int]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks([str(pk) for pk in line_ids]):
        found.update(
            Reservation.objects.filter(
                source_type=lifecycle.RESERVATION_SOURCE,
                source_id__in=chunk,
                status=ReservationStatus.ACTIVE,
            ).values_list("source_id", flat=True)
        )
    return found


# ---------------------------------------------------------------- previewing a rule change

DRY_RUN_LIMIT: Final = 2_000


@dataclass
class RulePreview:
    """Today's queue under the rules as they are and as they would be after the change."""

    before: DryRun
    after: DryRun
    changed: list[tuple[DryRunRow, DryRunRow]]  # (now, after the change), outcome differs
    total: int  # orders in today's queue; the first DRY_RUN_LIMIT are evaluated

    @property
    def is_partial(self) -> bool:
        return self.total > DRY_RUN_LIMIT


def rules_with_change(
    change: RuleSpec | None, *, rule_id: int | None, is_active: bool, position: int | None
) -> list[RuleSpec]:
    """The active rules in order, with one rule replaced (rule_id) or added (None) as
    `change` says, unsaved; change None: the rules as they are."""
    ranked: list[tuple[int, int, RuleSpec]] = []
    for rule in ReviewRule.objects.all():
        if rule.pk == rule_id and change is not None:
            continue
        if rule.is_active:
            ranked.append((rule.position, rule.pk, spec_of(rule)))
    if change is not None and is_active:
        last = max((rank[0] for rank in ranked), default=0) + 10
        ranked.append((position if position is not None else last, rule_id or 10**12, change))
    return [spec for _position, _pk, spec in sorted(ranked, key=lambda rank: rank[:2])]


def preview(rules: Sequence[RuleSpec]) -> RulePreview:
    """Dry-run today's queue under the current rules and under `rules`; no writes."""
    queue = todays_queue()
    total = queue.count()
    orders = list(queue.select_related("shop")[:DRY_RUN_LIMIT])
    before = dry_run(active_rules(), orders)
    after = dry_run(rules, orders)
    changed = [
        (now, then)
        for now, then in zip(before.rows, after.rows, strict=True)
        if now.outcome != then.outcome
        or [v.rule for v in now.verdicts] != [v.rule for v in then.verdicts]
    ]
    return RulePreview(before=before, after=after, changed=changed, total=total)
