"""The order and refund sync against the fake TOP router."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from zhanggui.channels import rules
from zhanggui.channels.connectors import taobao
from zhanggui.channels.connectors.top_client import TopClient
from zhanggui.channels.models import (
    RunStatus,
    SyncFailure,
    SyncKind,
    SyncRun,
    SyncWatermark,
)
from zhanggui.channels.services import failures, sync
from zhanggui.channels.tests.fake_top import top_time, trade
from zhanggui.core.models import AuditEntry
from zhanggui.orders.models import Flag, Order, OrderSource, OrderStatus, RefundStatus
from zhanggui.orders.tests.factories import make_skus

TID = 3028689418086000


@pytest.fixture
def skus(db):
    return make_skus(None, "TB-1-S", "TB-1-M", on_hand=20)


def _orders() -> dict[str, Order]:
    return {order.order_no: order for order in Order.objects.prefetch_related("lines")}


def _run(kind: str = SyncKind.ORDERS) -> SyncRun:
    return SyncRun.objects.filter(kind=kind).order_by("-pk").first()


def test_sync_pulls_new_orders_with_their_lines_receiver_flags_and_amounts(
    connection, fake_top, t0, skus
):
    fake_top.add_trade(
        trade(
            TID + 1,
            modified=t0 - timedelta(hours=2),
            lines=[("TB-1-S", 2, "59.00"), ("TB-1-M", 1, "69.00")],
            post_fee="10.00",
            discount_fee="5.00",
            seller_flag=3,
            seller_memo="已收银行转账",
            buyer_message="周末送货",
        )
    )
    fake_top.add_trade(trade(TID + 2, modified=t0 - timedelta(hours=1), status="WAIT_BUYER_PAY"))

    runs = sync.sync_all(now=t0)

    assert [(run.kind, run.status) for run in runs] == [
        (SyncKind.ORDERS, RunStatus.SUCCEEDED),
        (SyncKind.REFUNDS, RunStatus.SUCCEEDED),
    ]
    run = runs[0]
    assert (run.pulled, run.created, run.updated, run.unchanged, run.rejected) == (2, 2, 0, 0, 0)
    assert run.window_start == connection.sync_from - rules.OVERLAP
    assert run.window_end == t0 - rules.SAFETY_LAG
    orders = _orders()
    paid = orders[str(TID + 1)]
    assert paid.status == OrderStatus.TO_REVIEW
    assert paid.source == OrderSource.SYNC
    assert paid.shop == connection.shop
    assert paid.channel_status == "WAIT_SELLER_SEND_GOODS"
    assert (paid.goods_amount, paid.post_fee, paid.discount_amount, paid.paid_amount) == (
        Decimal("187.00"),
        Decimal("10.00"),
        Decimal("5.00"),
        Decimal("192.00"),
    )
    assert paid.flag == Flag.GREEN
    assert paid.seller_memo == "已收银行转账"
    assert paid.buyer_message == "周末送货"
    assert (paid.receiver_name, paid.receiver_phone) == ("张三", "13812345678")
    assert (paid.receiver_province, paid.receiver_city, paid.receiver_district) == (
        "浙江省",
        "杭州市",
        "西湖区",
    )
    assert paid.channel_modified_at == t0 - timedelta(hours=2)
    lines = sorted(paid.lines.all(), key=lambda line: line.oid)
    assert [(line.sku, line.quantity, line.price, line.oid) for line in lines] == [
        (skus[0], 2, Decimal("59.00"), f"{TID + 1}01"),
        (skus[1], 1, Decimal("69.00"), f"{TID + 1}02"),
    ]
    assert orders[str(TID + 2)].status == OrderStatus.AWAITING_PAYMENT
    watermark = SyncWatermark.objects.get(shop=connection.shop, kind=SyncKind.ORDERS)
    assert watermark.taken_until == t0 - rules.SAFETY_LAG
    assert watermark.running_until is None


def test_running_again_takes_nothing_twice(connection, fake_top, t0, skus):
    # Modified a minute before the first window's end: inside the second window's overlap.
    fake_top.add_trade(trade(TID + 1, modified=t0 - rules.SAFETY_LAG - timedelta(minutes=1)))
    fake_top.add_trade(trade(TID + 2, modified=t0 - timedelta(hours=3)))
    sync.sync_all(now=t0)
    audit_entries = AuditEntry.objects.count()

    assert sync.sync_all(now=t0) == []  # nothing new can be asked for yet
    runs = sync.sync_all(now=t0 + timedelta(minutes=10))

    run = runs[0]
    assert (run.pulled, run.created, run.updated, run.unchanged) == (1, 0, 0, 1)
    assert Order.objects.count() == 2
    assert AuditEntry.objects.count() == audit_entries


def test_a_trade_modified_later_updates_the_order(connection, fake_top, t0, skus):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    sync.sync_all(now=t0)
    fake_top.change_trade(
        TID + 1, modified=t0 + timedelta(minutes=20), seller_flag=2, seller_memo="缺货等几天"
    )

    runs = sync.sync_all(now=t0 + timedelta(hours=1))

    assert (runs[0].pulled, runs[0].updated) == (1, 1)
    order = Order.objects.get(order_no=str(TID + 1))
    assert (order.flag, order.seller_memo) == (Flag.YELLOW, "缺货等几天")
    assert order.channel_modified_at == t0 + timedelta(minutes=20)
    assert Order.objects.count() == 1


def test_a_trade_closed_on_the_channel_closes_the_order(connection, fake_top, t0, skus):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    sync.sync_all(now=t0)
    fake_top.change_trade(TID + 1, modified=t0 + timedelta(minutes=5), status="TRADE_CLOSED")

    sync.sync_all(now=t0 + timedelta(hours=1))

    assert Order.objects.get(order_no=str(TID + 1)).status == OrderStatus.CLOSED


def _window_of_trades(fake_top, t0, count):
    """`count` trades in the first window, one minute apart, newest first in TOP's list."""
    return [
        fake_top.add_trade(trade(TID + n, modified=t0 - timedelta(minutes=10 + n)))
        for n in range(count)
    ]


