"""Writes the planned orders through the order services, every step at its moment on the
story clock (clock.run_events), so demo orders obey the rules real ones do: intake
(receive_order, as the channel sync or the shop's import), auto-review (rules.auto_review),
approval and allocation, holds, flags, merging, splitting, refunds and shipping.

Orders are written after the stock history, on their own pass through the 90 days: the
stock a step sees is what is left after the history, which the plan counted on
(plan_orders). Shipping consumes reservations into sale moves, so the ledger stays exact.

Printing and packing belong to the shipping module, which does not exist yet: until it
does, an approved order is marked printed and then packed with lifecycle.set_status (its
stock stays reserved until ship_order)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.customers.services import CustomerInput
from zhanggui.demo import data_orders as story
from zhanggui.demo.build_stock import sku_facts
from zhanggui.demo.clock import Event, moment, run_events
from zhanggui.demo.data_people import STAFF
from zhanggui.demo.plan_catalog import ProductPlan
from zhanggui.demo.plan_orders import OrderPlan, plan_orders
from zhanggui.demo.story_orders import (
    APPROVE,
    CLOSE,
    CS,
    DAY,
    FLAG,
    HOLD,
    MERGE,
    PACK,
    PRINT,
    RECEIVE,
    REFUND,
    REVIEW,
    SHIP,
    SPLIT,
    SYNC,
    ChannelRecord,
    Step,
)
from zhanggui.inventory.models import MoveKind, StockLevel
from zhanggui.inventory.services import MoveInput, default_warehouse, post_moves
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.models import Order, OrderLine, OrderSource, OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput
from zhanggui.orders.services.intake import receive_order
from zhanggui.orders.services.merge import merge_orders
from zhanggui.orders.services.rules import auto_review
from zhanggui.orders.services.split import split_out_of_stock

RESTOCKER = "warehouse1"


class DemoStepFailed(RuntimeError):
    """A planned step found the order other than the plan said: a bug in the demo plan."""


def free_stock() -> dict[str, int]:
    """Free units (on hand less reserved) of each merchant code in the main warehouse,
    where approval reserves."""
    levels = StockLevel.objects.filter(warehouse=default_warehouse())
    return {
        code: on_hand - reserved
        for code, on_hand, reserved in levels.values_list(
            "sku__merchant_code", "on_hand", "reserved"
        )
    }


def build_orders(
    *,
    seed: int,
    count: int,
    catalog: Sequence[ProductPlan],
    customers: Sequence[CustomerInput],
    on_planned: Callable[[int], Any] | None = None,
    on_step: Callable[[], Any] | None = None,
) -> list[OrderPlan]:
    """`count` orders over the last 90 days, written step by step in time order. Calls
    `on_planned(steps)` once the plan is known and `on_step()` after each step."""
    today = timezone.localdate()
    plan = plan_orders(
        seed=seed,
        count=count,
        today=today,
        catalog=catalog,
        customers=customers,
        available=free_stock(),
    )
    writer = OrderWriter(plan.orders, today=today)
    events = writer.events(on_step or (lambda: None))
    if plan.restock:
        events.append(restock_event(plan.restock, actor=writer.user(RESTOCKER)))
    if on_planned is not None:
        on_planned(sum(len(order.steps) for order in plan.orders))
    run_events(events, today=today)
    return plan.orders


def restock_event(units: Mapping[str, int], *, actor: Any) -> Event:
    """Goods received just before the import, for a demo asked for more orders than its
    stock covers."""
    ids, costs = sku_facts()
    moves = [
        MoveInput(
            ids[code], quantity, MoveKind.RECEIPT, unit_cost=costs[ids[code]], note=_("restock")
        )
        for code, quantity in units.items()
    ]
    return Event(
        story.IMPORT_DAY, story.AT_IMPORT - 5, lambda: post_moves(actor=actor, moves=moves)
    )


def order_input(
    plan: OrderPlan, record: ChannelRecord, *, source: str, modified_at: datetime, today: date
) -> OrderInput:
    """The order as the channel (or the shop's export) presents it in `record`."""
    paid = plan.paid_at is not None and record.state != ChannelState.UNPAID
    return OrderInput(
        channel=plan.channel,
        order_no=plan.order_no,
        state=record.state,
        source=source,
        lines=tuple(
            LineInput(
                merchant_code=line.merchant_code,
                quantity=line.quantity,
                price=line.price,
                oid=line.oid,
                title=line.title,
                properties=line.properties,
                discount=line.discount,
                refund_status=refund_status,
                refund_amount=amount if refund_status != RefundStatus.NONE else Decimal("0.00"),
            )
            for line, (refund_status, amount) in zip(plan.lines, record.refunds, strict=True)
        ),
        shop_code=plan.shop_code,
        channel_status=record.status_text,
        buyer_nick=plan.buyer_nick,
        receiver=plan.receiver,
        paid_amount=plan.paid_amount,
        post_fee=plan.post_fee,
        discount_amount=plan.discount_amount,
        points_used=plan.points_used,
        ordered_at=_at(today, plan.ordered_at),
        paid_at=_at(today, plan.paid_at) if paid and plan.paid_at is not None else None,
        modified_at=modified_at,
        buyer_message=plan.buyer_message,
        seller_memo=record.seller_memo,
        flag=str(record.flag),
        invoice_title=plan.invoice_title,
        courier=record.courier,
        tracking_no=record.tracking_no,
    )


def _at(today: date, minutes: int) -> datetime:
    day, minute = divmod(minutes, DAY)
    return moment(today, day, minute)


class OrderWriter:
    """Runs each planned step through its service, keeping the ids of the orders made."""

    def __init__(self, plans: Sequence[OrderPlan], *, today: date) -> None:
        self.plans = {plan.key: plan for plan in plans}
        self.today = today
        self.ids: dict[tuple[int, int], int] = {}  # (plan key, part) -> order id
        self.users = get_user_model().objects.in_bulk(
            [username for username, _name, _roles in STAFF], field_name="username"
        )
        self.handlers: Mapping[str, Callable[[OrderPlan, Step], None]] = {
            RECEIVE: self.receive,
            SYNC: self.receive,
            APPROVE: self.approve,
            HOLD: self.hold,
            FLAG: self.flag,
            MERGE: self.merge,
            SPLIT: self.split,
            PRINT: partial(self.advance, OrderStatus.APPROVED, OrderStatus.PRINTED),
            PACK: partial(self.advance, OrderStatus.PRINTED, OrderStatus.PACKED),
            SHIP: self.ship,
            CLOSE: self.close,
            REFUND: self.refund,
        }

    def events(self, on_step: Callable[[], Any]) -> list[Event]:
        """One event per step; auto-review runs once for all orders due at a moment, after
        the other steps of that moment."""
        events: list[Event] = []
        reviews: dict[int, list[int]] = defaultdict(list)
        for plan in self.plans.values():
            for step in plan.steps:
                if step.kind == REVIEW:
                    reviews[step.at].append(plan.key)
                    continue
                run = partial(self._run, self.handlers[step.kind], plan, step, on_step)
                events.append(Event(*divmod(step.at, DAY), run=run))
        for at, keys in reviews.items():
            events.append(Event(*divmod(at, DAY), run=partial(self.review, keys, on_step)))
        return events

    @staticmethod
    def _run(
        handler: Callable[[OrderPlan, Step], None],
        plan: OrderPlan,
        step: Step,
        on_step: Callable[[], Any],
    ) -> None:
        handler(plan, step)
        on_step()

    def user(self, username: str) -> Any:
        return self.users[username] if username else None

    def order_id(self, plan: OrderPlan, part: int = 0) -> int:
        return self.ids[(plan.key, part)]

    # ------------------------------------------------------------ the channel

    def receive(self, plan: OrderPlan, step: Step) -> None:
        if step.record is None:
            raise DemoStepFailed(f"{plan.order_no}: a channel step without a record")
        data = order_input(
            plan,
            step.record,
            source=step.source or OrderSource.SYNC,
            modified_at=timezone.now(),
            today=self.today,
        )
        result = receive_order(actor=self.user(step.actor), data=data)
        self.ids.setdefault((plan.key, 0), result.order.pk)

    # ------------------------------------------------------------ review

    def review(self, keys: Sequence[int], on_step: Callable[[], Any]) -> None:
        """Auto-review with the shop's rules, as its scheduled run would."""
        auto_review([self.ids[(key, 0)] for key in keys], actor=None)
        for _key in keys:
            on_step()

    def approve(self, plan: OrderPlan, step: Step) -> None:
        try:
            lifecycle.approve_order(
                actor=self.user(step.actor), order_id=self.order_id(plan, step.part)
            )
        except OrderOutOfStock:
            if not step.out_of_stock:
                raise

    def hold(self, plan: OrderPlan, step: Step) -> None:
        lifecycle.hold_order(
            actor=self.user(step.actor),
            order_id=self.order_id(plan, step.part),
            reasons=list(step.reasons),
            reason=step.text,
        )

    def flag(self, plan: OrderPlan, step: Step) -> None:
        lifecycle.set_flag(
            actor=self.user(step.actor),
            order_id=self.order_id(plan, step.part),
            flag=step.flag,
            memo=step.text or None,
        )

    def merge(self, plan: OrderPlan, step: Step) -> None:
        others = [self.ids[(key, 0)] for key in step.merged]
        merge_orders(actor=self.user(step.actor), order_ids=[self.order_id(plan), *others])

    def split(self, plan: OrderPlan, step: Step) -> None:
        part = split_out_of_stock(actor=self.user(step.actor), order_id=self.order_id(plan))
        self.ids[(plan.key, part.part)] = part.pk

    def close(self, plan: OrderPlan, step: Step) -> None:
        lifecycle.close_order(
            actor=self.user(step.actor),
            order_id=self.order_id(plan, step.part),
            reason=step.text or _("Closed on the channel"),
        )

    def refund(self, plan: OrderPlan, step: Step) -> None:
        """A refund customer service records by hand on a split-off part."""
        if step.refund is None:
            raise DemoStepFailed(f"{plan.order_no}: a refund step without a refund")
        index, status, amount = step.refund
        line = OrderLine.objects.get(
            order_id=self.order_id(plan, step.part),
            merchant_code=plan.lines[index].merchant_code,
        )
        lifecycle.set_line_refund(
            actor=self.user(step.actor), line=line, refund_status=status, refund_amount=amount
        )

    # ------------------------------------------------------------ the warehouse

    def advance(self, before: str, after: str, plan: OrderPlan, step: Step) -> None:
        """Printed, then packed (the shipping module's steps, not built yet)."""
        order_id = self.order_id(plan, step.part)
        if before == OrderStatus.APPROVED:
            self._approve_if_held(order_id)
        with transaction.atomic():
            order = lifecycle.lock_order(order_id)
            if order.status != before:
                raise DemoStepFailed(f"{order}: {order.status}, not {before}")
            lifecycle.set_status(self.user(step.actor), order, after)

    def _approve_if_held(self, order_id: int) -> None:
        """Customer service approves what a rule held that the plan did not expect held
        (a rule a manager added), before the printing wave."""
        status = Order.objects.filter(pk=order_id).values_list("status", flat=True).get()
        if status in lifecycle.REVIEWABLE:
            lifecycle.approve_order(actor=self.user(CS), order_id=order_id)

    def ship(self, plan: OrderPlan, step: Step) -> None:
        lifecycle.ship_order(
            actor=self.user(step.actor),
            order_id=self.order_id(plan, step.part),
            courier=step.courier,
            tracking_no=step.tracking_no,
            notify_channel=False,  # the demo's past shipments are no news to the channels
        )
