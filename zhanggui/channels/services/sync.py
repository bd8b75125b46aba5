"""Taking orders and refunds from the channels: window by window of modified times, each
window stored whole before the watermark moves past it (so nothing is missed), every order
through intake (so nothing is taken twice).

A shop's sync of one kind runs under a lease on its watermark, so the scheduled job and a
person's "sync now" never take the same windows at once."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from django.db.models import Q
from django.utils import timezone

from zhanggui.channels import rules
from zhanggui.channels.connectors import connector_for
from zhanggui.channels.connectors.base import ChannelError, Connector, PulledOrder, PulledRefund
from zhanggui.channels.models import (
    OutboxMessage,
    OutboxStatus,
    RunStatus,
    Shop,
    ShopConnection,
    SyncFailure,
    SyncKind,
    SyncRun,
    SyncWatermark,
)
from zhanggui.channels.rules import Window
from zhanggui.channels.services.failures import clear_failures, record_failure
from zhanggui.core.errors import InvalidInput
from zhanggui.orders.models import OrderLine, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import OrderInput
from zhanggui.orders.services.intake import Outcome, receive_order

logger = logging.getLogger(__name__)

# A run holds its lease this long per window; a crashed run frees it by itself.
LEASE: Final = timedelta(minutes=15)
# Trades retried one by one per run, at most (each is one call to the channel).
MAX_TRADE_RETRIES: Final = 100
AUTO_REVIEW_MODULE: Final = "zhanggui.orders.services.rules"
WINDOW: Final = ""  # SyncFailure.order_no of a failing window


@dataclass
class Counts:
    pulled: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    order_ids: list[int] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


# ---------------------------------------------------------------- entry points


def active_connections(shop_code: str = "") -> list[ShopConnection]:
    query = ShopConnection.objects.filter(is_active=True, shop__is_active=True)
    if shop_code:
        query = query.filter(shop__code=shop_code)
    return list(query.select_related("shop").order_by("shop__code"))


def sync_all(*, shop_code: str = "", now: datetime | None = None) -> list[SyncRun]:
    """Take what is due from every connected shop (or the one named): orders, then
    refunds, then the trades that failed before. Returns the runs, one per window."""
    runs: list[SyncRun] = []
    for connection in active_connections(shop_code):
        runs.extend(sync_shop(connection=connection, now=now))
    return runs


def sync_shop(*, connection: ShopConnection, now: datetime | None = None) -> list[SyncRun]:
    now = now or timezone.now()
    try:
        connector = connector_for(connection)
    except ChannelError as error:
        record_failure(
            shop=connection.shop,
            kind=SyncKind.ORDERS,
            order_no=WINDOW,
            error=error.message,
            retryable=False,
            now=now,
        )
        return []
    runs = sync_kind(connection=connection, connector=connector, kind=SyncKind.ORDERS, now=now)
    runs += sync_kind(connection=connection, connector=connector, kind=SyncKind.REFUNDS, now=now)
    retry_trades(connection=connection, connector=connector, now=now)
    return runs


def sync_kind(
    *, connection: ShopConnection, connector: Connector, kind: str, now: datetime
) -> list[SyncRun]:
    """Every window of one kind due for the shop, oldest first, until one fails or the
    present (less the safety lag) is reached."""
    shop = connection.shop
    blocked = SyncFailure.objects.filter(shop=shop, kind=kind, order_no=WINDOW).filter(
        Q(next_retry_at__isnull=True) | Q(next_retry_at__gt=now)
    )
    if blocked.exists():
        return []  # waiting for its backoff, or for a person
    watermark = _claim(connection, kind, now)
    if watermark is None:
        return []  # another run holds the lease
    runs: list[SyncRun] = []
    try:
        window = rules.next_window(watermark.taken_until, now)
        while window is not None:
            run = take_window(shop=shop, connector=connector, kind=kind, window=window, now=now)
            runs.append(run)
            if run.status != RunStatus.SUCCEEDED:
                break
            watermark.taken_until = run.window_end
            _extend_lease(watermark, now)
            window = rules.next_window(watermark.taken_until, now)
    finally:
        SyncWatermark.objects.filter(pk=watermark.pk).update(running_until=None)
    return runs


def _claim(connection: ShopConnection, kind: str, now: datetime) -> SyncWatermark | None:
    watermark, _created = SyncWatermark.objects.get_or_create(
        shop=connection.shop, kind=kind, defaults={"taken_until": connection.sync_from}
    )
    claimed = (
        SyncWatermark.objects.filter(pk=watermark.pk)
        .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
        .update(running_until=now + LEASE)
    )
    if claimed != 1:
        return None
    watermark.refresh_from_db()
    return watermark


def _extend_lease(watermark: SyncWatermark, now: datetime) -> None:
    SyncWatermark.objects.filter(pk=watermark.pk).update(
        running_until=max(now, timezone.now()) + LEASE
    )


# ---------------------------------------------------------------- one window


def take_window(
    *, shop: Shop, connector: Connector, kind: str, window: Window, now: datetime
) -> SyncRun:
    """Take one window and record it as a run. The watermark moves to the window's end
    only when every trade in it was stored or recorded as a failure."""
    run = SyncRun.objects.create(
        shop=shop,
        kind=kind,
        started_at=timezone.now(),
        window_start=window.start,
        window_end=window.end,
    )
    try:
        if kind == SyncKind.ORDERS:
            window, counts = _take_orders(shop, connector, window, now)
        else:
            counts = _take_refunds(shop, connector, window, now)
    except Exception as error:
        if isinstance(error, ChannelError):
            logger.warning("channel sync of %s %s failed: %s", shop.code, kind, error.message)
        else:  # a fault of ours: the window is retried like a channel failure
            logger.exception("channel sync of %s %s failed", shop.code, kind)
            error = ChannelError(f"{type(error).__name__}: {error}", retryable=True)
        failure = record_failure(
            shop=shop,
            kind=kind,
            order_no=WINDOW,
            error=error.message,
            retryable=error.retryable,
            now=now,
        )
        _finish(run, RunStatus.FAILED, Counts(), error=_failure_text(error, failure))
        return run
    # Only forwards: a run that finished a later window meanwhile keeps its watermark.
    SyncWatermark.objects.filter(shop=shop, kind=kind, taken_until__lt=window.end).update(
        taken_until=window.end
    )
    clear_failures(shop=shop, kind=kind, order_nos=[WINDOW])
    run.window_start, run.window_end = window.start, window.end
    _finish(run, RunStatus.SUCCEEDED, counts)
    if counts.order_ids:
        auto_review(counts.order_ids)
    return run


def _failure_text(error: ChannelError, failure: SyncFailure) -> str:
    if failure.next_retry_at is None:
        return error.message
    when = timezone.localtime(failure.next_retry_at).strftime("%Y-%m-%d %H:%M:%S")
    return f"{error.message} (retry {failure.attempts} at {when})"


def _finish(run: SyncRun, status: str, counts: Counts, *, error: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.pulled = counts.pulled
    run.created = counts.created
    run.updated = counts.updated
    run.unchanged = counts.unchanged
    run.rejected = counts.rejected
    run.error = error
    run.save()


def _take_orders(
    shop: Shop, connector: Connector, window: Window, now: datetime
) -> tuple[Window, Counts]:
    pages = connector.pull_orders(window.start, window.end)
    shorter = rules.shrink(window, pages.total)
    while shorter is not None:
        window = shorter
        pages = connector.pull_orders(window.start, window.end)
        shorter = rules.shrink(window, pages.total)
    counts = Counts()
    failing = _failing_trades(shop, SyncKind.ORDERS)
    seen: set[tuple[str, datetime | None]] = set()
    for page in pages.pages():
        for pulled in page:
            # Reading backwards meets a trade twice when others moved meanwhile.
            key = (pulled.order_no, pulled.modified_at)
            if key in seen:
                continue
            seen.add(key)
            store_pulled(shop, pulled, counts, failing, now)
    return window, counts


def _failing_trades(shop: Shop, kind: str) -> set[str]:
    query = SyncFailure.objects.filter(shop=shop, kind=kind).exclude(order_no=WINDOW)
    return set(query.values_list("order_no", flat=True))


def store_pulled(
    shop: Shop, pulled: PulledOrder, counts: Counts, failing: set[str], now: datetime
) -> bool:
    """Store one pulled trade through intake; a trade that cannot be stored becomes a
    failure of its own and does not hold the window back. True when stored."""
    counts.pulled += 1
    if pulled.data is None:
        counts.rejected += 1
        record_failure(
            shop=shop,
            kind=SyncKind.ORDERS,
            order_no=_failure_key(pulled.order_no),
            error=pulled.problem,
            retryable=False,
            now=now,
        )
        return False
    try:
        result = receive_order(actor=None, data=with_known_refunds(shop, pulled.data))
    except InvalidInput as error:
        counts.rejected += 1
        text = "; ".join(f"{name}: {', '.join(msgs)}" for name, msgs in error.fields.items())
        record_failure(
            shop=shop,
            kind=SyncKind.ORDERS,
            order_no=_failure_key(pulled.order_no),
            error=text,
            retryable=False,
            now=now,
        )
        return False
    except Exception as error:  # a fault of ours: keep the window going, retry the trade
        logger.exception("storing trade %s of shop %s failed", pulled.order_no, shop.code)
        counts.rejected += 1
        record_failure(
            shop=shop,
            kind=SyncKind.ORDERS,
            order_no=_failure_key(pulled.order_no),
            error=f"{type(error).__name__}: {error}",
            retryable=True,
            now=now,
        )
        return False
    counts.add(result.outcome)
    if result.outcome != Outcome.UNCHANGED:
        counts.order_ids.append(result.order.pk)
    if pulled.order_no in failing:
        clear_failures(shop=shop, kind=SyncKind.ORDERS, order_nos=[pulled.order_no])
        failing.discard(pulled.order_no)
    return True


def _failure_key(order_no: str) -> str:
    # Never the window's empty key: a trade without a number must not block the shop.
    return order_no[:40] or "?"


def with_known_refunds(shop: Shop, data: OrderInput) -> OrderInput:
    """The trade's lines carry refund states but no amounts (those come from the refund
    API): keep the amount the refund sync already stored, so the two never undo each
    other."""
    if all(line.refund_status == RefundStatus.NONE for line in data.lines):
        return data
    known = dict(
        OrderLine.objects.filter(
            order__shop=shop, order__channel=data.channel, order__order_no=data.order_no
        )
        .exclude(oid="")
        .values_list("oid", "refund_amount")
    )
    lines = tuple(
        replace(line, refund_amount=known[line.oid])
        if line.refund_status != RefundStatus.NONE and line.oid in known and not line.refund_amount
        else line
        for line in data.lines
    )
    return replace(data, lines=lines)


# ---------------------------------------------------------------- refunds


def _take_refunds(shop: Shop, connector: Connector, window: Window, now: datetime) -> Counts:
    counts = Counts()
    failing = _failing_trades(shop, SyncKind.REFUNDS)
    for page in connector.pull_refunds(window.start, window.end):
        for refund in page:
            counts.pulled += 1
            try:
                counts.add(apply_refund(shop, refund))
                if refund.order_no in failing:
                    clear_failures(shop=shop, kind=SyncKind.REFUNDS, order_nos=[refund.order_no])
                    failing.discard(refund.order_no)
            except Exception as error:
                # Shown with the failures; the refund comes again when it next changes.
                logger.exception("refund %s of shop %s failed", refund.refund_id, shop.code)
                counts.rejected += 1
                record_failure(
                    shop=shop,
                    kind=SyncKind.REFUNDS,
                    order_no=refund.order_no[:40],
                    error=f"{type(error).__name__}: {error}",
                    retryable=False,
                    now=now,
                )
    return counts


def apply_refund(shop: Shop, refund: PulledRefund) -> str:
    """Set the refund on the line it concerns (in whichever part of a split order it
    is). A trade we do not hold yet is left to the order sync: `unchanged`."""
    lines = list(
        OrderLine.objects.filter(order__shop=shop, order__order_no=refund.order_no).order_by("pk")
    )
    matching = [line for line in lines if line.oid == refund.sub_order_no]
    if not matching and len(lines) == 1 and refund.sub_order_no == refund.order_no:
        matching = lines  # a one-line trade: TOP gives the trade's number as the line's
    changed = False
    for line in matching:
        if (
            line.refund_status == refund.refund_status
            and line.refund_amount == refund.refund_amount
        ):
            continue
        lifecycle.set_line_refund(
            actor=None,
            line=line,
            refund_status=refund.refund_status,
            refund_amount=refund.refund_amount,
        )
        changed = True
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


# ---------------------------------------------------------------- failed trades


def retry_trades(*, connection: ShopConnection, connector: Connector, now: datetime) -> Counts:
    """Fetch again (trade.fullinfo) each failed trade whose retry is due, and store it."""
    shop = connection.shop
    due = (
        SyncFailure.objects.filter(shop=shop, kind=SyncKind.ORDERS, next_retry_at__lte=now)
        .exclude(order_no=WINDOW)
        .order_by("next_retry_at", "pk")[:MAX_TRADE_RETRIES]
    )
    counts = Counts()
    failing = _failing_trades(shop, SyncKind.ORDERS)
    for failure in list(due):
        try:
            pulled = connector.pull_order(failure.order_no)
        except ChannelError as error:
            record_failure(
                shop=shop,
                kind=SyncKind.ORDERS,
                order_no=failure.order_no,
                error=error.message,
                retryable=error.retryable,
                now=now,
            )
            continue
        store_pulled(shop, pulled, counts, failing, now)
    if counts.order_ids:
        auto_review(counts.order_ids)
    return counts


# ---------------------------------------------------------------- after a window


def auto_review(order_ids: Sequence[int]) -> None:
    """Hand new and changed orders to the review rules, when the rules module exists.
    The orders are stored either way; a rule failing leaves them for a person."""
    if importlib.util.find_spec(AUTO_REVIEW_MODULE) is None:
        return
    module = importlib.import_module(AUTO_REVIEW_MODULE)
    review = getattr(module, "auto_review", None)
    if review is None:
        return
    ids = list(dict.fromkeys(order_ids))
    # Only what the rules have not looked at: an order a person released or flagged
    # stays theirs, even when the channel changed it since.
    reviewable = getattr(module, "reviewable_by_rules", None)
    if reviewable is not None:
        ids = list(reviewable().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    try:
        _call_with_ids(review, ids)
    except Exception:
        logger.exception("auto review of %d synced orders failed", len(ids))


def _call_with_ids(function: Any, ids: list[int]) -> None:
    """auto_review(order_ids) or auto_review(*, order_ids, actor): whichever it is."""
    parameters = inspect.signature(function).parameters
    kwargs: dict[str, Any] = {}
    if "actor" in parameters:
        kwargs["actor"] = None
    first = parameters.get("order_ids")
    if first is not None and first.kind == inspect.Parameter.KEYWORD_ONLY:
        function(order_ids=ids, **kwargs)
    else:
        function(ids, **kwargs)


def prune_history(*, now: datetime | None = None, keep_days: int = 30) -> int:
    """Forget runs older than `keep_days` (the sync makes a few hundred a day per shop) and
    pushes sent more than three times as long ago. Returns how many rows went."""
    now = now or timezone.now()
    runs, _by_model = SyncRun.objects.filter(
        started_at__lt=now - timedelta(days=keep_days)
    ).delete()
    sent, _by_model = OutboxMessage.objects.filter(
        status=OutboxStatus.SENT, sent_at__lt=now - timedelta(days=keep_days * 3)
    ).delete()
    return runs + sent