def _change_during_the_read(fake_top, t0, *, on_call):
    """At the `on_call`-th call of the window, three of the newest trades and two of the
    oldest are modified (they leave the window: their modified time is now later) and
    three new trades arrive (after the window)."""
    state = {"calls": 0}

    def on_request(method, params):
        if method != "taobao.trades.sold.increment.get":
            return
        state["calls"] += 1
        if state["calls"] == on_call:
            for n in (0, 1, 2, 22, 23):
                fake_top.change_trade(
                    TID + n, modified=t0 + timedelta(minutes=1), seller_memo="改了地址"
                )
            for n in range(3):
                fake_top.add_trade(trade(TID + 900 + n, modified=t0 + timedelta(minutes=2)))

    fake_top.on_request = on_request


def test_paging_backwards_misses_nothing_while_trades_change_and_arrive(
    connection, fake_top, t0, skus, monkeypatch
):
    monkeypatch.setattr(taobao, "PAGE_SIZE", 10)
    _window_of_trades(fake_top, t0, 25)
    # The third call reads page 2, after page 3: the newest trades' leaving moves every
    # later trade up a place.
    _change_during_the_read(fake_top, t0, on_call=3)

    first = sync.sync_all(now=t0)[0]

    # Every trade that stayed in the window is stored; the three that left it before we
    # reached them are not lost: their new modified time is in the next window.
    assert first.status == RunStatus.SUCCEEDED
    assert set(Order.objects.values_list("order_no", flat=True)) == {
        str(TID + n) for n in range(3, 25)
    }
    increments = fake_top.calls_of("taobao.trades.sold.increment.get")
    assert [call["page_no"] for call in increments] == ["1", "3", "2", "1"]
    assert [call["use_has_next"] for call in increments] == ["false", "true", "true", "false"]
    assert [call["page_size"] for call in increments] == ["10"] * 4
    # The changed and the new trades come with the next window; nothing is doubled.
    second = sync.sync_all(now=t0 + timedelta(minutes=10))[0]
    assert (second.created, second.updated, second.unchanged) == (6, 2, 0)
    assert Order.objects.count() == 28
    changed = Order.objects.filter(order_no__in=[str(TID + n) for n in (0, 1, 2, 22, 23)])
    assert {order.seller_memo for order in changed} == {"改了地址"}


