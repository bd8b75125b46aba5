"""The daily reconciliation: for one Shanghai day, the trades the channel says were created
against the orders we hold, and every order missing on either side."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.utils import timezone

from zhanggui.channels.connectors import connector_for
from zhanggui.channels.connectors.base import ChannelError
from zhanggui.channels.models import Reconciliation, ReconciliationStatus, ShopConnection
from zhanggui.channels.rules import SHANGHAI, day_bounds
from zhanggui.channels.services.sync import active_connections
from zhanggui.orders.models import Order

logger = logging.getLogger(__name__)


def yesterday(now: datetime | None = None) -> date:
    """The last whole Shanghai day before `now`."""
    return (now or timezone.now()).astimezone(SHANGHAI).date() - timedelta(days=1)


def our_order_nos(connection: ShopConnection, start: datetime, end: datetime) -> set[str]:
    """The shop's trades created in [start, end) as we hold them (split parts count once)."""
    return set(
        Order.objects.filter(
            shop=connection.shop, part=0, ordered_at__gte=start, ordered_at__lt=end
        ).values_list("order_no", flat=True)
    )


def reconcile_day(
    *, connection: ShopConnection, day: date, now: datetime | None = None
) -> Reconciliation:
    """Compare one shop's day with its channel and store the result (replacing an earlier
    check of the same day). A channel failure is stored as a failed check, not raised."""
    start, end = day_bounds(day)
    values: dict[str, object] = {"checked_at": now or timezone.now(), "error": ""}
    try:
        channel = connector_for(connection).orders_created(start, end)
    except ChannelError as error:
        logger.warning("reconciling %s on %s failed: %s", connection.shop.code, day, error)
        values.update(
            status=ReconciliationStatus.FAILED,
            error=error.message,
            channel_count=0,
            missing_here=[],
            missing_on_channel=[],
        )
        values["our_count"] = len(our_order_nos(connection, start, end))
    else:
        ours = our_order_nos(connection, start, end)
        missing_here = sorted(channel.order_nos - ours, key=_number_order)
        missing_on_channel = sorted(ours - channel.order_nos, key=_number_order)
        matched = not missing_here and not missing_on_channel and channel.total == len(ours)
        values.update(
            status=ReconciliationStatus.MATCHED if matched else ReconciliationStatus.DIFFERS,
            channel_count=channel.total,
            our_count=len(ours),
            missing_here=missing_here,
            missing_on_channel=missing_on_channel,
        )
    reconciliation, _created = Reconciliation.objects.update_or_create(
        shop=connection.shop, day=day, defaults=values
    )
    return reconciliation


def _number_order(order_no: str) -> tuple[int, str]:
    return (len(order_no), order_no)


def reconcile_all(
    *, day: date | None = None, shop_code: str = "", now: datetime | None = None
) -> list[Reconciliation]:
    """Reconcile every connected shop (or the one named) for `day` (default: yesterday)."""
    day = day or yesterday(now)
    return [
        reconcile_day(connection=connection, day=day, now=now)
        for connection in active_connections(shop_code)
    ]
