"""What the dispatch pages share (handovers and stubs, tracking and claims, courier bills):
the permissions they need and the page base. The pages themselves live in
views_dispatch_handover.py, views_dispatch_tracking.py and views_dispatch_bills.py.

Reading parcels, handovers, stubs, tracking and claims needs fulfillment.view_parcel.
Making handovers, printing manifests, entering the courier's figures and archiving stubs
need orders.ship_order or fulfillment.print_labels; importing tracking and working claims
need fulfillment.manage_claims; courier bills need fulfillment.reconcile_bills."""

from __future__ import annotations

from typing import Any, Final

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.views import View

from zhanggui.staff.access import PagePermissionMixin, has_all

VIEW_PARCEL: Final = "fulfillment.view_parcel"
HANDOVER: Final = ("orders.ship_order", "fulfillment.print_labels")
MANAGE_CLAIMS: Final = "fulfillment.manage_claims"
RECONCILE_BILLS: Final = "fulfillment.reconcile_bills"
PAGE_SIZE: Final = 50

Needed = str | tuple[str, ...]


class DispatchPage(PagePermissionMixin, View):
    """GET/HEAD need `read_permission`, other methods `write_permission`; a tuple is any
    one of its names."""

    read_permission: Needed = VIEW_PARCEL
    write_permission: Needed = VIEW_PARCEL
    permission_required = VIEW_PARCEL  # the mixin insists on one; has_permission decides

    def has_permission(self) -> bool:
        reading = self.request.method in ("GET", "HEAD")
        needed = self.read_permission if reading else self.write_permission
        return has_all(self.request.user, [needed])


def can(user: Any, needed: Needed) -> bool:
    return has_all(user, [needed])


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> dict[str, Any]:
    page: Page[Any] = Paginator(items, size).get_page(request.GET.get("page"))
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}
