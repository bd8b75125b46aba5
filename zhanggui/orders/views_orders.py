"""The order list and one order's page: receiver, lines with their stock, amounts, the
shipping clock, buyer message and memo, the actions its status allows, the decisions and
the audit trail, the buyer's other orders and failed-deal notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.orders import selectors_pages as selectors
from zhanggui.orders.forms_pages import MemoForm, OrderFilterForm, ReceiverForm
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services.edits import RECEIVER_EDITABLE, URGENT_EDITABLE
from zhanggui.orders.services.lifecycle import REVIEWABLE
from zhanggui.orders.services.merge import MERGEABLE, merge_candidates_for
from zhanggui.orders.services.split import SPLITTABLE
from zhanggui.staff.access import PagePermissionMixin

VIEW_ORDERS = "orders.view_order"
CHANGE_ORDERS = "orders.change_order"
REVIEW_ORDERS = "orders.review_order"
VIEW_FAILED_DEALS = "customers.view_faileddeal"


def get_order_or_404(pk: int) -> Order:
    order = selectors.get_order(pk)
    if order is None:
        raise Http404(_("No such order."))
    return order


class OrderListView(PagePermissionMixin, View):
    """Every order: search by number, buyer, receiver or tracking number; filters; pages
    by LIMIT (no count over the whole table)."""

    permission_required = VIEW_ORDERS

    def get(self, request: HttpRequest) -> HttpResponse:
        form = OrderFilterForm(request.GET)
        data = form.cleaned_data if form.is_valid() else {}
        shop = data.get("shop")
        filters = selectors.OrderFilters(
            q=(data.get("q") or "").strip(),
            status=data.get("status", ""),
            channel=data.get("channel", ""),
            shop_id=shop.pk if shop else None,
            flag=data.get("flag", ""),
            hold=data.get("hold", ""),
            paid_from=data.get("paid_from"),
            paid_to=data.get("paid_to"),
            urgent=bool(data.get("urgent")),
        )
        page = selectors.page_of(selectors.list_orders(filters), request.GET.get("page"))
        context = {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": selectors.order_rows(page.rows),
        }
        return render(request, "orders/pages/order_list.html", context)


@dataclass(frozen=True)
class Actions:
    """What the order's status (and its parcel) allows; the page shows only these."""

    approve: bool
    hold: bool
    release: bool
    unapprove: bool
    close: bool
    split: bool
    split_out_of_stock: bool
    unmerge: bool
    edit_receiver: bool
    urgent: bool
    answer: bool


def actions_for(order: Order, *, has_members: bool) -> Actions:
    status = order.status
    is_member = order.merged_into_id is not None
    reviewable = status in REVIEWABLE
    return Actions(
        approve=reviewable and not is_member,
        hold=reviewable,
        release=status == OrderStatus.ON_HOLD,
        unapprove=status == OrderStatus.APPROVED and not is_member,
        # A merged order is closed after taking it out of its parcel, never inside one.
        close=status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CLOSED)
        and not is_member,
        split=status in SPLITTABLE and not is_member,
        split_out_of_stock=reviewable and not is_member and not has_members,
        unmerge=(is_member or has_members) and status in MERGEABLE,
        edit_receiver=status in RECEIVER_EDITABLE,
        urgent=status in URGENT_EDITABLE,
        answer=bool(order.buyer_message.strip()) and order.buyer_message_answered_at is None,
    )


def _parse_address_url() -> str | None:
    """The address parser's endpoint (another page area); without it the paste box hides."""
    try:
        return reverse("orders:parse_address")
    except NoReverseMatch:
        return None


def receiver_initial(order: Order) -> dict[str, Any]:
    return {
        name: getattr(order, f"receiver_{name}")
        for name in ("name", "phone", "province", "city", "district", "address", "postcode")
    }


def render_detail(
    request: HttpRequest,
    order: Order,
    *,
    receiver_form: ReceiverForm | None = None,
    memo_form: MemoForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    group = selectors.group_orders(order)
    has_members = any(member.merged_into_id == order.pk for member in group)
    context = {
        "order": order,
        "holds": selectors.hold_labels(order),
        "clock": selectors.clock_of(order),
        "line_rows": selectors.line_rows(order),
        "actions": actions_for(order, has_members=has_members),
        "group": group,
        "has_members": has_members,
        "parts": selectors.trade_parts(order),
        "merge_candidates": merge_candidates_for(order),
        "decisions": order.decisions.select_related("actor").order_by("-created_at", "-id"),
        "audit_entries": selectors.order_audit_entries(order),
        "other_orders": selectors.other_orders_of_buyer(order),
        "failed_deals": None,
        "receiver_form": receiver_form or ReceiverForm(initial=receiver_initial(order)),
        "memo_form": memo_form
        or MemoForm(initial={"seller_memo": order.seller_memo, "flag": order.flag}),
        "parse_address_url": _parse_address_url(),
    }
    if user.has_perm(VIEW_FAILED_DEALS) and order.buyer_nick:
        from zhanggui.customers.failed_deals import failed_deals_of

        context["failed_deals"] = list(failed_deals_of(order.channel, order.buyer_nick)[:20])
    return render(request, "orders/pages/order_detail.html", context, status=status)


class OrderDetailView(PagePermissionMixin, View):
    permission_required = VIEW_ORDERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_detail(request, get_order_or_404(pk))
