"""Changes waiting to be pushed to the channels (shipments, stock levels).

Services queue a message after their own commit (a shipment, a listing sold out); a
background task sends what is due and retries failures with backoff (rules.backoff). A
message that cannot succeed by waiting (an unknown courier, a refused session) or that
failed too often stops as FAILED until a person retries it. Shops without an active
connection are skipped: queueing for them is a no-op."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from zhanggui.channels import rules
from zhanggui.channels.connectors import connector_for, has_connector
from zhanggui.channels.connectors.base import ChannelError, Connector, ShipmentPush, StockPush
from zhanggui.channels.models import OutboxKind, OutboxMessage, OutboxStatus, Shop, ShopConnection

logger = logging.getLogger(__name__)

# A claimed message is someone's for this long; a crashed sender frees it by itself.
LEASE: Final = timedelta(minutes=5)
BATCH: Final = 200


@dataclass(frozen=True)
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


# ---------------------------------------------------------------- queueing


def queue_shipments(order_ids: Sequence[int]) -> list[OutboxMessage]:
    """Orders just shipped (called after commit): tell each one's channel the courier and
    tracking number. A part of a split order names its sub-orders, so the channel knows
    which lines left."""
    from zhanggui.orders.models import Order, OrderStatus

    orders = list(
        Order.objects.filter(
            pk__in=list(order_ids),
            status=OrderStatus.SHIPPED,
            shop__connection__is_active=True,
        )
        .select_related("shop")
        .prefetch_related("lines")
        .order_by("pk")
    )
    messages = []
    for order in orders:
        if not has_connector(order.shop.channel) or not order.tracking_no:
            continue
        split = order.part > 0 or Order.objects.filter(split_from=order).exists()
        oids = sorted({line.oid for line in order.lines.all() if line.oid}) if split else []
        payload = {
            "order_no": order.order_no,
            "courier": order.courier,
            "tracking_no": order.tracking_no,
            "sub_order_nos": oids,
        }
        if _already_sent(order.shop, f"order:{order.pk}", payload):
            continue
        messages.append(
            _queue(
                shop=order.shop,
                kind=OutboxKind.SHIPMENT,
                subject=f"order:{order.pk}",
                payload=payload,
                order_id=order.pk,
            )
        )
    if messages:
        _kick()
    return messages


def queue_stock_pushes(listing_ids: Sequence[int]) -> list[OutboxMessage]:
    """Listings that sold out or came back (called after commit): push their SKUs' stock
    to the channel. The quantities are read when the message is sent, so a push always
    carries the stock of that moment, however long it waited."""
    from zhanggui.catalog.models import Listing

    listings = list(
        Listing.objects.filter(pk__in=list(listing_ids), shop__connection__is_active=True)
        .select_related("shop")
        .order_by("pk")
    )
    messages = []
    for listing in listings:
        if not has_connector(listing.shop.channel):
            continue
        if not listing.channel_item_id:
            logger.warning("listing %s has no channel item id: stock not pushed", listing.pk)
            continue
        messages.append(
            _queue(
                shop=listing.shop,
                kind=OutboxKind.STOCK,
                subject=f"listing:{listing.pk}",
                payload={"listing_id": listing.pk, "item_id": listing.channel_item_id},
            )
        )
    if messages:
        _kick()
    return messages


def _already_sent(shop: Shop, subject: str, payload: dict[str, Any]) -> bool:
    sent = OutboxMessage.objects.filter(shop=shop, subject=subject, status=OutboxStatus.SENT)
    return any(told == payload for told in sent.values_list("payload", flat=True))


def _queue(
    *, shop: Shop, kind: str, subject: str, payload: dict[str, Any], order_id: int | None = None
) -> OutboxMessage:
    """One pending message per subject: a newer change replaces the waiting one's payload
    and makes it due now."""
    now = timezone.now()
    fields = {"payload": payload, "next_attempt_at": now, "order_id": order_id}
    pending = Q(shop=shop, kind=kind, subject=subject, status=OutboxStatus.PENDING)
    message = OutboxMessage.objects.filter(pending).first()
    if message is None:
        try:
            with transaction.atomic():
                return OutboxMessage.objects.create(shop=shop, kind=kind, subject=subject, **fields)
        except IntegrityError:  # queued by someone else between our look and our insert
            message = OutboxMessage.objects.get(pending)
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    message.refresh_from_db()
    return message


def _kick() -> None:
    """Send soon, in the background. Runs after the caller's commit: a queue that cannot
    take the task must not fail a shipment already made; the every-minute job sends the
    message anyway."""
    from zhanggui.channels.tasks import push_channel_outbox

    try:
        push_channel_outbox.enqueue()
    except Exception:
        logger.exception("could not queue the outbox push; the scheduled job will send it")


def retry_now(*, message_id: int) -> OutboxMessage:
    """A person retries a failed (or waiting) message: due now, attempts counted afresh."""
    message = OutboxMessage.objects.get(pk=message_id)
    if message.status == OutboxStatus.SENT:
        return message
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    message.refresh_from_db()
    return message


# ---------------------------------------------------------------- sending


def send_due(*, now: datetime | None = None, limit: int = BATCH) -> SendSummary:
    """Send every pending message whose time has come, oldest first. Each message is
    claimed with a conditional update, so two senders never push the same one."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .select_related("shop")
        .order_by("next_attempt_at", "pk")[:limit]
    )
    connectors: dict[int, Connector | ChannelError] = {}
    sent = retrying = failed = 0
    for message in due:
        claimed = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.PENDING, next_attempt_at=message.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
        if claimed != 1:
            continue
        outcome = _send_one(message, _connector(connectors, message.shop), now)
        sent += outcome == OutboxStatus.SENT
        failed += outcome == OutboxStatus.FAILED
        retrying += outcome == OutboxStatus.PENDING
    return SendSummary(sent=sent, retrying=retrying, failed=failed)


