"""The demo's story clock: the services stamp what they write with timezone.now(), and the
demo tells six weeks of a shop's life, so each step of the story runs with the clock set to
its day and hour. Every row is still written by the services, with their checks, numbers
(PO20260612-0003), events and audit entries dated as if the staff had done it then; the
same idea as time-machine in the tests, kept to this module and to one thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone


def moment(today: date, day: int, minute: int) -> datetime:
    """`minute` minutes after local midnight, `day` days from `today` (-1: yesterday)."""
    local = datetime.combine(today + timedelta(days=day), time(minute // 60, minute % 60))
    return timezone.make_aware(local)


@contextmanager
def clock_at(when: datetime) -> Iterator[None]:
    """Run the block as if it were `when` (timezone.now and localdate return it)."""
    if when > timezone.now():
        raise ValueError("the demo never writes the future")
    with mock.patch.object(timezone, "now", return_value=when):
        yield


@dataclass(frozen=True)
class Event:
    """One step of the story: what to run, on which day (-1: yesterday), at which minute."""

    day: int
    minute: int
    run: Callable[[], Any] = field(compare=False)


def run_events(events: Sequence[Event], *, today: date) -> None:
    """Run the events in time order, each at its moment (sorted() is stable: events at the
    same moment run in the order given)."""
    for event in sorted(events, key=lambda e: (e.day, e.minute)):
        with clock_at(moment(today, event.day, event.minute)):
            event.run()
