"""Where order and stock services tell the channels what happened. Channel connections
(sync.py) fill these in; a shop without a connection makes them no-ops."""

from __future__ import annotations

from collections.abc import Sequence


def shipment_posted(order_ids: Sequence[int]) -> None:
    """Orders just shipped: push courier and tracking number to their channels."""
    from zhanggui.channels import outbox

    outbox.queue_shipments(order_ids)