def test_forward_paging_would_have_missed_trades(connection, fake_top, t0):
    """The reason for reading backwards, shown on the fake: the same changes during a
    forward read lose trades for good (they stay behind the watermark)."""
    _window_of_trades(fake_top, t0, 25)
    _change_during_the_read(fake_top, t0, on_call=2)
    client = TopClient(
        gateway_url=fake_top.url,
        app_key=fake_top.app_key,
        app_secret=fake_top.app_secret,
        session=fake_top.session,
    )
    seen = set()
    for page_no in (1, 2, 3):
        body = client.call(
            "taobao.trades.sold.increment.get",
            {
                "fields": "tid,modified",
                "start_modified": top_time(t0 - timedelta(hours=1)),
                "end_modified": top_time(t0 - rules.SAFETY_LAG),
                "page_no": page_no,
                "page_size": 10,
            },
        )
        seen.update(item["tid"] for item in body.get("trades", {}).get("trade", []))
    assert {TID + 10, TID + 11, TID + 12}.isdisjoint(seen)


def test_a_trade_indexed_late_inside_the_window_makes_the_window_read_again(
    connection, fake_top, t0, skus, monkeypatch
):
    monkeypatch.setattr(taobao, "PAGE_SIZE", 10)
    _window_of_trades(fake_top, t0, 25)
    state = {"calls": 0}

    def on_request(method, params):
        state["calls"] += 1
        if state["calls"] == 3:  # the channel indexes a trade late, on the page already read
            fake_top.add_trade(trade(TID + 500, modified=t0 - timedelta(minutes=40)))

    fake_top.on_request = on_request

    run = sync.sync_all(now=t0)[0]

    assert run.created == 26
    pages = [call["page_no"] for call in fake_top.calls_of("taobao.trades.sold.increment.get")]
    assert pages == ["1", "3", "2", "1", "3", "2", "1"]


def test_listed_trades_without_their_lines_are_completed_through_fullinfo(
    connection, fake_top, t0, skus
):
    fake_top.omit_in_list = {"orders"}
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    fake_top.add_trade(trade(TID + 2, modified=t0 - timedelta(hours=2)))

    sync.sync_all(now=t0)

    fullinfo = fake_top.calls_of("taobao.trade.fullinfo.get")
    assert sorted(call["tid"] for call in fullinfo) == [str(TID + 1), str(TID + 2)]
    assert Order.objects.get(order_no=str(TID + 1)).lines.get().sku == skus[0]


def test_a_window_longer_than_a_day_is_taken_a_day_at_a_time(connection, fake_top, t0, skus):
    connection.sync_from = t0 - timedelta(days=2, hours=1)
    connection.save()
    for days in (2, 1, 0):
        fake_top.add_trade(trade(TID + days, modified=t0 - timedelta(days=days, minutes=30)))

    runs = [run for run in sync.sync_all(now=t0) if run.kind == SyncKind.ORDERS]

    assert len(runs) == 3
    assert all(run.window_end - run.window_start <= timedelta(days=1) for run in runs)
    assert [run.created for run in runs] == [1, 1, 1]
    for call in fake_top.calls_of("taobao.trades.sold.increment.get"):
        assert call["start_modified"] < call["end_modified"]


def test_a_busy_window_is_halved_before_it_is_taken(connection, fake_top, t0, skus, monkeypatch):
    monkeypatch.setattr(rules, "MAX_TRADES_PER_WINDOW", 2)
    for n in range(4):
        fake_top.add_trade(trade(TID + n, modified=t0 - timedelta(hours=5, minutes=-n * 60)))

    runs = [run for run in sync.sync_all(now=t0) if run.kind == SyncKind.ORDERS]

    assert len(runs) > 1
    assert sum(run.created for run in runs) == 4
    assert all(run.status == RunStatus.SUCCEEDED for run in runs)


# ---------------------------------------------------------------- failures


