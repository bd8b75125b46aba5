"""Home-page work queues of the order pages (staff.queues), registered on import from
urls_pages.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role


def _count_buyer_messages() -> int:
    from zhanggui.orders.selectors_pages import count_buyer_messages_waiting

    return count_buyer_messages_waiting()


def _count_merge_candidates() -> int:
    from zhanggui.orders.services.merge import count_merge_candidates

    return count_merge_candidates()


CUSTOMER_SERVICE = frozenset({Role.CS_PRESALE, Role.CS_AFTERSALE})

register(
    Queue(
        "buyer_messages_waiting",
        _("Buyer messages waiting for an answer"),
        CUSTOMER_SERVICE,
        _count_buyer_messages,
        lambda: reverse("orders:buyer_messages"),
    )
)
register(
    Queue(
        "orders_to_merge",
        _("Orders of one buyer to merge"),
        CUSTOMER_SERVICE,
        _count_merge_candidates,
        lambda: reverse("orders:merge_list"),
    )
)
