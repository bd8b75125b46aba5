"""Query-string filters of the catalog lists. Each is a serializer, so a bad value is a
400 naming the parameter, and the OpenAPI document lists the parameters."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from zhanggui.catalog.models import Product, ProductLine, Sku


def _params(
    serializer_class: type[serializers.Serializer[Any]], request: Request
) -> dict[str, Any]:
    # A plain dict, not the QueryDict: DRF reads a missing boolean in form data as False,
    # which would turn "no is_hero filter" into "is_hero=false".
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return {name: value for name, value in serializer.validated_data.items() if value != ""}


class ProductFilter(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="title or item_no contains"
    )
    item_no = serializers.CharField(required=False, allow_blank=True)
    product_line = serializers.ChoiceField(
        choices=ProductLine.choices, required=False, allow_blank=True
    )
    is_hero = serializers.BooleanField(required=False)


class SkuFilter(serializers.Serializer[Any]):
    merchant_code = serializers.CharField(required=False, allow_blank=True)
    product = serializers.CharField(required=False, allow_blank=True, help_text="item_no")
    barcode = serializers.CharField(required=False, allow_blank=True)


def filter_products(queryset: QuerySet[Product], request: Request) -> QuerySet[Product]:
    params = _params(ProductFilter, request)
    if "q" in params:
        queryset = queryset.filter(
            Q(title__icontains=params["q"]) | Q(item_no__icontains=params["q"])
        )
    if "item_no" in params:
        queryset = queryset.filter(item_no=params["item_no"])
    if "product_line" in params:
        queryset = queryset.filter(product_line=params["product_line"])
    if "is_hero" in params:
        queryset = queryset.filter(is_hero=params["is_hero"])
    return queryset


def filter_skus(queryset: QuerySet[Sku], request: Request) -> QuerySet[Sku]:
    params = _params(SkuFilter, request)
    if "merchant_code" in params:
        queryset = queryset.filter(merchant_code=params["merchant_code"])
    if "product" in params:
        queryset = queryset.filter(product__item_no=params["product"])
    if "barcode" in params:
        queryset = queryset.filter(barcode=params["barcode"])
    return queryset
