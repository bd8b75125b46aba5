"""Batch reviews: a re-ordered batch that differs from earlier ones (photos, description or
price may need changing) becomes a task on the editor's home page until reviewed."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.core.models import AuditAction
from zhanggui.purchasing.exceptions import ConcurrentUpdate, InvalidTransition, ReviewNotFound
from zhanggui.purchasing.models import BatchReview, PurchaseOrderLine
from zhanggui.purchasing.services.common import lock_purchase_order, user_or_none
from zhanggui.purchasing.status import PLACED, REVIEW_TRANSITIONS, ReviewStatus

REVIEW_AUDITED = ("product", "photos_differ", "description_differs", "price_differs", "note")


def _check_flag(
    *, order_id: int, product_id: int, flags: tuple[bool, bool, bool], note: str
) -> None:
    errors: dict[str, list[str]] = {}
    if not any(flags):
        errors["photos_differ"] = [_("Tick what differs: photos, description or price.")]
    if len(note) > 500:
        errors["note"] = [_("At most %(limit)d characters.") % {"limit": 500}]
    on_order = PurchaseOrderLine.objects.filter(
        purchase_order_id=order_id, sku__product_id=product_id
    )
    if not on_order.exists():
        errors["product"] = [_("This product is not on the purchase order.")]
    elif not (
        PurchaseOrderLine.objects.filter(
            sku__product_id=product_id, purchase_order__status__in=PLACED
        )
        .exclude(purchase_order_id=order_id)
        .exists()
    ):
        errors["product"] = [_("This is the product's first batch: there is nothing to compare.")]
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def flag_batch_difference(
    *,
    actor: Any,
    purchase_order_id: int,
    product_id: int,
    photos_differ: bool = False,
    description_differs: bool = False,
    price_differs: bool = False,
    note: str = "",
) -> BatchReview:
    """Flag a re-ordered product whose new batch differs from earlier ones. Raises
    InvalidInput (nothing ticked, not on the PO, first batch), Conflict when the product
    already waits for a review."""
    order = lock_purchase_order(purchase_order_id)
    note = note.strip()
    flags = (photos_differ, description_differs, price_differs)
    _check_flag(order_id=order.pk, product_id=product_id, flags=flags, note=note)
    try:
        with transaction.atomic():
            review = BatchReview.objects.create(
                product_id=product_id,
                purchase_order=order,
                photos_differ=photos_differ,
                description_differs=description_differs,
                price_differs=price_differs,
                note=note,
                raised_by=user_or_none(actor),
            )
    except IntegrityError as error:  # the one-open-review-per-product constraint
        raise Conflict(_("This product already waits for a review.")) from error
    audit.record_creation(actor=actor, instance=review, fields=REVIEW_AUDITED)
    return review


@transaction.atomic
def complete_batch_review(*, actor: Any, review_id: int, note: str = "") -> BatchReview:
    """The editor checked the listing against the new batch. Raises ReviewNotFound,
    InvalidTransition when it was already done, ConcurrentUpdate on a race."""
    review = BatchReview.objects.filter(pk=review_id).first()
    if review is None:
        raise ReviewNotFound()
    current = ReviewStatus(review.status)
    if ReviewStatus.DONE not in REVIEW_TRANSITIONS[current]:
        raise InvalidTransition(
            _("This review is already done."), current=current.value, to=ReviewStatus.DONE.value
        )
    now = timezone.now()
    updated = BatchReview.objects.filter(pk=review.pk, status=current.value).update(
        status=ReviewStatus.DONE,
        done_by=user_or_none(actor),
        done_at=now,
        done_note=note.strip()[:500],
    )
    if updated != 1:
        raise ConcurrentUpdate()
    review.refresh_from_db()
    audit.record(
        actor=actor,
        instance=review,
        action=AuditAction.UPDATE,
        changes={"status": {"before": current.value, "after": ReviewStatus.DONE.value}},
        note=note.strip()[:255],
    )
    return review
