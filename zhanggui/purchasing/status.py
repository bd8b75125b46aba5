"""The purchasing state machines: statuses and the moves allowed between them (pure)."""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ORDERED = "ordered", _("Ordered")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


_PO = PurchaseOrderStatus
TRANSITIONS: Final[dict[PurchaseOrderStatus, frozenset[PurchaseOrderStatus]]] = {
    _PO.DRAFT: frozenset({_PO.ORDERED, _PO.CANCELLED}),
    # A whole delivery at once goes straight to received.
    _PO.ORDERED: frozenset({_PO.PARTLY_RECEIVED, _PO.RECEIVED, _PO.CANCELLED}),
    # Closing a partly received order gives up on the rest (the supplier ran out).
    _PO.PARTLY_RECEIVED: frozenset({_PO.RECEIVED, _PO.CLOSED}),
    _PO.RECEIVED: frozenset({_PO.CLOSED}),
    _PO.CLOSED: frozenset(),
    _PO.CANCELLED: frozenset(),
}

# Orders the supplier still delivers against.
OPEN_FOR_RECEIPT: Final = frozenset({_PO.ORDERED, _PO.PARTLY_RECEIVED})
# Orders that committed the shop to the supplier (everything but drafts and cancellations).
PLACED: Final = frozenset({_PO.ORDERED, _PO.PARTLY_RECEIVED, _PO.RECEIVED, _PO.CLOSED})


def can_transition(current: str, to: str) -> bool:
    return PurchaseOrderStatus(to) in TRANSITIONS[PurchaseOrderStatus(current)]


class ExchangeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


EXCHANGE_TRANSITIONS: Final[dict[ExchangeStatus, frozenset[ExchangeStatus]]] = {
    ExchangeStatus.OPEN: frozenset({ExchangeStatus.CLOSED}),
    ExchangeStatus.CLOSED: frozenset(),
}


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    DONE = "done", _("Reviewed")


REVIEW_TRANSITIONS: Final[dict[ReviewStatus, frozenset[ReviewStatus]]] = {
    ReviewStatus.OPEN: frozenset({ReviewStatus.DONE}),
    ReviewStatus.DONE: frozenset(),
}
