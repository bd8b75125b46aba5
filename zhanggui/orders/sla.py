"""The shipping promise (DOMAIN.md §6), reasoned about in Shanghai time: paid before the
cut-off ships the same day; every order within 24 hours of payment, never later than 48."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cutoff() -> time:
    hours, minutes = settings.SHIP_CUTOFF.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class ShippingClock:
    due_at: datetime  # ship by then (same day's end before the cut-off, else paid + 24 h)
    latest_at: datetime  # paid + 48 h: later than this breaks the promise

    def is_due_today(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.due_at.astimezone(SHANGHAI).date() <= now.astimezone(SHANGHAI).date()

    def is_overdue(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) > self.due_at

    def hours_left(self, now: datetime | None = None) -> float:
        return (self.due_at - (now or timezone.now())).total_seconds() / 3600


def shipping_clock(paid_at: datetime) -> ShippingClock:
    local = paid_at.astimezone(SHANGHAI)
    if local.time() < cutoff():
        end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0), SHANGHAI)
        due = min(end_of_day, paid_at + timedelta(hours=settings.ZHANGGUI["SLA_HOURS"]))
    else:
        due = paid_at + timedelta(hours=settings.ZHANGGUI["SLA_HOURS"])
    return ShippingClock(
        due_at=due, latest_at=paid_at + timedelta(hours=settings.ZHANGGUI["SLA_MAX_HOURS"])
    )


def overdue_paid_before(now: datetime | None = None) -> datetime:
    """Orders paid before this are overdue (past 24 h) whatever their cut-off."""
    return (now or timezone.now()) - timedelta(hours=settings.ZHANGGUI["SLA_HOURS"])


def due_today_paid_before(now: datetime | None = None) -> datetime:
    """Orders paid before this are due today: before today's cut-off, or earlier days."""
    local = (now or timezone.now()).astimezone(SHANGHAI)
    return datetime.combine(local.date(), cutoff(), SHANGHAI)