def _connector(cache: dict[int, Connector | ChannelError], shop: Shop) -> Connector | ChannelError:
    if shop.pk not in cache:
        connection = ShopConnection.objects.filter(shop=shop, is_active=True).first()
        if connection is None:
            cache[shop.pk] = ChannelError("the shop has no active connection", retryable=False)
        else:
            try:
                cache[shop.pk] = connector_for(connection)
            except ChannelError as error:
                cache[shop.pk] = error
    return cache[shop.pk]


def _send_one(message: OutboxMessage, connector: Connector | ChannelError, now: datetime) -> str:
    attempts = message.attempts + 1
    try:
        if isinstance(connector, ChannelError):
            raise connector
        if message.kind == OutboxKind.SHIPMENT:
            _push_shipment(message, connector)
        else:
            _push_stock(message, connector)
    except ChannelError as error:
        give_up = not error.retryable or attempts >= rules.MAX_PUSH_ATTEMPTS
        status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
        next_at = now if give_up else now + rules.backoff(attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=status, attempts=attempts, next_attempt_at=next_at, last_error=error.message
        )
        logger.warning("outbox %s to %s: %s", message.pk, message.shop.code, error.message)
        return status
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
    )
    return OutboxStatus.SENT


def _push_shipment(message: OutboxMessage, connector: Connector) -> None:
    payload = message.payload
    sub_order_nos = tuple(payload.get("sub_order_nos") or ())
    if sub_order_nos:
        # A line split by quantity ships in two parcels, but the channel takes each
        # sub-order once: the first parcel tells it.
        told = _sub_orders_told(message.shop, payload["order_no"])
        sub_order_nos = tuple(oid for oid in sub_order_nos if oid not in told)
        if not sub_order_nos:
            return
    connector.push_shipment(
        ShipmentPush(
            order_no=payload["order_no"],
            courier=payload["courier"],
            tracking_no=payload["tracking_no"],
            sub_order_nos=sub_order_nos,
        )
    )


def _sub_orders_told(shop: Shop, order_no: str) -> set[str]:
    told: set[str] = set()
    sent = OutboxMessage.objects.filter(
        shop=shop, kind=OutboxKind.SHIPMENT, status=OutboxStatus.SENT, payload__order_no=order_no
    )
    for payload in sent.values_list("payload", flat=True):
        told.update(payload.get("sub_order_nos") or ())
    return told


def _push_stock(message: OutboxMessage, connector: Connector) -> None:
    from zhanggui.catalog.models import Listing, Sku
    from zhanggui.inventory.models import StockLevel

    listing = Listing.objects.filter(pk=message.payload["listing_id"]).first()
    if listing is None or not listing.channel_item_id:
        raise ChannelError("the listing is gone or has no channel item id", retryable=False)
    skus = list(Sku.objects.filter(product_id=listing.product_id).order_by("pk"))
    available = dict(
        StockLevel.objects.filter(sku__in=skus, warehouse__is_sellable=True)
        .values("sku_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .values_list("sku_id", "units")
    )
    quantities = tuple(
        # An inactive SKU is not for sale: the channel gets 0 for it.
        (sku.merchant_code, max(int(available.get(sku.pk) or 0), 0) if sku.is_active else 0)
        for sku in skus
    )
    if not quantities:
        raise ChannelError("the product has no SKUs", retryable=False)
    connector.push_stock(StockPush(item_id=listing.channel_item_id, quantities=quantities))
