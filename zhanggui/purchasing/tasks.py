"""Background tasks of purchasing."""

from __future__ import annotations

from django_tasks import task

from zhanggui.core.schedule import scheduled


@scheduled(name="purchasing.replenishment", hour=7, weekday=3)
@task()
def make_weekly_replenishment_list() -> int:
    """The Thursday 07:00 replenishment list (DOMAIN.md §3); returns the list's id. The
    scheduler enqueues each Thursday once, so a retry at most makes one more list, which
    simply becomes the week's latest."""
    from zhanggui.purchasing.replenishment import compute_replenishment

    return compute_replenishment(actor=None).pk
