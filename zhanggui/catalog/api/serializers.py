"""Catalog API shapes. Input serializers check types only (the rules live in
catalog.services); output serializers render what a role may see."""

from __future__ import annotations

from typing import Any

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhanggui.catalog.models import Category, Product, ProductLine, Sku
from zhanggui.staff.roles import VIEW_COST


def _money(**options: Any) -> serializers.DecimalField:
    """Yuan with two places, as the models store it; more places are refused, not rounded."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **options)


def _unchangeable(name: str) -> serializers.ValidationError:
    return serializers.ValidationError({name: [_("This field cannot be changed.")]})


class SkuSerializer(serializers.ModelSerializer[Sku]):
    """A SKU as read back. Only ever renders: writes go through the serializers below."""

    product: serializers.SlugRelatedField[Product] = serializers.SlugRelatedField(
        slug_field="item_no", read_only=True
    )

    class Meta:
        model = Sku
        fields = [
            "merchant_code",
            "product",
            "color",
            "size",
            "barcode",
            "price",
            "vip_price",
            "cost_price",
            "weight_g",
            "is_active",
            "created_at",
            "updated_at",
        ]
        # cost_price is left out of read_only_fields only so that the OpenAPI document
        # shows it as optional (spectacular marks every read-only field required).
        read_only_fields = [name for name in fields if name != "cost_price"]
        extra_kwargs = {
            "cost_price": {"required": False, "help_text": _("Only for roles that may see costs.")}
        }

    @cached_property
    def may_see_cost(self) -> bool:
        # Cached on the serializer: a list renders through one child serializer.
        request = self.context.get("request")
        return request is not None and request.user.has_perm(VIEW_COST)

    def to_representation(self, instance: Sku) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Costs are hidden from the roles that must not know margins (warehouse, CS, ...).
        if not self.may_see_cost:
            data.pop("cost_price", None)
        return data


class ProductSerializer(serializers.ModelSerializer[Product]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    skus = SkuSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "item_no",
            "title",
            "category",
            "product_line",
            "is_hero",
            "description",
            "skus",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SkuFieldsSerializer(serializers.Serializer[Any]):
    merchant_code = serializers.CharField()
    price = _money()
    color = serializers.CharField(allow_blank=True, default="")
    size = serializers.CharField(allow_blank=True, default="")
    barcode = serializers.CharField(allow_blank=True, default="")
    vip_price = _money(allow_null=True, default=None)
    cost_price = _money(allow_null=True, default=None)
    weight_g = serializers.IntegerField(allow_null=True, default=None)


class SkuCreateSerializer(SkuFieldsSerializer):
    product = serializers.SlugRelatedField(slug_field="item_no", queryset=Product.objects.all())


class SkuUpdateSerializer(serializers.Serializer[Any]):
    """PATCH: only the fields sent change. `product` may be sent back unchanged."""

    merchant_code = serializers.CharField(required=False)
    product = serializers.CharField(required=False, write_only=True)
    price = _money(required=False)
    color = serializers.CharField(required=False, allow_blank=True)
    size = serializers.CharField(required=False, allow_blank=True)
    barcode = serializers.CharField(required=False, allow_blank=True)
    vip_price = _money(required=False, allow_null=True)
    cost_price = _money(required=False, allow_null=True)
    weight_g = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        product = attrs.pop("product", None)
        if product is not None and (
            self.instance is None or product != self.instance.product.item_no
        ):
            raise _unchangeable("product")
        return attrs


class ProductCreateSerializer(serializers.Serializer[Any]):
    item_no = serializers.CharField()
    title = serializers.CharField()
    product_line = serializers.ChoiceField(choices=ProductLine.choices, default=ProductLine.PROFIT)
    is_hero = serializers.BooleanField(default=False)
    category = serializers.CharField(allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    skus = SkuFieldsSerializer(many=True, required=False)


class ProductUpdateSerializer(serializers.Serializer[Any]):
    """PATCH: only the fields sent change. `item_no` may be sent back unchanged."""

    item_no = serializers.CharField(required=False, write_only=True)
    title = serializers.CharField(required=False)
    product_line = serializers.ChoiceField(choices=ProductLine.choices, required=False)
    is_hero = serializers.BooleanField(required=False)
    category = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        item_no = attrs.pop("item_no", None)
        if item_no is not None and (self.instance is None or item_no != self.instance.item_no):
            raise _unchangeable("item_no")
        return attrs
