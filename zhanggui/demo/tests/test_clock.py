"""The story clock, without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhanggui.demo.clock import Event, clock_at, moment, run_events


def test_clock_at_sets_now_and_the_local_date_then_gives_them_back():
    today = timezone.localdate()
    when = moment(today, -2, 17 * 60)
    with clock_at(when):
        assert timezone.now() == when
        assert timezone.localdate() == today - timedelta(days=2)
        assert timezone.localtime().hour == 17
    assert timezone.now() - when > timedelta(days=1)


def test_clock_at_refuses_the_future():
    with pytest.raises(ValueError, match="future"), clock_at(timezone.now() + timedelta(hours=1)):
        pass


def test_run_events_runs_in_time_order_at_each_moment():
    seen = []
    today = timezone.localdate()
    events = [
        Event(-1, 600, lambda: seen.append(("late", timezone.now()))),
        Event(-3, 900, lambda: seen.append(("early", timezone.now()))),
        Event(-1, 600, lambda: seen.append(("late, second", timezone.now()))),
    ]
    run_events(events, today=today)
    assert [name for name, _when in seen] == ["early", "late", "late, second"]
    assert seen[0][1] == moment(today, -3, 900)
