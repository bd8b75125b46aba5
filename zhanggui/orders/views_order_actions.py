"""The actions of one order's page (POST, then back to the page with a message): status
actions, receiver, memo and flag, urgency, the buyer message answered."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.orders.exceptions import OrderOutOfStock
from zhanggui.orders.forms_pages import (
    MemoForm,
    ReceiverForm,
    StatusActionForm,
    UrgentForm,
    error_text,
    show_error,
)
from zhanggui.orders.models import HoldReason, Order
from zhanggui.orders.services import edits, lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.views_orders import (
    CHANGE_ORDERS,
    REVIEW_ORDERS,
    get_order_or_404,
    render_detail,
)
from zhanggui.staff.access import PagePermissionMixin


def safe_next(request: HttpRequest) -> str | None:
    """`next` when it is one of our pages (the list the action was taken from)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def back(request: HttpRequest, order: Order) -> HttpResponse:
    """To `next` when it is one of our pages, else to the order."""
    return redirect(safe_next(request) or reverse("orders:detail", kwargs={"pk": order.pk}))


class OrderStatusView(PagePermissionMixin, View):
    """approve | hold | release | unapprove | close, with a reason."""

    permission_required = REVIEW_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = StatusActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an action."))
            return back(request, order)
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        actor: Any = request.user
        try:
            if action == "approve":
                lifecycle.approve_order(actor=actor, order_id=order.pk, reason=reason)
            elif action == "hold":
                lifecycle.hold_order(
                    actor=actor, order_id=order.pk, reasons=[HoldReason.MANUAL], reason=reason
                )
            elif action == "release":
                lifecycle.release_holds(actor=actor, order_id=order.pk, reason=reason)
            elif action == "unapprove":
                lifecycle.unapprove_order(actor=actor, order_id=order.pk, reason=reason)
            else:
                lifecycle.close_order(actor=actor, order_id=order.pk, reason=reason)
        except OrderOutOfStock:
            messages.warning(
                request,
                _("Not enough stock: the order is on hold as out of stock, flagged yellow."),
            )
            return back(request, order)
        except DomainError as error:
            messages.error(request, error_text(error))
            return back(request, order)
        order.refresh_from_db()
        messages.success(
            request,
            _("Order %(order)s is now %(status)s.")
            % {"order": order, "status": order.get_status_display()},
        )
        return back(request, order)


class ReceiverView(PagePermissionMixin, View):
    permission_required = CHANGE_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = ReceiverForm(request.POST)
        if not form.is_valid():
            return render_detail(request, order, receiver_form=form)
        data = form.cleaned_data
        receiver = ReceiverInput(
            **{
                name: data[name]
                for name in ("name", "phone", "province", "city", "district", "address")
            },
            postcode=data["postcode"],
        )
        try:
            order = edits.change_receiver(
                actor=request.user, order_id=order.pk, receiver=receiver, reason=data["reason"]
            )
        except DomainError as error:
            show_error(error, form)
            return render_detail(request, order, receiver_form=form)
        if HoldReason.ADDRESS_UNRESOLVED in order.holds:
            messages.warning(
                request, _("Receiver saved, but the address does not resolve: the order is held.")
            )
        else:
            messages.success(request, _("Receiver saved."))
        return redirect("orders:detail", pk=order.pk)


class MemoView(PagePermissionMixin, View):
    """The seller memo and the flag, saved together (one form on the page)."""

    permission_required = CHANGE_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = MemoForm(request.POST)
        if not form.is_valid():
            return render_detail(request, order, memo_form=form)
        memo, flag = form.cleaned_data["seller_memo"], form.cleaned_data["flag"]
        try:
            if memo.strip() != order.seller_memo:
                edits.change_memo(actor=request.user, order_id=order.pk, memo=memo)
            if flag != order.flag:
                lifecycle.set_flag(actor=request.user, order_id=order.pk, flag=flag)
        except DomainError as error:
            show_error(error, form)
            return render_detail(request, order, memo_form=form)
        messages.success(request, _("Memo and flag saved."))
        return redirect("orders:detail", pk=order.pk)


class UrgentView(PagePermissionMixin, View):
    permission_required = CHANGE_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = UrgentForm(request.POST)
        urgent = bool(form.is_valid() and form.cleaned_data["urgent"])
        try:
            edits.set_urgent(actor=request.user, order_id=order.pk, urgent=urgent)
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Marked urgent.") if urgent else _("No longer urgent."))
        return back(request, order)


class AnswerView(PagePermissionMixin, View):
    """The buyer's message is answered (on the channel's chat): the list forgets it."""

    permission_required = CHANGE_ORDERS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        try:
            edits.answer_buyer_message(actor=request.user, order_id=order.pk)
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The message of %(order)s is answered.") % {"order": order})
        return back(request, order)
