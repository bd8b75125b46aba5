"""E-waybill number pools: numbers come from the courier's allocation (ranges or lists),
each is used exactly once, and a cancelled label gives its number back only when the
courier allows it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.exceptions import NumberAlreadyUsed, PoolExhausted
from zhanggui.fulfillment.models import Courier, WaybillNumber, WaybillStatus
from zhanggui.orders.models import Order

NUMBER = re.compile(r"^[A-Za-z]{0,4}\d{6,30}$")
RANGE = re.compile(r"^([A-Za-z]{0,4})(\d{6,30})\s*[-~～至]\s*(?:[A-Za-z]{0,4})?(\d{6,30})$")
MAX_RANGE = 1_000_000


@dataclass(frozen=True)
class PoolImport:
    added: int
    already_in_pool: int


def parse_allocation(text: str) -> list[str]:
    """Numbers from an allocation as couriers send it: one number or one range
    (`7700000001-7700001000`, prefix allowed: `YT7700000001-YT7700000100`) per line or
    comma. A bad line raises InvalidInput naming it."""
    numbers: list[str] = []
    for row, raw in enumerate(re.split(r"[\r\n,，;；]+", text), start=1):
        item = raw.strip()
        if not item:
            continue
        match = RANGE.match(item)
        if match:
            prefix, first, last = match.groups()
            start, end = int(first), int(last)
            if end < start or end - start >= MAX_RANGE or len(last) != len(first):
                raise InvalidInput({"numbers": [_("Item %(n)d: not a valid range.") % {"n": row}]})
            numbers.extend(f"{prefix}{value:0{len(first)}d}" for value in range(start, end + 1))
        elif NUMBER.match(item):
            numbers.append(item)
        else:
            raise InvalidInput(
                {
                    "numbers": [
                        _("Item %(n)d: not a tracking number: %(text)s")
                        % {"n": row, "text": item[:40]}
                    ]
                }
            )
    return numbers


@transaction.atomic
def import_numbers(*, actor: Any, courier: Courier, numbers: Iterable[str]) -> PoolImport:
    """Add numbers to the courier's pool; numbers already known (in any state) are skipped,
    so importing the same allocation twice adds nothing."""
    unique = list(dict.fromkeys(numbers))
    known: set[str] = set()
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        known.update(
            WaybillNumber.objects.filter(courier=courier, number__in=chunk).values_list(
                "number", flat=True
            )
        )
    fresh = [
        WaybillNumber(courier=courier, number=number) for number in unique if number not in known
    ]
    WaybillNumber.objects.bulk_create(fresh, batch_size=2000)
    audit.record(
        actor=actor,
        instance=courier,
        action=audit.AuditAction.UPDATE,
        changes={"pool": {"before": None, "after": _("%(n)d numbers added") % {"n": len(fresh)}}},
    )
    return PoolImport(added=len(fresh), already_in_pool=len(unique) - len(fresh))


def available_count(courier: Courier) -> int:
    return WaybillNumber.objects.filter(courier=courier, status=WaybillStatus.AVAILABLE).count()


@transaction.atomic
def take_number(*, courier: Courier, order: Order) -> str:
    """The next free number of the courier's pool, now used by `order`. Concurrent callers
    never get the same number: the row is locked (skipping rows others hold) and the update
    is conditional on it still being available."""
    while True:
        candidate = (
            WaybillNumber.objects.select_for_update(skip_locked=True)
            .filter(courier=courier, status=WaybillStatus.AVAILABLE)
            .order_by("id")
            .first()
        )
        if candidate is None:
            raise PoolExhausted(courier=courier.code)
        taken = WaybillNumber.objects.filter(
            pk=candidate.pk, status=WaybillStatus.AVAILABLE
        ).update(status=WaybillStatus.USED, order=order, used_at=timezone.now())
        if taken == 1:
            return candidate.number


@transaction.atomic
def use_given_number(*, courier: Courier, number: str, order: Order) -> str:
    """A number typed or scanned by a person (a pre-printed waybill): it must not be used
    already. Numbers from outside the pool are recorded as used so they cannot repeat."""
    number = number.strip()
    if not NUMBER.match(number):
        raise InvalidInput({"tracking_no": [_("Not a tracking number.")]})
    row, created = WaybillNumber.objects.select_for_update().get_or_create(
        courier=courier,
        number=number,
        defaults={"status": WaybillStatus.USED, "order": order, "used_at": timezone.now()},
    )
    if created:
        return number
    if row.status != WaybillStatus.AVAILABLE and row.order_id != order.pk:
        raise NumberAlreadyUsed(tracking_no=number)
    row.status, row.order, row.used_at = WaybillStatus.USED, order, timezone.now()
    row.save(update_fields=["status", "order", "used_at"])
    return number


@transaction.atomic
def cancel_number(*, courier: Courier, number: str) -> str:
    """A cancelled label: its number is free again if the courier allows reuse, else void
    (kept with its order, so nobody can print it again)."""
    numbers = WaybillNumber.objects.filter(courier=courier, number=number)
    if courier.reuses_cancelled_numbers:
        numbers.update(status=WaybillStatus.AVAILABLE, order=None, used_at=None)
        return WaybillStatus.AVAILABLE
    numbers.update(status=WaybillStatus.VOID)
    return WaybillStatus.VOID