def test_a_failing_window_retries_with_backoff_and_the_watermark_stays(
    connection, fake_top, t0, skus
):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    fake_top.fail(
        method="taobao.trades.sold.increment.get",
        code=7,
        msg="App Call Limited",
        sub_code="accesscontrol.limited-by-app-access-count",
        sub_msg="This ban will last for 1 more seconds",
        times=2,
    )

    run = sync.sync_all(now=t0)[0]

    assert run.status == RunStatus.FAILED
    assert "App Call Limited" in run.error
    failure = SyncFailure.objects.get(kind=SyncKind.ORDERS, order_no="")
    assert (failure.attempts, failure.next_retry_at) == (1, t0 + timedelta(minutes=1))
    watermark = SyncWatermark.objects.get(kind=SyncKind.ORDERS)
    assert watermark.taken_until == connection.sync_from
    assert not Order.objects.exists()
    # Before its time the failing window is not asked for again.
    assert [r.kind for r in sync.sync_all(now=t0 + timedelta(seconds=59))] == [SyncKind.REFUNDS]
    sync.sync_all(now=t0 + timedelta(minutes=1))
    failure.refresh_from_db()
    assert (failure.attempts, failure.next_retry_at) == (2, t0 + timedelta(minutes=3))

    later = t0 + timedelta(minutes=3)
    run = sync.sync_all(now=later)[0]

    assert run.status == RunStatus.SUCCEEDED
    assert run.created == 1
    assert not SyncFailure.objects.exists()
    watermark.refresh_from_db()
    assert watermark.taken_until == later - rules.SAFETY_LAG


def test_an_invalid_session_waits_for_a_person(connection, fake_top, t0, skus):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    connection.session_key = "expired"
    connection.save()

    sync.sync_all(now=t0)

    failure = SyncFailure.objects.get(kind=SyncKind.ORDERS, order_no="")
    assert failure.next_retry_at is None
    assert "27" in failure.last_error
    assert sync.sync_all(now=t0 + timedelta(days=1)) == []
    connection.session_key = fake_top.session
    connection.save()
    failures.retry_shop_now(shop_id=connection.shop_id, now=t0 + timedelta(days=1))
    runs = sync.sync_all(now=t0 + timedelta(days=1))
    assert runs[0].created == 1


def test_a_trade_that_cannot_be_stored_does_not_hold_the_window_back(
    connection, fake_top, t0, skus
):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    fake_top.add_trade(trade(TID + 2, modified=t0 - timedelta(hours=2), status="NEW_STATUS"))

    run = sync.sync_all(now=t0)[0]

    assert (run.status, run.created, run.rejected) == (RunStatus.SUCCEEDED, 1, 1)
    failure = SyncFailure.objects.get(order_no=str(TID + 2))
    assert "unknown trade status" in failure.last_error
    assert failure.next_retry_at is None
    assert SyncWatermark.objects.get(kind=SyncKind.ORDERS).taken_until == run.window_end

    # Fixed on the channel, retried by a person: fetched alone and stored.
    fake_top.change_trade(
        TID + 2, modified=t0 - timedelta(hours=2), status="WAIT_SELLER_SEND_GOODS"
    )
    failures.retry_now(failure_id=failure.pk, now=t0)
    sync.sync_all(now=t0)

    assert [call["tid"] for call in fake_top.calls_of("taobao.trade.fullinfo.get")] == [
        str(TID + 2)
    ]
    assert Order.objects.filter(order_no=str(TID + 2)).exists()
    assert not SyncFailure.objects.exists()


def test_two_runs_never_take_the_same_shop_at_once(connection, fake_top, t0, skus):
    SyncWatermark.objects.create(
        shop=connection.shop,
        kind=SyncKind.ORDERS,
        taken_until=connection.sync_from,
        running_until=t0 + timedelta(minutes=5),
    )
    assert [run.kind for run in sync.sync_all(now=t0)] == [SyncKind.REFUNDS]
    # A lease left by a crashed run runs out by itself.
    assert [run.kind for run in sync.sync_all(now=t0 + timedelta(minutes=6))] == [
        SyncKind.ORDERS,
        SyncKind.REFUNDS,
    ]


def test_inactive_connections_are_not_synced(connection, fake_top, t0):
    connection.is_active = False
    connection.save()
    assert sync.sync_all(now=t0) == []
    assert fake_top.calls == []


# ---------------------------------------------------------------- refunds


