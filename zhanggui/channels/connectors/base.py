"""What every channel connector does, whatever the channel: pull the orders changed in a
window, pull refunds, push a shipment, push stock levels, count a day's orders.

Connectors speak the channel's API and hand back plain values (OrderInput for orders);
they never touch the database. The sync services decide what to store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from zhanggui.orders.services.inputs import OrderInput


class ChannelError(Exception):
    """The channel refused a call or did not answer. `retryable`: the same call may
    succeed later (rate limit, the platform's own failure, a timeout); otherwise a person
    must act first (expired session, missing permission, a refused value)."""

    def __init__(self, message: str, *, retryable: bool, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code


@dataclass(frozen=True)
class PulledOrder:
    """One trade as the channel sent it: `data` when it could be read, else `problem`."""

    order_no: str
    data: OrderInput | None
    problem: str = ""
    modified_at: datetime | None = None


@dataclass(frozen=True)
class PulledRefund:
    refund_id: str
    order_no: str
    sub_order_no: str  # the channel's line id (oid); equals order_no for one-line trades
    refund_status: str  # a RefundStatus value
    refund_amount: Decimal
    channel_status: str = ""
    modified_at: datetime | None = None


@dataclass(frozen=True)
class ShipmentPush:
    order_no: str
    courier: str  # the courier as we know it (申通, STO, ...); the connector maps it
    tracking_no: str
    # Set when the parcel carries only some lines of the trade (a split order).
    sub_order_nos: tuple[str, ...] = ()


@dataclass(frozen=True)
class StockPush:
    item_id: str  # the channel's item id (num_iid)
    quantities: tuple[tuple[str, int], ...]  # (merchant code, units available)


@dataclass(frozen=True)
class ChannelDay:
    """The trades a channel says were created in a period."""

    total: int
    order_nos: frozenset[str]


class OrderPages(Protocol):
    """The trades changed in a window: `total` is known before any page is read."""

    total: int

    def pages(self) -> Iterator[list[PulledOrder]]: ...


class Connector(Protocol):
    def pull_orders(self, start: datetime, end: datetime) -> OrderPages: ...

    def pull_order(self, order_no: str) -> PulledOrder: ...

    def pull_refunds(self, start: datetime, end: datetime) -> Iterator[list[PulledRefund]]: ...

    def push_shipment(self, shipment: ShipmentPush) -> None: ...

    def push_stock(self, push: StockPush) -> None: ...

    def orders_created(self, start: datetime, end: datetime) -> ChannelDay: ...
