"""The ledger page, and the two hand-posted kinds of move: adjustments (with receipts and
customer returns entered by hand) and transfers between warehouses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.inventory import services
from zhanggui.inventory.forms import AdjustmentForm, MoveFilterForm, TransferForm, show_error
from zhanggui.inventory.models import MoveKind, StockLevel, StockMove, Warehouse
from zhanggui.inventory.views_reads import MoveFilters, filter_moves, page_window
from zhanggui.inventory.warehouses import find_bin, find_sku
from zhanggui.staff.access import PagePermissionMixin

POST_MOVES = "inventory.add_stockmove"


class MoveListView(PagePermissionMixin, View):
    """The ledger, newest first, filtered by SKU, kind, warehouse, person and shop days."""

    permission_required = "inventory.view_stocklevel"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = MoveFilterForm(request.GET)
        data = form.cleaned_data if form.is_valid() else {}
        warehouse, person = data.get("warehouse"), data.get("person")
        filters = MoveFilters(
            sku_code=data.get("sku", ""),
            kind=data.get("kind", ""),
            warehouse_id=warehouse.pk if warehouse else None,
            actor_id=person.pk if person else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        moves = page_window(filter_moves(filters), request.GET.get("page"))
        return render(request, "inventory/move_list.html", {"form": form, "moves": moves})


def _available(sku_id: int, warehouse_id: int) -> int:
    level = StockLevel.objects.filter(sku_id=sku_id, warehouse_id=warehouse_id).first()
    return level.available if level else 0


def _default_code() -> str:
    warehouse = Warehouse.objects.filter(is_default=True).first()
    return warehouse.code if warehouse else ""


class AdjustmentView(PagePermissionMixin, View):
    """Post one move by hand: an adjustment (signed), a receipt or a customer return. The
    form stays on the same warehouse and kind after each post, for scanning item after item."""

    permission_required = POST_MOVES
    template_name = "inventory/move_form.html"

    def _render(self, form: AdjustmentForm) -> HttpResponse:
        context = {"form": form, "title": _("Adjust stock"), "submit": _("Post the move")}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {
            "warehouse": request.GET.get("warehouse") or _default_code(),
            "kind": request.GET.get("kind") or MoveKind.ADJUSTMENT,
            "sku": request.GET.get("sku", ""),
        }
        return self._render(AdjustmentForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AdjustmentForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        data = form.cleaned_data
        warehouse = data["warehouse"]
        try:
            sku = find_sku(data["sku"])
            bin_id = (
                find_bin(warehouse_id=warehouse.pk, code=data["bin"]).pk if data["bin"] else None
            )
            move = services.post_move(
                actor=request.user,
                move=services.MoveInput(
                    sku_id=sku.pk,
                    quantity=data["quantity"],
                    kind=data["kind"],
                    warehouse_id=warehouse.pk,
                    bin_id=bin_id,
                    ref=data["ref"],
                    note=data["reason"],
                ),
            )
        except DomainError as error:
            show_error(error, form)
            return self._render(form)
        messages.success(request, _posted(move, sku.merchant_code, warehouse))
        query = urlencode({"warehouse": warehouse.code, "kind": data["kind"]})
        return redirect(f"{reverse('inventory:adjust')}?{query}")


def _posted(move: StockMove, code: str, warehouse: Warehouse) -> str:
    return _(
        "%(kind)s %(quantity)+d × %(code)s in %(warehouse)s posted; %(available)d available there."
    ) % {
        "kind": move.get_kind_display(),
        "quantity": move.quantity,
        "code": code,
        "warehouse": warehouse.name,
        "available": _available(move.sku_id, warehouse.pk),
    }


class TransferView(PagePermissionMixin, View):
    """Move stock from one warehouse to another: a transfer out and in, posted together."""

    permission_required = POST_MOVES
    template_name = "inventory/move_form.html"

    def _render(self, form: TransferForm) -> HttpResponse:
        context = {"form": form, "title": _("Transfer stock"), "submit": _("Transfer")}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {
            "from_warehouse": request.GET.get("from_warehouse") or _default_code(),
            "to_warehouse": request.GET.get("to_warehouse", ""),
            "sku": request.GET.get("sku", ""),
        }
        return self._render(TransferForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TransferForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        data = form.cleaned_data
        source, target = data["from_warehouse"], data["to_warehouse"]
        try:
            sku = find_sku(data["sku"])
            services.transfer_stock(
                actor=request.user,
                sku_id=sku.pk,
                from_warehouse_id=source.pk,
                to_warehouse_id=target.pk,
                quantity=data["quantity"],
                ref=data["ref"],
            )
        except DomainError as error:
            show_error(error, form)
            return self._render(form)
        messages.success(
            request,
            _("%(quantity)d × %(code)s moved from %(source)s to %(target)s.")
            % {
                "quantity": data["quantity"],
                "code": sku.merchant_code,
                "source": source.name,
                "target": target.name,
            },
        )
        query = urlencode({"from_warehouse": source.code, "to_warehouse": target.code})
        return redirect(f"{reverse('inventory:transfer')}?{query}")
