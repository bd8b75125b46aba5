"""Stock API shapes. Input serializers check types only (the ledger rules live in
inventory.services); output serializers render balances and moves."""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from zhanggui.catalog.models import Sku
from zhanggui.inventory.models import Bin, MoveKind, StockLevel, StockMove, Warehouse

# Kinds a client may post. Sales come from shipping (they consume a reservation) and
# transfers are two moves posted together; neither may be posted one move at a time.
API_KINDS: Final = [
    MoveKind.RECEIPT,
    MoveKind.ADJUSTMENT,
    MoveKind.CUSTOMER_RETURN,
    MoveKind.EXCHANGE_OUT,
    MoveKind.EXCHANGE_IN,
    MoveKind.STOCKTAKE,
]
MAX_MOVE_QTY: Final = 1_000_000


class BalanceSerializer(serializers.ModelSerializer[StockLevel]):
    merchant_code = serializers.CharField(source="sku.merchant_code", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = ["merchant_code", "warehouse", "on_hand", "reserved", "available"]
        read_only_fields = fields


class BalanceFilter(serializers.Serializer[Any]):
    merchant_code = serializers.CharField(
        required=False, help_text="one SKU: its balances as a plain list, one per warehouse"
    )
    warehouse = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Warehouse.objects.all(),
        required=False,
        help_text="warehouse code",
        error_messages={"does_not_exist": _("Unknown warehouse: {value}.")},
    )


class WholeNumberField(serializers.IntegerField):
    """A JSON integer only: 1.5, 2.0, "3" and true are refused, never rounded or parsed."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class MoveCreateSerializer(serializers.Serializer[Any]):
    merchant_code = serializers.SlugRelatedField(
        slug_field="merchant_code",
        queryset=Sku.objects.all(),
        error_messages={"does_not_exist": _("Unknown merchant code: {value}.")},
    )
    warehouse = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Warehouse.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="warehouse code; the shop's default warehouse when left out",
        error_messages={"does_not_exist": _("Unknown warehouse: {value}.")},
    )
    qty = WholeNumberField(
        min_value=-MAX_MOVE_QTY,
        max_value=MAX_MOVE_QTY,
        help_text="signed whole number, not 0: positive adds stock, negative takes it out",
    )
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in API_KINDS])
    ref = serializers.CharField(max_length=100, allow_blank=True, default="")
    note = serializers.CharField(max_length=255, allow_blank=True, default="")
    bin = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="bin code"
    )

    def validate_qty(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError(_("The quantity must not be 0."))
        return value


class MoveSerializer(serializers.ModelSerializer[StockMove]):
    """A posted move, with the balance it left behind."""

    merchant_code = serializers.CharField(source="sku.merchant_code", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    bin: serializers.SlugRelatedField[Bin] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    qty = serializers.IntegerField(source="quantity", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)
    on_hand = serializers.SerializerMethodField()
    reserved = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    class Meta:
        model = StockMove
        fields = [
            "id",
            "merchant_code",
            "warehouse",
            "bin",
            "qty",
            "kind",
            "ref",
            "note",
            "actor",
            "created_at",
            "on_hand",
            "reserved",
            "available",
        ]
        read_only_fields = fields

    def _level(self) -> StockLevel:
        level: StockLevel = self.context["level"]
        return level

    def get_on_hand(self, move: StockMove) -> int:
        return self._level().on_hand

    def get_reserved(self, move: StockMove) -> int:
        return self._level().reserved

    def get_available(self, move: StockMove) -> int:
        return self._level().available
