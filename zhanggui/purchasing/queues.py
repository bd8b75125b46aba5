"""The purchasing work queues of the home page (staff.queues): registered once, from
PurchasingConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role


def _url(name: str, query: str) -> Callable[[], str]:
    return lambda: f"{reverse(name)}?{query}"


def _count(selector: str) -> Callable[[], int]:
    def count() -> int:
        from zhanggui.purchasing import selectors

        return int(getattr(selectors, selector)())

    return count


def register_queues() -> None:
    buyer, warehouse, editor = (
        frozenset({Role.BUYER}),
        frozenset({Role.WAREHOUSE}),
        frozenset({Role.EDITOR}),
    )
    orders = "purchasing:order_list"
    for key, label, roles, selector, url in (
        (
            "purchase_orders_awaiting_goods",
            _("Purchase orders waiting for goods"),
            buyer,
            "count_orders_to_receive",
            _url(orders, "status=to_receive"),
        ),
        (
            "purchase_orders_overdue",
            _("Purchase orders past their expected date"),
            buyer,
            "count_overdue_orders",
            _url(orders, "overdue=on"),
        ),
        (
            "purchase_orders_to_receive",
            _("Purchase orders to receive"),
            warehouse,
            "count_orders_to_receive",
            _url(orders, "status=to_receive"),
        ),
        (
            "exchange_lists_open",
            _("Open supplier exchange lists"),
            buyer,
            "count_open_exchanges",
            _url("purchasing:exchange_list", "status=open"),
        ),
        (
            "batch_reviews_open",
            _("Re-ordered batches to review"),
            editor,
            "count_open_reviews",
            _url("purchasing:review_list", "status=open"),
        ),
    ):
        register(Queue(key, label, roles, _count(selector), url))
