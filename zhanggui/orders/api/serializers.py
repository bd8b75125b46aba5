"""Order API shapes. Input serializers check types and turn the body into the intake's
OrderInput, using intake's own checks (so the API refuses exactly what intake refuses, with
the API's field names: `lines[0].qty` is the first line); output serializers render orders.

Money travels as strings with two places ("59.00"), times as ISO 8601 with the offset of
Asia/Shanghai (+08:00)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhanggui.channels.models import Channel
from zhanggui.orders.models import Flag, Order, OrderLine, OrderSource, OrderStatus
from zhanggui.orders.services import intake
from zhanggui.orders.services.inputs import ChannelState, LineInput, OrderInput, ReceiverInput


def _money(**options: Any) -> serializers.DecimalField:
    """Yuan with two places, never negative; more places are refused, not rounded."""
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.00"), **options
    )


def _text(max_length: int, **options: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, default="", **options)


class WholeNumberField(serializers.IntegerField):
    """A JSON integer only: 1.5, 2.0, "3" and true are refused, never rounded or parsed."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


def _problems_as_errors(problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, message in problems:
        errors.setdefault(name, []).append(str(message))
    return errors


# ---------------------------------------------------------------- input


class ReceiverInputSerializer(serializers.Serializer[Any]):
    name = _text(50)
    phone = _text(40)
    province = _text(20)
    city = _text(30)
    district = _text(30, help_text="empty (or Taobao's 其它区) when unknown")
    address = _text(255, help_text="street address; or the whole pasted address alone")
    postcode = _text(6)


class LineInputSerializer(serializers.Serializer[Any]):
    merchant_code = _text(
        64, help_text="the SKU's merchant code; an unknown code puts the order on hold"
    )
    qty = WholeNumberField(min_value=1, max_value=intake.MAX_QUANTITY)
    price = _money(help_text="unit price before discount")
    oid = _text(40, help_text="the channel's sub-order number")
    title = _text(200)
    properties = _text(200, help_text="e.g. 颜色分类：黑色；尺码：M")
    discount = _money(default=Decimal("0.00"), help_text="discount on the whole line")
    paid_amount = _money(
        required=False, allow_null=True, default=None, help_text="default qty × price − discount"
    )

    def validate(self, attrs: dict[str, Any]) -> LineInput:
        line = LineInput(
            merchant_code=attrs["merchant_code"].strip(),
            quantity=attrs["qty"],
            price=attrs["price"],
            oid=attrs["oid"],
            title=attrs["title"],
            properties=attrs["properties"],
            discount=attrs["discount"],
            paid_amount=attrs["paid_amount"],
        )
        problems = intake.check_line(line)
        if problems:
            raise serializers.ValidationError(_problems_as_errors(problems))
        return line


class OrderInputSerializer(serializers.Serializer[Any]):
    """POST /api/v1/orders/: an order as the channel sent it. `paid_at` absent means the
    buyer has not paid yet (awaiting_payment)."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    order_no = serializers.CharField(max_length=40, help_text="the channel's order number (tid)")
    shop = _text(40, help_text="shop code; the channel's default shop when left out")
    buyer_nick = _text(64)
    receiver = ReceiverInputSerializer()
    # Empty or too long is intake's check below: it names `lines` (DRF's own would read
    # `lines.non_field_errors`).
    lines = LineInputSerializer(many=True, help_text=f"1 to {intake.MAX_LINES} lines")
    post_fee = _money(default=Decimal("0.00"))
    discount = _money(default=Decimal("0.00"), help_text="order-level discount")
    paid_amount = _money(
        required=False,
        allow_null=True,
        default=None,
        help_text="default goods + post fee − discount",
    )
    points = WholeNumberField(min_value=0, default=0, help_text="points the buyer paid with")
    created_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="when the buyer placed it on the channel (ISO 8601; no offset: Beijing time)",
    )
    paid_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="when the buyer paid; absent or null: not paid yet (awaiting_payment)",
    )
    buyer_message = serializers.CharField(allow_blank=True, default="", max_length=2000)
    seller_memo = serializers.CharField(allow_blank=True, default="", max_length=2000)
    flag = serializers.ChoiceField(choices=Flag.choices, default=Flag.NONE)
    invoice_title = _text(100)

    def validate(self, attrs: dict[str, Any]) -> OrderInput:
        receiver: Mapping[str, str] = attrs["receiver"]
        data = OrderInput(
            channel=attrs["channel"],
            order_no=attrs["order_no"].strip(),
            state=ChannelState.PAID if attrs["paid_at"] else ChannelState.UNPAID,
            lines=tuple(attrs["lines"]),
            source=OrderSource.API,
            shop_code=attrs["shop"].strip(),
            buyer_nick=attrs["buyer_nick"],
            receiver=ReceiverInput(**receiver),
            paid_amount=attrs["paid_amount"],
            post_fee=attrs["post_fee"],
            discount_amount=attrs["discount"],
            points_used=attrs["points"],
            ordered_at=attrs["created_at"],
            paid_at=attrs["paid_at"],
            buyer_message=attrs["buyer_message"],
            seller_memo=attrs["seller_memo"],
            flag=attrs["flag"],
            invoice_title=attrs["invoice_title"],
        )
        # The lines were checked one by one above (named from 0, as the API counts them).
        problems = [
            (name, text)
            for name, text in intake.check_order_input(data)
            if not name.startswith("lines[")
        ]
        if problems:
            raise serializers.ValidationError(_problems_as_errors(problems))
        return data


class ShipInputSerializer(serializers.Serializer[Any]):
    courier = serializers.CharField(max_length=16, help_text="courier code, e.g. sf, zto, yto")
    tracking_no = serializers.CharField(max_length=40)


class ApproveInputSerializer(serializers.Serializer[Any]):
    reason = _text(255, help_text="why, for the order's decision log")


class OrderFilter(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    order_no = serializers.CharField(required=False, help_text="exact; matches its split parts")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)


# ---------------------------------------------------------------- output


class OrderCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    outcome = serializers.ChoiceField(
        choices=[intake.Outcome.CREATED, intake.Outcome.UPDATED, intake.Outcome.UNCHANGED],
        help_text="created (201); updated or unchanged (200) when the order was already here",
    )


class OrderStatusSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)


class ShippedSerializer(OrderStatusSerializer):
    courier = serializers.CharField()
    tracking_no = serializers.CharField()


class ReceiverSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="receiver_name")
    phone = serializers.CharField(source="receiver_phone")
    province = serializers.CharField(source="receiver_province")
    city = serializers.CharField(source="receiver_city")
    district = serializers.CharField(source="receiver_district")
    address = serializers.CharField(source="receiver_address")
    postcode = serializers.CharField(source="receiver_postcode")


class LineSerializer(serializers.ModelSerializer[OrderLine]):
    qty = serializers.IntegerField(source="quantity")
    matched = serializers.SerializerMethodField(
        help_text="false while the merchant code is not mapped to one of our SKUs"
    )

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "oid",
            "merchant_code",
            "matched",
            "title",
            "properties",
            "qty",
            "price",
            "discount",
            "paid_amount",
            "refund_status",
            "refund_amount",
        ]
        read_only_fields = fields

    def get_matched(self, line: OrderLine) -> bool:
        return line.sku_id is not None


class OrderSerializer(serializers.ModelSerializer[Order]):
    """One order. `created_at` is when the buyer placed it on the channel when the channel
    said so, else when it reached us (`received_at`)."""

    shop = serializers.CharField(source="shop.code")
    receiver = ReceiverSerializer(source="*")
    lines = LineSerializer(many=True)
    holds = serializers.ListField(child=serializers.CharField(), help_text="hold reason codes")
    created_at = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField(source="created_at")
    points_used = serializers.IntegerField()

    class Meta:
        model = Order
        fields = [
            "id",
            "channel",
            "shop",
            "order_no",
            "part",
            "status",
            "buyer_nick",
            "receiver",
            "lines",
            "goods_amount",
            "discount_amount",
            "paid_amount",
            "post_fee",
            "points_used",
            "flag",
            "seller_memo",
            "buyer_message",
            "invoice_title",
            "holds",
            "courier",
            "tracking_no",
            "created_at",
            "received_at",
            "paid_at",
            "approved_at",
            "shipped_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField())
    def get_created_at(self, order: Order) -> str:
        value = order.ordered_at or order.created_at
        text: str = serializers.DateTimeField().to_representation(value)
        return text
