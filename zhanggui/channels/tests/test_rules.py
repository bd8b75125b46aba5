from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from zhanggui.channels import rules
from zhanggui.channels.rules import SHANGHAI, Window

T = datetime(2026, 11, 23, 4, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (8, 60), (50, 60)],
)
def test_backoff_doubles_from_a_minute_to_an_hour_without_jitter(attempts, minutes):
    assert rules.backoff(attempts) == timedelta(minutes=minutes)


def test_next_window_starts_before_the_watermark_and_stops_short_of_now():
    window = rules.next_window(T, T + timedelta(hours=1))
    assert window == Window(T - rules.OVERLAP, T + timedelta(hours=1) - rules.SAFETY_LAG)


def test_next_window_takes_at_most_one_day():
    window = rules.next_window(T, T + timedelta(days=3))
    assert window is not None
    assert window.start == T - rules.OVERLAP
    assert window.span == timedelta(days=1)


def test_no_window_while_the_watermark_is_within_the_safety_lag():
    assert rules.next_window(T, T + rules.SAFETY_LAG) is None
    assert rules.next_window(T, T + rules.SAFETY_LAG + timedelta(seconds=1)) is not None


def test_windows_have_whole_seconds():
    window = rules.next_window(T + timedelta(microseconds=500), T + timedelta(hours=1, seconds=0.7))
    assert window is not None
    assert window.start.microsecond == 0
    assert window.end.microsecond == 0


def test_busy_window_is_halved_until_small_enough_but_not_below_the_minimum():
    window = Window(T, T + timedelta(hours=8))
    assert rules.shrink(window, rules.MAX_TRADES_PER_WINDOW) is None
    assert rules.shrink(window, rules.MAX_TRADES_PER_WINDOW + 1) == Window(
        T, T + timedelta(hours=4)
    )
    tiny = Window(T, T + rules.MIN_WINDOW)
    assert rules.shrink(tiny, 10**6) is None


def test_a_shanghai_day_starts_at_16_utc_the_day_before():
    start, end = rules.day_bounds(date(2026, 11, 11))
    assert start == datetime(2026, 11, 11, tzinfo=SHANGHAI)
    assert start.astimezone(UTC) == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
