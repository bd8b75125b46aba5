"""E-waybills over HTTP: `POST /api/v1/waybills/print/` → one PDF, a page per order in the
order given (API.md).

All or nothing: a client asked for exactly these pages, so when any order cannot be
printed (held, not approved, pool exhausted, a place its courier does not reach...) the
answer is 409 naming every refused order with why, and nothing is printed, numbered or
changed. Orders already printed are printed again with their number (a reprint, audited);
orders without a number get one from their courier's pool first."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from zhanggui.core.api.schema import error_responses
from zhanggui.core.api.viewsets import ApiViewSet
from zhanggui.fulfillment.api.serializers import (
    WaybillPrintInputSerializer,
    WaybillsRefusedSerializer,
)
from zhanggui.fulfillment.services import printing
from zhanggui.fulfillment.services.couriers import get_settings
from zhanggui.staff.access import ActionPermission
from zhanggui.staff.roles import PRINT_LABELS


class WaybillViewSet(ApiViewSet):
    """E-waybill labels (电子面单) printed from orders."""

    permission_classes = [ActionPermission]
    required_permissions = {"print_labels": [PRINT_LABELS]}
    serializer_class = WaybillPrintInputSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A client that accepts only application/pdf still gets JSON errors, not a 406.
        return super().perform_content_negotiation(request, force=True)

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer()]

    @extend_schema(
        request=WaybillPrintInputSerializer,
        description="Print the orders' e-waybill labels as one PDF: one page per order, in "
        "the order given. Approved orders get a tracking number from their courier's pool "
        "(their courier chosen by the shop's rules when they have none) and become "
        "printed; orders already printed are printed again with their number. All or "
        "nothing: if any order cannot be printed, 409 lists them all and nothing changes. "
        "The response header X-Label-Batch names the batch (its pick list and packing "
        "slips are on the batch page).",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the labels, one page per order"
            ),
            409: OpenApiResponse(
                WaybillsRefusedSerializer,
                description="some orders cannot be printed; nothing was printed",
            ),
            **error_responses(400, 401, 403),
        },
    )
    @action(detail=False, methods=["post"], url_path="print", url_name="print")
    def print_labels(self, request: Request) -> HttpResponse:
        serializer = WaybillPrintInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = printing.print_labels(
            request.user,
            data["order_ids"],
            data.get("size") or get_settings().default_label_size,
            reprint=True,
            all_or_nothing=True,
        )
        response = HttpResponse(result.pdf, content_type="application/pdf")
        batch = result.batch.pk if result.batch else 0
        response["Content-Disposition"] = f'attachment; filename="waybills-{batch}.pdf"'
        response["X-Label-Batch"] = str(batch)
        return response
