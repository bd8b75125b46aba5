"""Writes the planned purchase orders through the purchasing services, as timed events:
the buyer (buyer1) drafts and places them, the warehouse (warehouse1) receives the goods
and the replacements, finance (finance1) pays the suppliers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

from zhanggui.demo import data_stock as story
from zhanggui.demo.clock import Event
from zhanggui.demo.plan_purchases import OrderPlan
from zhanggui.purchasing import services
from zhanggui.purchasing.models import ExchangeList, PurchaseOrderLine
from zhanggui.purchasing.status import PurchaseOrderStatus


class _Order:
    """One planned order's events, sharing the ids the services hand back."""

    def __init__(
        self, plan: OrderPlan, supplier_id: int, users: dict[str, Any], today: date
    ) -> None:
        self.plan, self.supplier_id, self.users, self.today = plan, supplier_id, users, today
        self.order_id = 0
        self.exchange_id: int | None = None

    def _day(self, offset: int | None) -> date | None:
        return None if offset is None else self.today + timedelta(days=offset)

    def create(self) -> None:
        plan = self.plan
        data = services.PurchaseOrderInput(
            supplier_id=self.supplier_id,
            expected_on=self._day(plan.script.expected),
            transport_cost=str(plan.transport),
            note=plan.script.note,
            lines=[
                services.LineInput(line.merchant_code, line.quantity, str(line.unit_cost))
                for line in plan.lines
            ],
        )
        order = services.create_purchase_order(actor=self.users["buyer1"], data=data)
        self.order_id = order.pk

    def place(self) -> None:
        # These styles sold before the shop kept its books in Zhanggui: re-orders, which
        # the first-order cap (meant for new styles) would otherwise stop.
        services.place_purchase_order(
            actor=self.users["buyer1"],
            purchase_order_id=self.order_id,
            confirm_over_first_order_cap=True,
        )

    def receive(self) -> None:
        lines = dict(
            PurchaseOrderLine.objects.filter(purchase_order_id=self.order_id).values_list(
                "sku__merchant_code", "pk"
            )
        )
        counts = [
            services.CountInput(lines[d.merchant_code], d.quantity, d.defective)
            for d in self.plan.delivered
        ]
        receipt = services.receive_purchase_order(
            actor=self.users["warehouse1"], purchase_order_id=self.order_id, counts=counts
        )
        exchange = ExchangeList.objects.filter(receipt=receipt).values_list("pk", flat=True)
        self.exchange_id = exchange.first()

    def settle_exchange(self) -> None:
        if self.exchange_id is None:
            return
        if self.plan.script.exchanged_back:
            exchange = ExchangeList.objects.get(pk=self.exchange_id)
            services.receive_exchange(
                actor=self.users["warehouse1"],
                exchange_list_id=self.exchange_id,
                counts={line.pk: line.outstanding for line in exchange.lines.all()},
            )
        else:
            services.close_exchange_list(
                actor=self.users["buyer1"], exchange_list_id=self.exchange_id
            )

    def pay(self, day: int, amount: Any, method: str) -> None:
        services.record_payment(
            actor=self.users["finance1"],
            supplier_id=self.supplier_id,
            amount=str(amount),
            paid_on=self._day(day),
            method=method,
            purchase_order_id=self.order_id,
        )

    def end(self) -> None:
        ending = (
            services.close_purchase_order
            if self.plan.script.status == PurchaseOrderStatus.CLOSED
            else services.cancel_purchase_order
        )
        ending(
            actor=self.users["buyer1"],
            purchase_order_id=self.order_id,
            note=self.plan.script.end_note,
        )

    def events(self) -> list[Event]:
        script = self.plan.script
        events = [Event(script.created, story.AT_ORDER_CREATED, self.create)]
        if script.placed is not None:
            events.append(Event(script.placed, story.AT_ORDER_PLACED, self.place))
        if script.received is not None and self.plan.delivered:
            events.append(Event(script.received, story.AT_RECEIVED, self.receive))
        if script.exchange_done is not None:
            events.append(Event(script.exchange_done, story.AT_EXCHANGE, self.settle_exchange))
        for day, amount, method in self.plan.payments:
            events.append(Event(day, story.AT_PAID, partial(self.pay, day, amount, method)))
        if script.ended is not None:
            events.append(Event(script.ended, story.AT_ORDER_ENDED, self.end))
        return events


def purchase_events(
    plans: Sequence[OrderPlan], *, supplier_ids: Sequence[int], users: dict[str, Any], today: date
) -> list[Event]:
    """Every planned order's events; `supplier_ids` in the order of the supplier plans."""
    return [
        event
        for plan in plans
        for event in _Order(plan, supplier_ids[plan.supplier], users, today).events()
    ]
