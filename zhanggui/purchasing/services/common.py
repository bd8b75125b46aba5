"""Helpers shared by the purchasing services: document numbers, locks, the actor's id."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhanggui.purchasing.exceptions import PurchaseOrderNotFound
from zhanggui.purchasing.models import PurchaseOrder

DEFAULT_FIRST_ORDER_MAX_PER_SKU = 3
Numbered = TypeVar("Numbered", bound=models.Model)


def first_order_cap() -> int:
    return int(settings.ZHANGGUI.get("FIRST_ORDER_MAX_PER_SKU", DEFAULT_FIRST_ORDER_MAX_PER_SKU))


def assign_number(instance: Numbered, prefix: str) -> Numbered:
    """Give a new document its number: prefix, shop date, id (PO20261123-0012). Set after
    the insert because the id is what makes it unique without a counter to race on."""
    number = f"{prefix}{timezone.localdate():%Y%m%d}-{instance.pk:04d}"
    type(instance)._default_manager.filter(pk=instance.pk).update(number=number)
    instance.number = number  # type: ignore[attr-defined]
    return instance


def lock_purchase_order(purchase_order_id: int) -> PurchaseOrder:
    """The PO row locked for this transaction. Every write to a PO or its lines takes this
    lock first, so receipts, edits and status changes of one PO run one at a time."""
    # No select_related: on PostgreSQL that would lock the supplier row too.
    order = PurchaseOrder.objects.select_for_update().filter(pk=purchase_order_id).first()
    if order is None:
        raise PurchaseOrderNotFound()
    return order


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
