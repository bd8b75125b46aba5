"""Scheduled jobs: "every night at 02:00", "every Thursday at 07:00", in the shop's time zone,
or "every 5 minutes".

Apps register their jobs in their `tasks.py`:

    @scheduled(name="inventory.check_stock", hour=2)
    @task()
    def check_stock_ledger() -> int: ...

    @scheduled(name="channels.sync", every_minutes=5)

`zhanggui scheduler` (started by `make run` beside the worker) calls `enqueue_due()` every
half minute; each occurrence is claimed with a conditional update, so two schedulers, or a
restart, never enqueue the same occurrence twice, and a scheduler that was down catches up
once (not once per missed occurrence)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from zhanggui.core.models import ScheduledRun


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Any  # a django_tasks Task
    hour: int
    minute: int = 0
    weekday: int | None = None  # 0 = Monday … 6 = Sunday; None = every day
    # Set for an interval job: due at every multiple of this many minutes (hour, minute and
    # weekday are then unused).
    every_minutes: int | None = None


SCHEDULES: dict[str, Schedule] = {}


def scheduled(
    *,
    name: str,
    hour: int = 0,
    minute: int = 0,
    weekday: int | None = None,
    every_minutes: int | None = None,
) -> Any:
    if every_minutes is not None and every_minutes < 1:
        raise ValueError("every_minutes must be at least 1")

    def register(task: Any) -> Any:
        SCHEDULES[name] = Schedule(name, task, hour, minute, weekday, every_minutes)
        return task

    return register


def latest_occurrence(schedule: Schedule, now: datetime) -> datetime:
    """The last time at or before `now` the job was due, in the shop's time zone."""
    local = timezone.localtime(now)
    if schedule.every_minutes is not None:
        # Multiples of the interval since the epoch: the same instants on every machine
        # and across midnight, whatever the interval.
        step = schedule.every_minutes * 60
        seconds = int(local.timestamp())
        return datetime.fromtimestamp(seconds - seconds % step, tz=local.tzinfo)
    due = local.replace(hour=schedule.hour, minute=schedule.minute, second=0, microsecond=0)
    if due > local:
        due -= timedelta(days=1)
    if schedule.weekday is not None:
        due -= timedelta(days=(due.weekday() - schedule.weekday) % 7)
    return due


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose latest occurrence has not been enqueued yet; returns names."""
    autodiscover_modules("tasks")
    now = now or timezone.now()
    enqueued = []
    for schedule in SCHEDULES.values():
        due = latest_occurrence(schedule, now)
        run, _created = ScheduledRun.objects.get_or_create(name=schedule.name)
        if run.last_occurrence is not None and run.last_occurrence >= due:
            continue
        claimed = ScheduledRun.objects.filter(
            pk=run.pk, last_occurrence=run.last_occurrence
        ).update(last_occurrence=due, last_enqueued_at=now)
        if claimed == 1:
            schedule.task.enqueue()
            enqueued.append(schedule.name)
    return enqueued
