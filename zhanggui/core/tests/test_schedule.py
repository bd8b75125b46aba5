from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks import task

from zhanggui.core import schedule
from zhanggui.core.models import ScheduledRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALLS: list[str] = []


@task()
def _remember() -> None:
    CALLS.append("ran")


@pytest.fixture
def thursday_job(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    CALLS.clear()
    job = schedule.Schedule("test.thursday", _remember, hour=7, weekday=3)
    schedule.SCHEDULES[job.name] = job
    yield job
    del schedule.SCHEDULES[job.name]


def test_latest_occurrence_of_a_weekly_job_is_the_last_thursday_7am():
    job = schedule.Schedule("x", None, hour=7, weekday=3)
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, monday) == datetime(2026, 11, 19, 7, 0, tzinfo=SHANGHAI)
    thursday_early = datetime(2026, 11, 26, 6, 59, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, thursday_early).day == 19
    thursday_late = datetime(2026, 11, 26, 7, 0, tzinfo=SHANGHAI)
    assert schedule.latest_occurrence(job, thursday_late).day == 26


@pytest.mark.django_db
def test_each_occurrence_is_enqueued_once(thursday_job):
    thursday = datetime(2026, 11, 26, 7, 1, tzinfo=SHANGHAI)
    assert "test.thursday" in schedule.enqueue_due(thursday)
    assert "test.thursday" not in schedule.enqueue_due(thursday)
    assert "test.thursday" not in schedule.enqueue_due(
        datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI)
    )
    assert "test.thursday" in schedule.enqueue_due(datetime(2026, 12, 3, 7, 0, tzinfo=SHANGHAI))
    assert CALLS == ["ran", "ran"]
    run = ScheduledRun.objects.get(name="test.thursday")
    assert run.last_occurrence == datetime(2026, 12, 3, 7, 0, tzinfo=SHANGHAI)
