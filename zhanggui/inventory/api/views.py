"""Stock over HTTP: balances to read, moves to post. Shape checks, then inventory.services."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from zhanggui.catalog.models import Sku
from zhanggui.core.api.schema import error_responses
from zhanggui.core.api.viewsets import ApiViewSet
from zhanggui.core.errors import InvalidInput, NotFound
from zhanggui.inventory import selectors, services
from zhanggui.inventory.api.serializers import (
    BalanceFilter,
    BalanceSerializer,
    MoveCreateSerializer,
    MoveSerializer,
)
from zhanggui.inventory.models import Bin, StockLevel, Warehouse
from zhanggui.staff.access import ActionPermission
from zhanggui.staff.roles import POST_STOCK_MOVES, VIEW_STOCK


class StockViewSet(ApiViewSet):
    """Balances per SKU and warehouse: on hand, reserved (held for orders), available."""

    permission_classes = [ActionPermission]
    required_permissions = {"list": [VIEW_STOCK], "metadata": [VIEW_STOCK]}
    serializer_class = BalanceSerializer

    @extend_schema(
        parameters=[BalanceFilter],
        description=(
            "With `merchant_code`: that SKU's balances as a plain list, one per warehouse "
            "holding a balance (404 for an unknown code). Without it: every balance, paged."
        ),
        responses={200: BalanceSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def list(self, request: Request) -> Response:
        params = BalanceFilter(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        warehouse: Warehouse | None = params.validated_data.get("warehouse")
        warehouse_id = warehouse.pk if warehouse else None
        code = params.validated_data.get("merchant_code")
        if code is not None:
            sku = Sku.objects.filter(merchant_code=code).only("pk").first()
            if sku is None:
                raise NotFound(_("Unknown merchant code: %(code)s.") % {"code": code})
            levels = selectors.list_balances(sku_id=sku.pk, warehouse_id=warehouse_id)
            return Response(BalanceSerializer(levels, many=True).data)
        page = self.paginate_queryset(selectors.list_balances(warehouse_id=warehouse_id))
        return self.get_paginated_response(BalanceSerializer(page, many=True).data)


class StockMoveViewSet(ApiViewSet):
    """Stock moves posted by hand or by a scanner: receipts, adjustments, returns, supplier
    exchanges, stocktake corrections. Sales and transfers come from their own flows."""

    permission_classes = [ActionPermission]
    required_permissions = {"create": [POST_STOCK_MOVES], "metadata": [POST_STOCK_MOVES]}
    serializer_class = MoveSerializer

    @extend_schema(
        request=MoveCreateSerializer,
        responses={
            201: MoveSerializer,
            409: OpenApiResponse(
                description="error out_of_stock, with `lines`: "
                "[{merchant_code, warehouse, requested, available}]; nothing was posted"
            ),
            **error_responses(400, 401, 403),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = MoveCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        sku: Sku = data["merchant_code"]
        warehouse: Warehouse = data["warehouse"] or services.default_warehouse()
        bin_id = _bin_id(warehouse, data["bin"])
        move_input = services.MoveInput(
            sku.pk,
            data["qty"],
            data["kind"],
            warehouse_id=warehouse.pk,
            bin_id=bin_id,
            ref=data["ref"],
            note=data["note"],
        )
        # One transaction, so the balance shown is the one this move left behind.
        with transaction.atomic():
            move = services.post_move(actor=request.user, move=move_input)
            level = StockLevel.objects.get(sku_id=sku.pk, warehouse_id=warehouse.pk)
        move.sku, move.warehouse, move.actor = sku, warehouse, request.user
        body = MoveSerializer(move, context={"level": level}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _bin_id(warehouse: Warehouse, code: str) -> int | None:
    if not code:
        return None
    found = Bin.objects.filter(warehouse=warehouse, code=code).values_list("pk", flat=True)
    bin_id = found.first()
    if bin_id is None:
        raise InvalidInput({"bin": [_("No bin %(code)s in this warehouse.") % {"code": code}]})
    return bin_id
