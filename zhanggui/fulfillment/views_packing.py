"""Packing and shipping pages: the packing station (验货台) driven by a barcode scanner, the
page that ships packed parcels per courier, and the parcel list with the shipping clock.

The station's box (which parcel is open, what was scanned into it) lives in the session, so
a reload shows the same box; each scan carries a request id, and a request sent twice (a
double Enter, a retry after a dropped connection) is answered again without counting twice.
The page sends one scan at a time, so the session is never written by two scans at once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from zhanggui.fulfillment.models import Courier, Parcel, ParcelStatus
from zhanggui.fulfillment.queues import IN_WAREHOUSE, SLA_FILTERS, warehouse_orders
from zhanggui.fulfillment.services import packing_station as station
from zhanggui.fulfillment.services import shipping
from zhanggui.fulfillment.services.packing import (
    MAX_WEIGHT_G,
    PackingState,
    ParcelChecks,
    Progress,
    ScanOutcome,
    person_name,
)
from zhanggui.orders.models import Order
from zhanggui.orders.review_queue import clock_of
from zhanggui.orders.sla import SHANGHAI
from zhanggui.staff.access import PagePermissionMixin

PACK = "fulfillment.pack_parcel"
SHIP = "orders.ship_order"
VIEW_PARCEL = "fulfillment.view_parcel"
SESSION_KEY: Final = "fulfillment.packing"
REMEMBERED_REQUESTS: Final = 20
PAGE_SIZE: Final = 100


# ---------------------------------------------------------------- the packing station


def _load(request: HttpRequest) -> tuple[PackingState, list[list[Any]]]:
    data = request.session.get(SESSION_KEY) or {}
    return PackingState.from_dict(data), list(data.get("recent") or [])


def _save(request: HttpRequest, state: PackingState, recent: list[list[Any]]) -> None:
    request.session[SESSION_KEY] = {**state.as_dict(), "recent": recent[-REMEMBERED_REQUESTS:]}


def _checks_json(checks: ParcelChecks, result: Progress | None, is_open: bool) -> dict[str, Any]:
    scanned = {line.item.sku_id: line.scanned for line in result.lines} if result else {}
    states = {line.item.sku_id: line.state for line in result.lines} if result else {}
    return {
        "id": checks.parcel_id,
        "is_open": is_open,
        "tracking_no": checks.tracking_no,
        "courier": {"code": checks.courier_code, "name": checks.courier_name},
        "orders": list(checks.order_nos),
        "receiver": {
            "name": checks.receiver_name,
            "phone": checks.receiver_phone,
            "address": checks.receiver_address,
            "postcode": checks.receiver_postcode,
        },
        "seller_memo": checks.seller_memo,
        "buyer_message": checks.buyer_message,
        "estimated_weight_g": checks.estimated_weight_g,
        "lines": [
            {
                "sku_id": item.sku_id,
                "merchant_code": item.merchant_code,
                "barcode": item.barcode,
                "title": item.title,
                "properties": item.properties,
                "expected": item.quantity,
                "scanned": scanned.get(item.sku_id, 0),
                "state": states.get(item.sku_id, "todo"),
            }
            for item in checks.items
        ],
        "extras": [{"merchant_code": code, "scanned": n} for code, n in result.extras]
        if result
        else [],
        "refunded": [
            {
                "merchant_code": item.merchant_code,
                "title": item.title,
                "properties": item.properties,
                "quantity": item.quantity,
            }
            for item in checks.refunded
        ],
        "expected": result.expected if result else sum(i.quantity for i in checks.items),
        "scanned": result.scanned if result else 0,
        "complete": bool(result and result.is_complete),
        "blocked": bool(result and result.is_blocked),
    }


def _outcome_json(outcome: ScanOutcome | None, state: PackingState) -> dict[str, Any]:
    parcel = None
    if outcome is not None and outcome.checks is not None:
        is_open = state.parcel_id == outcome.checks.parcel_id
        parcel = _checks_json(outcome.checks, outcome.progress, is_open)
    return {
        "level": outcome.level if outcome else "",
        "message": outcome.message if outcome else "",
        "code": outcome.code if outcome else "",
        "packed": outcome.data if outcome and outcome.level == station.PACKED else None,
        "parcel": parcel,
    }


class PackPageView(PagePermissionMixin, View):
    """The station: one always-focused input for scans, the weight when the box is right."""

    permission_required = PACK

    def get(self, request: HttpRequest) -> HttpResponse:
        state, recent = _load(request)
        outcome = station.describe(state)
        if outcome is not None and outcome.state != state:
            state = outcome.state  # the open parcel was packed or held meanwhile
            _save(request, state, recent)
        context = {
            "initial": _outcome_json(outcome, state),
            "packer": person_name(request.user),
            "max_weight_kg": MAX_WEIGHT_G // 1000,
        }
        return render(request, "fulfillment/packing/pack.html", context)


class _StationAction(PagePermissionMixin, View):
    """A POST from the station, answered with JSON: the feedback and the box as it is now."""

    permission_required = PACK

    def act(self, request: HttpRequest, state: PackingState) -> ScanOutcome | None:
        raise NotImplementedError

    def post(self, request: HttpRequest) -> HttpResponse:
        request_id = request.POST.get("request_id", "")[:64]
        state, recent = _load(request)
        seen = next((entry for entry in recent if request_id and entry[0] == request_id), None)
        if seen is not None:
            # The same request again: the box is already as it left it; say the same.
            payload = _outcome_json(station.describe(state), state)
            payload.update(seen[1])
            return JsonResponse({**payload, "repeated": True})
        outcome = self.act(request, state)
        if outcome is None:
            return HttpResponseBadRequest(_("Nothing was sent."))
        payload = _outcome_json(outcome, outcome.state)
        feedback = {key: payload[key] for key in ("level", "message", "code", "packed")}
        if request_id:
            recent.append([request_id, feedback])
        _save(request, outcome.state, recent)
        return JsonResponse(payload)


class PackScanView(_StationAction):
    def act(self, request: HttpRequest, state: PackingState) -> ScanOutcome | None:
        code = request.POST.get("code")
        if code is None:
            return None
        return station.handle_scan(actor=request.user, state=state, code=code[:200])


class PackFinishView(_StationAction):
    def act(self, request: HttpRequest, state: PackingState) -> ScanOutcome | None:
        parcel_id = request.POST.get("parcel_id", "")
        if not parcel_id.isdigit():
            return None
        return station.handle_finish(
            actor=request.user,
            state=state,
            parcel_id=int(parcel_id),
            weight=request.POST.get("weight", "")[:40],
            confirm=request.POST.get("confirm") == "1",
        )


# ---------------------------------------------------------------- shipping


def _today_start() -> datetime:
    return datetime.combine(timezone.localtime(timezone.now(), SHANGHAI).date(), time(0), SHANGHAI)


class ShipView(PagePermissionMixin, View):
    """Packed parcels per courier, every one ticked; shipping posts the stock-out once and
    tells the channel."""

    permission_required = SHIP

    def get(self, request: HttpRequest) -> HttpResponse:
        parcels = (
            Parcel.objects.filter(status=ParcelStatus.PACKED)
            .select_related("courier", "order", "packed_by")
            .order_by("courier__position", "courier__code", "packed_at", "pk")
        )
        today = _today_start()
        groups: dict[Courier, list[Parcel]] = defaultdict(list)
        for parcel in parcels:
            groups[parcel.courier].append(parcel)
        rows = [
            {
                "courier": courier,
                "parcels": items,
                "packed_today": sum(1 for p in items if p.packed_at and p.packed_at >= today),
                "weight_kg": sum(p.weight_g or 0 for p in items) / 1000,
            }
            for courier, items in groups.items()
        ]
        return render(request, "fulfillment/packing/ship.html", {"groups": rows})

    def post(self, request: HttpRequest) -> HttpResponse:
        ids = [int(value) for value in request.POST.getlist("parcel_ids") if value.isdigit()]
        if not ids:
            messages.error(request, _("Tick the parcels to ship."))
            return redirect("fulfillment:ship")
        report = shipping.ship_parcels(actor=request.user, parcel_ids=ids)
        if report.shipped:
            messages.success(
                request,
                ngettext(
                    "%(n)d parcel shipped: stock posted, the channel is told.",
                    "%(n)d parcels shipped: stock posted, the channels are told.",
                    report.count,
                )
                % {"n": report.count},
            )
        if report.already_shipped:
            messages.info(
                request,
                _("Already shipped, nothing posted again: %(list)s")
                % {"list": ", ".join(p.tracking_no for p in report.already_shipped)},
            )
        for tracking_no, reason in report.failed:
            messages.error(
                request,
                _("%(tracking)s not shipped: %(reason)s")
                % {"tracking": tracking_no, "reason": reason},
            )
        return redirect("fulfillment:ship")


# ---------------------------------------------------------------- the parcel list

DATE_FIELDS: Final = {"printed": "created_at", "packed": "packed_at", "shipped": "shipped_at"}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _page(request: HttpRequest) -> int:
    page = request.GET.get("page", "")
    return max(int(page), 1) if page.isdigit() else 1


class ParcelListView(PagePermissionMixin, View):
    """Parcels by status, courier and day; or (`sla=overdue|due_today`) the orders still in
    the warehouse against the shipping clock, with their parcel when one is printed."""

    permission_required = VIEW_PARCEL

    def get(self, request: HttpRequest) -> HttpResponse:
        sla = request.GET.get("sla", "")
        courier = request.GET.get("courier", "")
        day = _day(request.GET.get("date", ""))
        date_of = request.GET.get("date_of", "printed")
        status = request.GET.get("status", "")
        page = _page(request)
        now = timezone.now()
        if sla in SLA_FILTERS:
            rows, total = self._orders(sla, courier, status, page, now)
        else:
            rows, total = self._parcels(status, courier, day, date_of, page, now)
        context = {
            "rows": rows,
            "total": total,
            "page": page,
            "has_next": page * PAGE_SIZE < total,
            "sla": sla if sla in SLA_FILTERS else "",
            "filters": {
                "status": status,
                "courier": courier,
                "date": day.isoformat() if day else "",
                "date_of": date_of,
            },
            "couriers": Courier.objects.filter(is_active=True),
            "parcel_statuses": ParcelStatus.choices,
            "order_statuses": [(s.value, s.label) for s in IN_WAREHOUSE],
            "date_fields": [
                ("printed", _("Label printed")),
                ("packed", _("Packed")),
                ("shipped", _("Shipped")),
            ],
        }
        return render(request, "fulfillment/packing/parcels.html", context)

    def _orders(
        self, sla: str, courier: str, status: str, page: int, now: datetime
    ) -> tuple[list[dict[str, Any]], int]:
        orders: QuerySet[Order] = warehouse_orders(sla, now)
        if courier:
            orders = orders.filter(courier=courier)
        if status in IN_WAREHOUSE:
            orders = orders.filter(status=status)
        total = orders.count()
        start = (page - 1) * PAGE_SIZE
        window = list(orders.order_by("paid_at", "pk")[start : start + PAGE_SIZE])
        live = (
            Parcel.objects.filter(order__in=window)
            .exclude(status=ParcelStatus.CANCELLED)
            .select_related("courier", "packed_by")
        )
        parcels = {parcel.order_id: parcel for parcel in live}
        rows = [
            {"order": order, "parcel": parcels.get(order.pk), "clock": clock_of(order, now)}
            for order in window
        ]
        return rows, total

    def _parcels(
        self, status: str, courier: str, day: date | None, date_of: str, page: int, now: datetime
    ) -> tuple[list[dict[str, Any]], int]:
        parcels = Parcel.objects.all()
        if status in ParcelStatus.values:
            parcels = parcels.filter(status=status)
        if courier:
            parcels = parcels.filter(courier__code=courier)
        if day is not None:
            start = datetime.combine(day, time(0), SHANGHAI)
            name = DATE_FIELDS.get(date_of, "created_at")
            parcels = parcels.filter(
                Q(**{f"{name}__gte": start, f"{name}__lt": start + timedelta(days=1)})
            )
        total = parcels.count()
        start_row = (page - 1) * PAGE_SIZE
        window = list(
            parcels.select_related("courier", "order", "packed_by").order_by("-created_at", "-pk")[
                start_row : start_row + PAGE_SIZE
            ]
        )
        rows = [
            {
                "order": parcel.order,
                "parcel": parcel,
                "clock": clock_of(parcel.order, now)
                if parcel.order.status in IN_WAREHOUSE
                else None,
            }
            for parcel in window
        ]
        return rows, total
