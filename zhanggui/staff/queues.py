"""Work queues of the home page: for each role, the records waiting for that role's work.

A queue is a label, the roles it belongs to, one COUNT query and the list it opens,
filtered to exactly the records counted. Apps add their queues with `register()`; the
manager sees every queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhanggui.staff.roles import Role
from zhanggui.staff.services import roles_of


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    roles: frozenset[Role]
    count: Callable[[], int]  # one COUNT query
    url: Callable[[], str]  # the list filtered to the counted records


@dataclass
class QueueRow:
    label: str | Promise
    count: int
    url: str


@dataclass
class RoleSection:
    role: Role
    queues: list[QueueRow] = field(default_factory=list)


QUEUES: dict[str, Queue] = {}


def register(queue: Queue) -> Queue:
    QUEUES[queue.key] = queue
    return queue


def queues_of(role: Role) -> list[Queue]:
    if role == Role.MANAGER:
        return list(QUEUES.values())
    return [queue for queue in QUEUES.values() if role in queue.roles]


def home_sections(user: Any) -> list[RoleSection]:
    """One section per role the person holds, each with its queues counted. A manager's
    section holds every queue, so their other roles' sections would only repeat it."""
    held = roles_of(user)
    if Role.MANAGER in held:
        held = [Role.MANAGER]
    counted: dict[str, int] = {}  # a queue shared by two roles is counted once
    sections = []
    for role in held:
        section = RoleSection(role=role)
        for queue in queues_of(role):
            if queue.key not in counted:
                counted[queue.key] = queue.count()
            section.queues.append(QueueRow(queue.label, counted[queue.key], queue.url()))
        sections.append(section)
    return sections


def _list_url(name: str, **query: str) -> Callable[[], str]:
    def url() -> str:
        params = "&".join(f"{key}={value}" for key, value in query.items())
        return f"{reverse(name)}?{params}" if params else reverse(name)

    return url


def _product_gap(gap: str) -> Callable[[], int]:
    def count() -> int:
        from zhanggui.catalog.selectors import count_products_with_gap

        return count_products_with_gap(gap)

    return count


def _sku_gap(gap: str) -> Callable[[], int]:
    def count() -> int:
        from zhanggui.catalog.selectors import count_skus_with_gap

        return count_skus_with_gap(gap)

    return count


def _hero_count() -> int:
    from zhanggui.catalog.selectors import count_hero_products

    return count_hero_products()


def _main_width_label() -> str:
    width = settings.ZHANGGUI["MAIN_IMAGE_WIDTH_PX"]
    return gettext("Main image not %(width)d px wide") % {"width": width}


_PRODUCTS = "catalog:product_list"
_SKUS = "catalog:sku_list"
_EDITOR, _DESIGNER = frozenset({Role.EDITOR}), frozenset({Role.DESIGNER})

for _key, _label, _roles, _gap in (
    ("products_without_sku", _("Products without any SKU"), _EDITOR, "sku"),
    ("products_not_listed", _("Products not listed in any shop"), _EDITOR, "listing"),
    ("products_without_description", _("Products without a description"), _EDITOR, "description"),
    ("products_without_main_image", _("Products without a main image"), _DESIGNER, "main_image"),
    ("products_with_few_images", _("Products with fewer than 6 images"), _DESIGNER, "images"),
    ("main_image_wrong_width", lazy(_main_width_label, str)(), _DESIGNER, "main_width"),
):
    register(Queue(_key, _label, _roles, _product_gap(_gap), _list_url(_PRODUCTS, missing=_gap)))

register(
    Queue(
        "skus_without_weight",
        _("SKUs without weight"),
        frozenset({Role.WAREHOUSE}),
        _sku_gap("weight"),
        _list_url(_SKUS, missing="weight"),
    )
)
register(
    Queue(
        "skus_without_cost",
        _("SKUs without cost"),
        frozenset({Role.BUYER}),
        _sku_gap("cost"),
        _list_url(_SKUS, missing="cost"),
    )
)
register(
    Queue(
        "hero_products",
        _("Hero products"),
        frozenset({Role.PROMOTION}),
        _hero_count,
        _list_url(_PRODUCTS, hero="1"),
    )
)
