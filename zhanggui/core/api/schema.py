"""Shapes shared by every endpoint's OpenAPI description: the JSON error body."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": serializers.CharField(help_text="stable code, e.g. invalid, not_found"),
        "detail": serializers.CharField(help_text="text in the request's language"),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="with error=invalid: messages by field name (skus[1].price)",
        ),
    },
)


def error_responses(*statuses: int) -> dict[int, Any]:
    """`responses=` entries for the given error statuses, all with the one error body."""
    return {status: OpenApiResponse(ErrorSerializer) for status in statuses}
