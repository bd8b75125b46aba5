"""The daily reconciliation of a shop's orders against its channel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from zhanggui.channels.models import Reconciliation, ReconciliationStatus
from zhanggui.channels.rules import SHANGHAI
from zhanggui.channels.services import reconciliation, sync
from zhanggui.channels.tests.fake_top import trade
from zhanggui.orders.models import Order
from zhanggui.orders.tests.factories import make_order, make_skus

DAY = date(2026, 11, 11)
TID = 3228689418086000


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def synced_day(connection, fake_top, db):
    """Three trades created on the 11th (Shanghai), one just before and one just after;
    all synced."""
    make_skus(None, "TB-1-S", on_hand=10)
    created = {
        TID + 1: _at(0, 0),
        TID + 2: _at(12, 30),
        TID + 3: _at(23, 59),
        TID + 4: _at(23, 59, day=date(2026, 11, 10)),
        TID + 5: _at(0, 0, day=date(2026, 11, 12)),
    }
    for tid, moment in created.items():
        fake_top.add_trade(trade(tid, created=moment, modified=moment + timedelta(minutes=1)))
    connection.sync_from = _at(0, 0, day=date(2026, 11, 10))
    connection.save()
    sync.sync_all(now=_at(6, 0, day=date(2026, 11, 12)))
    assert Order.objects.count() == 5
    return connection


def test_a_day_in_step_matches(synced_day, fake_top):
    check = reconciliation.reconcile_day(connection=synced_day, day=DAY)

    assert check.status == ReconciliationStatus.MATCHED
    assert (check.channel_count, check.our_count) == (3, 3)
    assert (check.missing_here, check.missing_on_channel) == ([], [])
    call = fake_top.calls_of("taobao.trades.sold.get")[0]
    assert (call["start_created"], call["end_created"]) == (
        "2026-11-11 00:00:00",
        "2026-11-11 23:59:59",
    )
    assert call["fields"] == "tid"


def test_orders_missing_on_either_side_are_listed(synced_day, fake_top, manager):
    fake_top.add_trade(trade(TID + 9, created=_at(9, 0), modified=_at(9, 1)))
    Order.objects.filter(order_no=str(TID + 2)).delete()
    ours_only = make_order(
        manager, ("TB-1-S", 1), order_no="9999", shop_code=synced_day.shop.code, ordered_at=_at(8)
    )

    check = reconciliation.reconcile_day(connection=synced_day, day=DAY)

    assert check.status == ReconciliationStatus.DIFFERS
    assert (check.channel_count, check.our_count) == (4, 3)
    assert check.missing_here == [str(TID + 2), str(TID + 9)]
    assert check.missing_on_channel == [ours_only.order_no]


def test_checking_a_day_again_replaces_the_result(synced_day, fake_top):
    reconciliation.reconcile_day(connection=synced_day, day=DAY)
    fake_top.add_trade(trade(TID + 9, created=_at(9, 0), modified=_at(9, 1)))
    reconciliation.reconcile_day(connection=synced_day, day=DAY)
    check = Reconciliation.objects.get()
    assert check.missing_here == [str(TID + 9)]


def test_a_busy_day_is_read_page_by_page(synced_day, fake_top):
    for n in range(130):
        fake_top.add_trade(trade(TID + 100 + n, created=_at(10, 0), modified=_at(10, 1)))
    check = reconciliation.reconcile_day(connection=synced_day, day=DAY)
    assert check.channel_count == 133
    assert len(check.missing_here) == 130
    assert [call["page_no"] for call in fake_top.calls_of("taobao.trades.sold.get")] == ["1", "2"]


def test_a_channel_failure_is_stored_as_a_failed_check(synced_day, fake_top):
    fake_top.fail(code=7, msg="App Call Limited")
    check = reconciliation.reconcile_day(connection=synced_day, day=DAY)
    assert check.status == ReconciliationStatus.FAILED
    assert "App Call Limited" in check.error
    assert check.our_count == 3


def test_yesterday_is_the_shanghai_day_before(db):
    assert reconciliation.yesterday(_at(0, 30, day=date(2026, 11, 12))) == DAY
