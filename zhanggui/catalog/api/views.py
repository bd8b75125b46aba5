"""Products and SKUs over HTTP: shape checks, then catalog.services, then a response."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from zhanggui.catalog import services
from zhanggui.catalog.api import filters
from zhanggui.catalog.api.serializers import (
    ProductCreateSerializer,
    ProductSerializer,
    ProductUpdateSerializer,
    SkuCreateSerializer,
    SkuSerializer,
    SkuUpdateSerializer,
)
from zhanggui.catalog.models import Product, Sku
from zhanggui.core.api.schema import error_responses
from zhanggui.core.api.viewsets import ApiViewSet
from zhanggui.core.errors import NotAllowed
from zhanggui.staff.access import ActionPermission
from zhanggui.staff.roles import CHANGE_COST, SKU_EDIT_PERMISSIONS

READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema_view(
    list=extend_schema(parameters=[filters.ProductFilter], responses={200: ProductSerializer}),
    retrieve=extend_schema(responses={200: ProductSerializer, **READ_ERRORS}),
)
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Products (宝贝) by item number; `skus` lists their colours × sizes."""

    permission_classes = [ActionPermission]
    required_permissions = {
        "list": ["catalog.view_product"],
        "retrieve": ["catalog.view_product"],
        "metadata": ["catalog.view_product"],
        "create": ["catalog.add_product"],
        "partial_update": ["catalog.change_product"],
    }
    queryset = Product.objects.select_related("category").prefetch_related("skus")
    serializer_class = ProductSerializer
    lookup_field = "item_no"
    lookup_value_regex = r"[^/]+"  # item numbers may hold '.', which the default refuses

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list":
            return filters.filter_products(queryset, self.request)
        return queryset

    def _fresh(self, product: Product) -> dict[str, Any]:
        return self.get_serializer(self.get_queryset().get(pk=product.pk)).data

    @extend_schema(
        request=ProductCreateSerializer, responses={201: ProductSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request) -> Response:
        serializer = ProductCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        skus = values.pop("skus", [])
        if skus and not request.user.has_perm("catalog.add_sku"):
            raise exceptions.PermissionDenied()
        product = services.create_product(
            actor=request.user,
            data=services.ProductInput(**values),
            skus=[services.SkuInput(**sku) for sku in skus],
        )
        return Response(self._fresh(product), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProductUpdateSerializer, responses={200: ProductSerializer, **WRITE_ERRORS}
    )
    def partial_update(self, request: Request, item_no: str) -> Response:
        product = self.get_object()
        serializer = ProductUpdateSerializer(product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product = services.update_product(
            actor=request.user, product_id=product.pk, **serializer.validated_data
        )
        return Response(self._fresh(product))


@extend_schema_view(
    list=extend_schema(parameters=[filters.SkuFilter], responses={200: SkuSerializer}),
    retrieve=extend_schema(responses={200: SkuSerializer, **READ_ERRORS}),
)
class SkuViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """SKUs by merchant code. `cost_price` is shown only to roles that may see costs."""

    permission_classes = [ActionPermission]
    required_permissions = {
        "list": ["catalog.view_sku"],
        "retrieve": ["catalog.view_sku"],
        "metadata": ["catalog.view_sku"],
        "create": ["catalog.add_sku"],
        "partial_update": [SKU_EDIT_PERMISSIONS],
    }
    queryset = Sku.objects.select_related("product")
    serializer_class = SkuSerializer
    lookup_field = "merchant_code"
    # Merchant codes are any visible ASCII, '/' and '.' included (clients percent-encode).
    lookup_value_regex = r"[!-~]+"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list":
            return filters.filter_skus(queryset, self.request)
        return queryset

    def _fresh(self, sku: Sku) -> dict[str, Any]:
        return self.get_serializer(self.get_queryset().get(pk=sku.pk)).data

    @extend_schema(request=SkuCreateSerializer, responses={201: SkuSerializer, **WRITE_ERRORS})
    def create(self, request: Request) -> Response:
        serializer = SkuCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        product = values.pop("product")
        sku = services.create_sku(
            actor=request.user, product_id=product.pk, data=services.SkuInput(**values)
        )
        return Response(self._fresh(sku), status=status.HTTP_201_CREATED)

    @extend_schema(request=SkuUpdateSerializer, responses={200: SkuSerializer, **WRITE_ERRORS})
    def partial_update(self, request: Request, merchant_code: str) -> Response:
        sku = self.get_object()
        serializer = SkuUpdateSerializer(sku, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        # The service refuses only a cost that changes; answering 403 to any cost sent keeps
        # a role that cannot see costs from guessing one by which values are accepted.
        if "cost_price" in changes and not request.user.has_perm(CHANGE_COST):
            raise NotAllowed(_("You may not change costs."), field="cost_price")
        sku = services.update_sku(actor=request.user, sku_id=sku.pk, changes=changes)
        return Response(self._fresh(sku))
