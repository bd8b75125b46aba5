"""The scheduled jobs, the background tasks and the commands of the channel sync."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from zhanggui.channels import tasks
from zhanggui.channels.models import OutboxMessage, Reconciliation, SyncRun
from zhanggui.channels.tests.fake_top import trade
from zhanggui.core import schedule
from zhanggui.core.models import ScheduledRun
from zhanggui.orders.models import Order
from zhanggui.orders.tests.factories import make_skus

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TID = 3428689418086000
CALLS: list[str] = []


@task()
def _remember() -> None:
    CALLS.append("ran")


# ---------------------------------------------------------------- interval schedules


def test_an_interval_job_is_due_at_every_multiple_of_its_interval():
    job = schedule.Schedule("x", None, hour=0, every_minutes=5)
    at = datetime(2026, 11, 23, 10, 7, 30, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, at) == datetime(2026, 11, 23, 10, 5, tzinfo=SHANGHAI)
    on_the_dot = datetime(2026, 11, 23, 10, 5, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, on_the_dot) == on_the_dot
    after_midnight = datetime(2026, 11, 24, 0, 1, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, after_midnight) == datetime(
        2026, 11, 24, 0, 0, tzinfo=SHANGHAI
    )


def test_an_interval_must_be_a_minute_or_more():
    with pytest.raises(ValueError, match="every_minutes"):
        schedule.scheduled(name="x", every_minutes=0)


@pytest.mark.django_db
def test_each_interval_is_enqueued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    CALLS.clear()
    job = schedule.Schedule("test.every5", _remember, hour=0, every_minutes=5)
    schedule.SCHEDULES[job.name] = job
    try:
        at = datetime(2026, 11, 23, 10, 1, tzinfo=SHANGHAI)
        assert "test.every5" in schedule.enqueue_due(at)
        assert "test.every5" not in schedule.enqueue_due(at + timedelta(minutes=3))
        assert "test.every5" in schedule.enqueue_due(at + timedelta(minutes=4))
        # A scheduler that was down an hour catches up once.
        assert "test.every5" in schedule.enqueue_due(at + timedelta(hours=1))
        assert CALLS == ["ran", "ran", "ran"]
        run = ScheduledRun.objects.get(name="test.every5")
        assert run.last_occurrence == datetime(2026, 11, 23, 11, 0, tzinfo=SHANGHAI)
    finally:
        del schedule.SCHEDULES["test.every5"]


def test_the_channel_jobs_are_registered():
    jobs = {name: job for name, job in schedule.SCHEDULES.items() if name.startswith("channels.")}
    assert {name: (job.every_minutes, job.hour) for name, job in jobs.items()} == {
        "channels.sync": (5, 0),
        "channels.push_outbox": (1, 0),
        "channels.reconcile": (None, 3),
    }
    assert jobs["channels.sync"].task is tasks.sync_channels


# ---------------------------------------------------------------- the worker path


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_sync_runs_in_the_database_queue_worker(
    connection, fake_top, monkeypatch, manager
):
    """Scheduler → database queue → `db_worker`: the same path `make run` takes."""
    make_skus(None, "TB-1-S", on_hand=5)
    fake_top.add_trade(trade(TID + 1, modified=timezone.now() - timedelta(hours=1)))
    channel_jobs = {
        name: job for name, job in schedule.SCHEDULES.items() if name.startswith("channels.")
    }
    monkeypatch.setattr(schedule, "SCHEDULES", channel_jobs)

    with override_settings(TASKS=DATABASE_TASKS):
        enqueued = schedule.enqueue_due(timezone.now())
        assert set(enqueued) == {"channels.sync", "channels.push_outbox", "channels.reconcile"}
        assert not Order.objects.exists()

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert Order.objects.filter(order_no=str(TID + 1)).exists()
    assert SyncRun.objects.filter(status="succeeded").count() == 2
    # The nightly check ran too: yesterday, nothing on either side.
    assert Reconciliation.objects.get().status == "matched"


@pytest.mark.django_db(transaction=True)
def test_a_shipment_queued_after_commit_is_sent_by_the_worker(connection, fake_top, manager):
    from zhanggui.orders.services import lifecycle
    from zhanggui.orders.services.intake import receive_order
    from zhanggui.orders.tests.factories import order_input

    make_skus(None, "TB-1-S", on_hand=5)
    fake_top.add_trade(trade(TID + 2, modified=timezone.now() - timedelta(hours=1)))
    order = receive_order(
        actor=manager, data=order_input(("TB-1-S", 1), order_no=str(TID + 2), shop_code="tb-main")
    ).order
    lifecycle.approve_order(actor=manager, order_id=order.pk)

    with override_settings(TASKS=DATABASE_TASKS):
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="韵达", tracking_no="43")
        assert OutboxMessage.objects.get().status == "pending"
        assert fake_top.shipments == []
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert OutboxMessage.objects.get().status == "sent"
    assert fake_top.shipments[0]["company_code"] == "YUNDA"


def test_tasks_return_json_summaries(connection, fake_top, immediate_tasks, db):
    fake_top.add_trade(trade(TID + 3, modified=timezone.now() - timedelta(hours=1)))
    result = tasks.sync_channels.enqueue("tb-main")
    assert result.status == "SUCCESSFUL"
    assert result.return_value["runs"][0]["created"] == 1
    assert result.return_value["pushed"] == {"sent": 0, "retrying": 0, "failed": 0}
    check = tasks.reconcile_channels.enqueue("2026-11-11", "tb-main")
    assert check.return_value[0]["status"] == "matched"


# ---------------------------------------------------------------- commands


def test_sync_channels_command_prints_json(connection, fake_top, db):
    make_skus(None, "TB-1-S", on_hand=5)
    fake_top.add_trade(trade(TID + 4, modified=timezone.now() - timedelta(hours=1)))
    out = StringIO()

    call_command("sync_channels", "--shop", "tb-main", "--json", stdout=out)

    body = json.loads(out.getvalue())
    assert [(run["kind"], run["status"], run["created"]) for run in body["runs"]] == [
        ("orders", "succeeded", 1),
        ("refunds", "succeeded", 0),
    ]
    assert body["runs"][0]["shop"] == "tb-main"
    assert body["pushed"] == {"sent": 0, "retrying": 0, "failed": 0}


def test_sync_channels_command_fails_when_a_window_fails(connection, fake_top, db):
    fake_top.fail(http_status=500, times=2)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("sync_channels", stdout=out)
    assert caught.value.returncode == 1
    assert "HTTP 500" in out.getvalue()


def test_sync_channels_command_refuses_an_unknown_shop(db):
    with pytest.raises(CommandError, match="nope"):
        call_command("sync_channels", "--shop", "nope")


def test_reconcile_command_lists_what_is_missing(connection, fake_top, db):
    from zhanggui.channels.rules import day_bounds

    start, _end = day_bounds(date(2026, 11, 11))
    fake_top.add_trade(trade(TID + 5, created=start + timedelta(hours=3), modified=start))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("reconcile_channels", "--day", "2026-11-11", "--json", stdout=out)

    (check,) = json.loads(out.getvalue())
    assert (check["status"], check["missing_here"]) == ("differs", [str(TID + 5)])
