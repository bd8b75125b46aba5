"""Mapping a channel's merchant code to one of our SKUs, once: the mapping is remembered
for the orders to come, fills the SKU on every order line waiting for it, and releases
the "unmatched" hold of the orders that have no unmatched line left."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from zhanggui.catalog.models import Sku
from zhanggui.channels.models import Channel
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction, AuditEntry
from zhanggui.orders.models import (
    HoldReason,
    MerchantCodeMapping,
    Order,
    OrderLine,
    OrderStatus,
    hold_q,
)
from zhanggui.orders.services import lifecycle

RULES_MODULE = "zhanggui.orders.services.rules"
# Orders whose unmatched lines still matter: not yet approved, so a mapping lets them ship.
WAITING_STATUSES = (OrderStatus.AWAITING_PAYMENT, OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD)
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class UnmatchedCode:
    channel: str
    merchant_code: str
    lines: int
    orders: int
    units: int
    title: str  # one title it came with, to recognise the item by

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)


def list_unmatched_codes() -> list[UnmatchedCode]:
    """Merchant codes we do not know on lines of orders not yet approved, the code that
    holds the most orders first."""
    rows = (
        OrderLine.objects.filter(sku__isnull=True, order__status__in=WAITING_STATUSES)
        .exclude(merchant_code="")
        .values("order__channel", "merchant_code")
        .annotate(
            line_count=Count("pk"),
            order_count=Count("order", distinct=True),
            unit_count=Sum("quantity"),
            any_title=Max("title"),
        )
        .order_by("-order_count", "order__channel", "merchant_code")
    )
    return [
        UnmatchedCode(
            channel=row["order__channel"],
            merchant_code=row["merchant_code"],
            lines=row["line_count"],
            orders=row["order_count"],
            units=row["unit_count"] or 0,
            title=row["any_title"] or "",
        )
        for row in rows
    ]


def search_skus(query: str) -> QuerySet[Sku]:
    """SKUs whose merchant code, barcode or product (item number, title) contains `query`,
    by merchant code."""
    text = query.strip()
    if not text:
        return Sku.objects.none()
    return (
        Sku.objects.filter(
            Q(merchant_code__icontains=text)
            | Q(barcode=text)
            | Q(product__item_no__icontains=text)
            | Q(product__title__icontains=text)
        )
        .select_related("product")
        .order_by("merchant_code")[:SEARCH_LIMIT]
    )


@dataclass(frozen=True)
class MappingResult:
    mapping: MerchantCodeMapping
    lines_filled: int
    orders_released: list[int]


def map_merchant_code(
    *, actor: Any, channel: str, merchant_code: str, sku_id: int, review: bool = True
) -> MappingResult:
    """Remember that `merchant_code` on `channel` is our SKU `sku_id` and apply it to the
    order lines waiting for it. Released orders with no hold left then go through the
    auto-review rules, as new orders do (`review` False leaves them to review).

    Runs in one transaction and takes the affected orders' locks in id order (the order
    the review queue locks them in). Orders still held for another reason stay on hold
    for that reason. Raises InvalidInput for an unknown channel, an empty code or a SKU
    that does not exist. Audited: the mapping, each order whose lines got the SKU, and
    each released order (through lifecycle.release_holds)."""
    code = merchant_code.strip()
    problems: dict[str, list[Any]] = {}
    if channel not in Channel.values:
        problems["channel"] = [_("Unknown channel.")]
    if not code:
        problems["merchant_code"] = [_("This field is required.")]
    sku = Sku.objects.filter(pk=sku_id).first()
    if sku is None:
        problems["sku"] = [_("No such SKU.")]
    if problems or sku is None:
        raise InvalidInput(problems)
    with transaction.atomic():
        mapping = _save_mapping(actor, channel, code, sku)
        waiting = OrderLine.objects.filter(
            order__channel=channel, merchant_code=code, sku__isnull=True
        )
        order_ids = sorted(set(waiting.values_list("order_id", flat=True)))
        # Lock before changing their lines, so an approval running now sees either the
        # lines unmatched (and refuses) or matched, never half.
        list(Order.objects.select_for_update().filter(pk__in=order_ids).order_by("pk"))
        filled = waiting.update(sku=sku)
        _audit_lines(actor, order_ids, code, sku)
        released = _release(actor, order_ids)
    if review:
        _review(released, actor)
    return MappingResult(mapping=mapping, lines_filled=filled, orders_released=released)


def _save_mapping(actor: Any, channel: str, code: str, sku: Sku) -> MerchantCodeMapping:
    user = actor if getattr(actor, "is_authenticated", False) else None
    mapping = (
        MerchantCodeMapping.objects.select_for_update()
        .filter(channel=channel, merchant_code=code)
        .first()
    )
    if mapping is None:
        mapping = MerchantCodeMapping.objects.create(
            channel=channel, merchant_code=code, sku=sku, created_by=user
        )
        audit.record_creation(actor=actor, instance=mapping, fields=("sku",))
        return mapping
    before = audit.snapshot(mapping, ("sku",))
    mapping.sku = sku
    mapping.save(update_fields=["sku"])
    audit.record(
        actor=actor,
        instance=mapping,
        action=AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(mapping, ("sku",))),
    )
    return mapping


def _audit_lines(actor: Any, order_ids: list[int], code: str, sku: Sku) -> None:
    """One entry per order whose lines got the SKU, written in bulk (a popular code may
    wait on thousands of orders)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    order_type = ContentType.objects.get_for_model(Order)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user,
            actor_name=(user.get_username() if user else str(actor or "system"))[:150],
            action=AuditAction.UPDATE,
            content_type=order_type,
            object_id=str(order.pk),
            object_repr=str(order)[:200],
            changes={f"line {code} sku": {"before": None, "after": str(sku)}},
            note=_("Merchant code mapped"),
        )
        for order in Order.objects.filter(pk__in=order_ids).order_by("pk")
    )


def _release(actor: Any, order_ids: list[int]) -> list[int]:
    """Release the unmatched hold of the orders with no unmatched line left."""
    still_waiting = set(
        OrderLine.objects.filter(order_id__in=order_ids, sku__isnull=True).values_list(
            "order_id", flat=True
        )
    )
    held = Order.objects.filter(
        hold_q(HoldReason.UNMATCHED),
        pk__in=order_ids,
        status__in=(OrderStatus.TO_REVIEW, OrderStatus.ON_HOLD),
    ).order_by("pk")
    released = []
    for order_id in held.values_list("pk", flat=True):
        if order_id in still_waiting:
            continue
        lifecycle.release_holds(
            actor=actor,
            order_id=order_id,
            reasons=[HoldReason.UNMATCHED],
            reason=_("Merchant code mapped"),
        )
        released.append(order_id)
    return released


def _review(order_ids: list[int], actor: Any) -> None:
    """Orders now free of holds go through the auto-review rules, as new orders do."""
    if not order_ids or importlib.util.find_spec(RULES_MODULE) is None:
        return
    ready = list(
        Order.objects.filter(pk__in=order_ids, status=OrderStatus.TO_REVIEW).values_list(
            "pk", flat=True
        )
    )
    if ready:
        rules = importlib.import_module(RULES_MODULE)
        rules.auto_review(ready, actor=actor)
