"""Waybill API shapes: what a print request carries, and what a refusal lists."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhanggui.fulfillment.labels import SIZES
from zhanggui.fulfillment.services.printing import check_size


class WaybillPrintInputSerializer(serializers.Serializer[Any]):
    order_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=5_000,
        help_text="order ids; one page per order, in this order (merged orders: the order "
        "that carries the parcel)",
    )
    size = serializers.CharField(
        max_length=10,
        required=False,
        help_text=f"label size, one of {', '.join(SIZES)}; default: the shop's label size",
    )

    def validate_size(self, value: str) -> str:
        return check_size(value)


class RefusedOrderSerializer(serializers.Serializer[Any]):
    order_id = serializers.IntegerField()
    order_no = serializers.CharField(help_text="empty for an unknown id")
    code = serializers.CharField(
        help_text="not_found, duplicate, merged, wrong_status, held, courier_cannot_reach, "
        "courier_not_found, label_size, pool_exhausted, tracking_no_used"
    )
    reason = serializers.CharField(help_text="text in the request's language")


class WaybillsRefusedSerializer(serializers.Serializer[Any]):
    error = serializers.ChoiceField(choices=["labels_refused"])
    detail = serializers.CharField()
    refused = RefusedOrderSerializer(many=True)
