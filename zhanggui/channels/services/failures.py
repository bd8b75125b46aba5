"""Failures of the channel sync, with their retry schedule (rules.backoff)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zhanggui.channels import rules
from zhanggui.channels.models import Shop, SyncFailure


def record_failure(
    *, shop: Shop, kind: str, order_no: str, error: str, retryable: bool, now: datetime
) -> SyncFailure:
    """One more failure in a row: the next retry waits longer (rules.backoff); a failure
    retrying cannot fix waits for a person (next_retry_at empty)."""
    with transaction.atomic():
        failure, _created = SyncFailure.objects.select_for_update().get_or_create(
            shop=shop,
            kind=kind,
            order_no=order_no,
            defaults={"first_failed_at": now, "last_failed_at": now},
        )
        failure.attempts += 1
        failure.last_error = error
        failure.last_failed_at = now
        failure.next_retry_at = now + rules.backoff(failure.attempts) if retryable else None
        failure.save()
        return failure


def clear_failures(*, shop: Shop, kind: str, order_nos: Iterable[str]) -> int:
    """Forget the failures of what has now been taken; returns how many there were."""
    wanted = list(order_nos)
    if not wanted:
        return 0
    deleted, _by_model = SyncFailure.objects.filter(
        shop=shop, kind=kind, order_no__in=wanted
    ).delete()
    return deleted


def retry_now(*, failure_id: int, now: datetime | None = None) -> SyncFailure:
    """A person asks for the failure to be tried at the next run (which they start)."""
    failure = SyncFailure.objects.get(pk=failure_id)
    failure.next_retry_at = now or timezone.now()
    failure.save(update_fields=["next_retry_at"])
    return failure


def retry_shop_now(*, shop_id: int, now: datetime | None = None) -> int:
    """Every failure of a shop is due now (after its connection was fixed)."""
    return SyncFailure.objects.filter(shop_id=shop_id).update(next_retry_at=now or timezone.now())
