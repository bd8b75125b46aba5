"""Orders over HTTP: shape checks, then orders.services (intake, lifecycle), then a response.

Creating is idempotent per channel + shop + order number (the intake's rule): the same
order posted again answers 200 with the same id, never a second order."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhanggui.core.api.schema import error_responses
from zhanggui.core.api.viewsets import ApiViewSet
from zhanggui.orders.api.serializers import (
    ApproveInputSerializer,
    OrderCreatedSerializer,
    OrderFilter,
    OrderInputSerializer,
    OrderSerializer,
    OrderStatusSerializer,
    ShipInputSerializer,
    ShippedSerializer,
)
from zhanggui.orders.models import Order
from zhanggui.orders.services import intake, lifecycle
from zhanggui.staff.access import ActionPermission
from zhanggui.staff.roles import IMPORT_ORDERS, REVIEW_ORDERS, SHIP_ORDERS, VIEW_ORDERS

# A 409 of approve or ship: which rule refused, with what was short or what holds it.
OrderConflictSerializer = inline_serializer(
    "OrderConflict",
    {
        "error": serializers.ChoiceField(
            choices=["out_of_stock", "order_held", "wrong_status"],
            help_text="out_of_stock: nothing was reserved, the order is now on hold (yellow "
            "flag); order_held: clear its holds first; wrong_status: not at that step",
        ),
        "detail": serializers.CharField(help_text="text in the request's language"),
        "lines": serializers.ListField(
            child=inline_serializer(
                "ShortLine",
                {
                    "merchant_code": serializers.CharField(),
                    "warehouse": serializers.CharField(),
                    "requested": serializers.IntegerField(),
                    "available": serializers.IntegerField(),
                },
            ),
            required=False,
            help_text="with out_of_stock: each line that is short",
        ),
        "holds": serializers.ListField(
            child=serializers.CharField(),
            required=False,
            help_text="with order_held: the hold reason codes to clear",
        ),
    },
)
CONFLICT = {409: OpenApiResponse(OrderConflictSerializer)}
ORDER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="the order's id")
READ_ERRORS = error_responses(401, 403, 404)


@extend_schema_view(
    list=extend_schema(
        parameters=[OrderFilter],
        description="Orders, newest first, filtered by status, order number and channel.",
        responses={200: OrderSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(parameters=[ORDER_ID], responses={200: OrderSerializer, **READ_ERRORS}),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Channel orders (订单): placed by a channel push or an integration, approved (stock
    allocated) by customer service, shipped by the warehouse."""

    permission_classes = [ActionPermission]
    # Placing an order through the API is customer service's (or a manager's) work, as an
    # import is: either permission will do.
    required_permissions = {
        "list": [VIEW_ORDERS],
        "retrieve": [VIEW_ORDERS],
        "metadata": [VIEW_ORDERS],
        "create": [(REVIEW_ORDERS, IMPORT_ORDERS)],
        "approve": [REVIEW_ORDERS],
        "ship": [SHIP_ORDERS],
    }
    queryset = Order.objects.select_related("shop").prefetch_related("lines").order_by("-id")
    serializer_class = OrderSerializer
    lookup_value_regex = r"[0-9]+"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        params = OrderFilter(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        values: dict[str, Any] = params.validated_data
        for name in ("status", "order_no", "channel"):
            if values.get(name):
                queryset = queryset.filter(**{name: values[name]})
        return queryset

    @extend_schema(
        request=OrderInputSerializer,
        responses={
            201: OrderCreatedSerializer,
            200: OpenApiResponse(
                OrderCreatedSerializer,
                description="the order was already here (same channel, shop and order "
                "number): updated from what was sent, or unchanged",
            ),
            **error_responses(400, 401, 403),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = intake.receive_order(actor=request.user, data=serializer.validated_data)
        body = {"id": result.order.pk, "status": result.order.status, "outcome": result.outcome}
        created = result.outcome == intake.Outcome.CREATED
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        parameters=[ORDER_ID],
        request=ApproveInputSerializer,
        description="Review the order and allocate its stock. Approving an approved order "
        "again answers 200 and reserves nothing more.",
        responses={200: OrderStatusSerializer, **error_responses(400, 401, 403, 404), **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        serializer = ApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = lifecycle.approve_order(
            actor=request.user, order_id=int(pk), reason=serializer.validated_data["reason"]
        )
        return Response({"id": order.pk, "status": order.status})

    @extend_schema(
        parameters=[ORDER_ID],
        request=ShipInputSerializer,
        description="Ship an approved order: its reservations become sale moves. The same "
        "tracking number again answers 200 and posts nothing more.",
        responses={200: ShippedSerializer, **error_responses(400, 401, 403, 404), **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def ship(self, request: Request, pk: str) -> Response:
        serializer = ShipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = lifecycle.ship_order(
            actor=request.user,
            order_id=int(pk),
            courier=serializer.validated_data["courier"],
            tracking_no=serializer.validated_data["tracking_no"],
        )
        body = {
            "id": order.pk,
            "status": order.status,
            "courier": order.courier,
            "tracking_no": order.tracking_no,
        }
        return Response(body)