def test_a_refund_sets_its_line_and_a_later_order_sync_keeps_the_amount(
    connection, fake_top, t0, skus
):
    record = fake_top.add_trade(
        trade(
            TID + 1,
            modified=t0 - timedelta(hours=2),
            lines=[("TB-1-S", 1, "59.00"), ("TB-1-M", 1, "69.00")],
        )
    )
    sync.sync_all(now=t0)
    oid = str(record["orders"]["order"][1]["oid"])
    fake_top.add_refund(
        {
            "refund_id": "83477",
            "tid": TID + 1,
            "oid": int(oid),
            "status": "SUCCESS",
            "refund_fee": "69.00",
            "modified": top_time(t0 + timedelta(minutes=5)),
        }
    )
    record["orders"]["order"][1]["refund_status"] = "SUCCESS"
    fake_top.change_trade(TID + 1, modified=t0 + timedelta(minutes=5))

    runs = sync.sync_all(now=t0 + timedelta(minutes=30))

    refund_run = next(run for run in runs if run.kind == SyncKind.REFUNDS)
    assert (refund_run.pulled, refund_run.updated) == (1, 1)
    line = Order.objects.get(order_no=str(TID + 1)).lines.get(oid=oid)
    assert (line.refund_status, line.refund_amount) == (RefundStatus.REFUNDED, Decimal("69.00"))
    # The trade changes again: its lines still say SUCCESS, and the amount stays.
    fake_top.change_trade(TID + 1, modified=t0 + timedelta(minutes=40), seller_memo="退一件")
    sync.sync_all(now=t0 + timedelta(hours=1))
    line.refresh_from_db()
    assert (line.refund_status, line.refund_amount) == (RefundStatus.REFUNDED, Decimal("69.00"))


# ---------------------------------------------------------------- after a window


def test_new_orders_are_handed_to_the_review_rules_when_they_exist(connection, fake_top, t0, skus):
    from zhanggui.channels.tests import fake_rules

    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))

    sync.sync_all(now=t0)

    reviewed = fake_rules.REVIEWED
    assert reviewed == [[Order.objects.get().pk]]


def test_the_shops_review_rules_approve_synced_orders_and_hold_those_with_a_message(
    connection, fake_top, t0, skus, monkeypatch
):
    monkeypatch.setattr(sync, "AUTO_REVIEW_MODULE", "zhanggui.orders.services.rules")
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    fake_top.add_trade(trade(TID + 2, modified=t0 - timedelta(hours=1), buyer_message="发顺丰"))

    sync.sync_all(now=t0)

    statuses = dict(Order.objects.values_list("order_no", "status"))
    assert statuses == {str(TID + 1): OrderStatus.APPROVED, str(TID + 2): OrderStatus.ON_HOLD}


def test_without_review_rules_the_sync_still_stores(connection, fake_top, t0, skus, monkeypatch):
    monkeypatch.setattr(sync, "AUTO_REVIEW_MODULE", "zhanggui.channels.tests.no_such_module")
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    assert sync.sync_all(now=t0)[0].created == 1


def test_old_runs_and_long_sent_pushes_are_forgotten(connection, t0):
    from zhanggui.channels.models import OutboxMessage

    old = SyncRun.objects.create(
        shop=connection.shop,
        kind=SyncKind.ORDERS,
        started_at=t0 - timedelta(days=31),
        window_start=t0,
        window_end=t0,
    )
    recent = SyncRun.objects.create(
        shop=connection.shop,
        kind=SyncKind.ORDERS,
        started_at=t0 - timedelta(days=29),
        window_start=t0,
        window_end=t0,
    )
    for days, status in ((91, "sent"), (89, "sent"), (200, "failed")):
        OutboxMessage.objects.create(
            shop=connection.shop,
            kind="stock",
            subject=f"listing:{days}",
            status=status,
            next_attempt_at=t0,
            sent_at=t0 - timedelta(days=days),
        )

    assert sync.prune_history(now=t0) == 2

    assert list(SyncRun.objects.all()) == [recent]
    assert old.pk not in SyncRun.objects.values_list("pk", flat=True)
    assert sorted(OutboxMessage.objects.values_list("subject", flat=True)) == [
        "listing:200",
        "listing:89",
    ]
