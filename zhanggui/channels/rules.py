"""Pure rules of the channel sync: which window to take next, how long to wait after a
failure, where a Shanghai day begins. No database, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")

# TOP's increment API takes at most one day of modified times per call.
MAX_WINDOW: Final = timedelta(days=1)
# The channel indexes a changed trade a little after its modified time: never ask for the
# last few minutes, and start each window a little before the watermark. Taking a trade
# twice is harmless (intake is idempotent); missing one is not.
SAFETY_LAG: Final = timedelta(minutes=3)
OVERLAP: Final = timedelta(minutes=2)
# A window with more changed trades than this is halved before it is taken, so one window
# stays a few minutes of work and a failure repeats little.
MAX_TRADES_PER_WINDOW: Final = 5_000
MIN_WINDOW: Final = timedelta(minutes=5)

BACKOFF_BASE: Final = timedelta(minutes=1)
BACKOFF_CAP: Final = timedelta(hours=1)
# An outbox message failing this often stops and waits for a person (about 7 hours).
MAX_PUSH_ATTEMPTS: Final = 12


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @property
    def span(self) -> timedelta:
        return self.end - self.start


def next_window(taken_until: datetime, now: datetime) -> Window | None:
    """The next window of modified times to take, or None when nothing new can be asked
    for yet. Whole seconds: the channel's times have no fractions."""
    start = (taken_until - OVERLAP).replace(microsecond=0)
    end = min(start + MAX_WINDOW, now - SAFETY_LAG).replace(microsecond=0)
    if end <= taken_until:
        return None
    return Window(start, end)


def shrink(window: Window, trades: int) -> Window | None:
    """A shorter window when this one holds too many trades; None when it is fine (or
    cannot usefully shrink)."""
    if trades <= MAX_TRADES_PER_WINDOW or window.span <= MIN_WINDOW:
        return None
    half = max(window.span / 2, MIN_WINDOW)
    end = (window.start + half).replace(microsecond=0)
    return Window(window.start, end)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure in a row: 1, 2, 4, 8 ... minutes,
    at most an hour. No jitter, so the schedule can be read (and tested) in advance."""
    if attempts < 1:
        return timedelta(0)
    return min(BACKOFF_BASE * 2 ** min(attempts - 1, 20), BACKOFF_CAP)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a Shanghai day and of the next one (aware)."""
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)
