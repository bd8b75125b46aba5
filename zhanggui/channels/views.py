"""The channel sync's pages: where each shop's sync stands, its runs and failures, the
outbox of pushes, the daily reconciliations, and a shop's connection settings.

Seeing needs channels.view_sync; starting a sync, retrying and editing a connection need
channels.run_sync. Work that talks to a channel is queued for the worker, never done in
the request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.channels import outbox, selectors
from zhanggui.channels.forms import ConnectionForm, OutboxFilterForm, ReconcileForm
from zhanggui.channels.models import (
    OutboxMessage,
    OutboxStatus,
    Reconciliation,
    Shop,
    SyncFailure,
    SyncKind,
    SyncRun,
)
from zhanggui.channels.services import failures
from zhanggui.channels.services.connections import ConnectionInput, mask, save_connection
from zhanggui.channels.services.reconciliation import yesterday
from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.staff.access import PagePermissionMixin

VIEW_SYNC = "channels.view_sync"
RUN_SYNC = "channels.run_sync"
PAGE_SIZE = 50


def _shop(code: str) -> Shop:
    shop = Shop.objects.filter(code=code).first()
    if shop is None:
        raise Http404(_("No shop with this code."))
    return shop


def _queue_sync(shop: Shop) -> None:
    from zhanggui.channels.tasks import sync_channels

    sync_channels.enqueue(shop.code)


class SyncStatusView(PagePermissionMixin, View):
    """Every shop that can sync: its watermarks, last runs, failures and pushes."""

    permission_required = VIEW_SYNC

    def get(self, request: HttpRequest) -> HttpResponse:
        context = {"statuses": selectors.shop_statuses()}
        return render(request, "channels/status.html", context)


class ShopSyncView(PagePermissionMixin, View):
    """One shop: its failures (with their next retry) and its runs, newest first."""

    permission_required = VIEW_SYNC

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        shop = _shop(code)
        runs = Paginator(SyncRun.objects.filter(shop=shop), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "status": selectors.shop_status(shop),
            "failures": selectors.open_failures(shop),
            "page_obj": runs,
            "paginator": runs.paginator,
            "is_paginated": runs.has_other_pages(),
            "orders_kind": SyncKind.ORDERS,
        }
        return render(request, "channels/shop.html", context)


class SyncNowView(PagePermissionMixin, View):
    """Take the shop's orders and refunds now: every failure of the shop is due again."""

    permission_required = RUN_SYNC

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        shop = _shop(code)
        failures.retry_shop_now(shop_id=shop.pk)
        _queue_sync(shop)
        messages.success(request, _("The sync of %(shop)s is queued.") % {"shop": shop.name})
        return redirect("channels:shop", code=shop.code)


class RetryFailureView(PagePermissionMixin, View):
    permission_required = RUN_SYNC

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        failure = SyncFailure.objects.select_related("shop").filter(pk=pk).first()
        if failure is None:
            raise Http404(_("No such failure."))
        failures.retry_now(failure_id=failure.pk)
        _queue_sync(failure.shop)
        messages.success(request, _("Retry queued."))
        return redirect("channels:shop", code=failure.shop.code)


class OutboxView(PagePermissionMixin, View):
    """Shipments and stock levels waiting to be pushed, or that failed."""

    permission_required = VIEW_SYNC

    def get(self, request: HttpRequest) -> HttpResponse:
        form = OutboxFilterForm(request.GET)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        query = OutboxMessage.objects.select_related("shop", "order")
        # By default what still needs the channel: waiting or failed.
        query = query.filter(status=status) if status else query.exclude(status=OutboxStatus.SENT)
        page = Paginator(query.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "form": form,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        }
        return render(request, "channels/outbox.html", context)


class RetryOutboxView(PagePermissionMixin, View):
    permission_required = RUN_SYNC

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from zhanggui.channels.tasks import push_channel_outbox

        if not OutboxMessage.objects.filter(pk=pk).exists():
            raise Http404(_("No such message."))
        outbox.retry_now(message_id=pk)
        push_channel_outbox.enqueue()
        messages.success(request, _("Retry queued."))
        return redirect("channels:outbox")


class ReconciliationListView(PagePermissionMixin, View):
    """The daily checks, newest day first, and a form to check a day now."""

    permission_required = VIEW_SYNC

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ReconcileForm(initial={"day": yesterday()})
        return self._page(request, form)

    def _page(self, request: HttpRequest, form: ReconcileForm) -> HttpResponse:
        checks = Reconciliation.objects.select_related("shop")
        page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        }
        return render(request, "channels/reconciliation_list.html", context)


class ReconcileView(ReconciliationListView):
    """Check one shop's day now (queued for the worker)."""

    permission_required = RUN_SYNC

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("channels:reconciliations")

    def post(self, request: HttpRequest) -> HttpResponse:
        from zhanggui.channels.tasks import reconcile_channels

        form = ReconcileForm(request.POST)
        if not form.is_valid():
            return self._page(request, form)
        shop, day = form.cleaned_data["shop"], form.cleaned_data["day"]
        reconcile_channels.enqueue(day.isoformat(), shop.code)
        messages.success(
            request,
            _("The check of %(shop)s on %(day)s is queued.") % {"shop": shop.name, "day": day},
        )
        return redirect("channels:reconciliations")


class ReconciliationDetailView(PagePermissionMixin, View):
    permission_required = VIEW_SYNC

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        check = Reconciliation.objects.select_related("shop").filter(pk=pk).first()
        if check is None:
            raise Http404(_("No such check."))
        return render(request, "channels/reconciliation_detail.html", {"check": check})


class ConnectionEditView(PagePermissionMixin, View):
    """A shop's open-platform credentials. The secret and session key are never shown
    back: the form shows them masked and keeps them when left empty."""

    permission_required = RUN_SYNC
    template_name = "channels/connection_form.html"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        shop = _shop(code)
        connection = getattr(shop, "connection", None)
        initial: dict[str, Any] = {}
        if connection is not None:
            initial = {
                "app_key": connection.app_key,
                "gateway_url": connection.gateway_url,
                "is_active": connection.is_active,
                "sync_from": connection.sync_from,
            }
        form = ConnectionForm(initial=initial, masked=self._masked(shop))
        return render(request, self.template_name, {"form": form, "shop": shop})

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        shop = _shop(code)
        form = ConnectionForm(request.POST, masked=self._masked(shop))
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_connection(
                    actor=request.user,
                    shop_id=shop.pk,
                    data=ConnectionInput(
                        app_key=data["app_key"],
                        gateway_url=data["gateway_url"],
                        is_active=data["is_active"],
                        app_secret=data["app_secret"],
                        session_key=data["session_key"],
                        sync_from=data["sync_from"],
                    ),
                )
            except InvalidInput as error:
                for name, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Connection of %(shop)s saved.") % {"shop": shop.name})
                return redirect("channels:shop", code=shop.code)
        return render(request, self.template_name, {"form": form, "shop": shop})

    @staticmethod
    def _masked(shop: Shop) -> dict[str, str]:
        connection = getattr(shop, "connection", None)
        if connection is None:
            return {}
        return {
            "app_secret": mask(connection.app_secret),
            "session_key": mask(connection.session_key),
        }
