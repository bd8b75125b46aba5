"""One exception handler: every API error is JSON {"error": CODE, "detail": TEXT, ...}.

Validation problems always carry `fields`, a flat {name: [messages]} map, whether DRF's
shape checks or a service's InvalidInput found them; nested names read `skus[1].price`, as
the services write them. `detail` is in the request's language (LocaleMiddleware has
activated it by the time a view runs)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from zhanggui.core.errors import DomainError

logger = logging.getLogger(__name__)
NON_FIELD = "non_field_errors"


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"name": [...], "skus[1].price": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(name, int):  # an item of a list (DRF keys list errors by index)
                key = f"{prefix}[{name}]"
            else:
                key = f"{prefix}.{name}" if prefix else str(name)
            flat.update(flatten_fields(value, key))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        # A list of child serializers' errors: one entry per item, empty where it was fine.
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_fields(item, f"{prefix}[{index}]"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(message) for message in messages]} if messages else {}


def _first_message(fields: dict[str, list[str]]) -> str:
    for name, messages in fields.items():
        text = messages[0] if messages else ""
        return text if name == NON_FIELD else f"{name}: {text}"
    return str(_("Some values are not valid."))


def _invalid(fields: dict[str, list[str]]) -> Response:
    set_rollback()
    body = {"error": "invalid", "detail": _first_message(fields), "fields": fields}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()
        body = {"error": exc.code, "detail": str(exc.message), **exc.data}
        return Response(body, status=exc.http_status)
    if isinstance(exc, exceptions.ValidationError):
        return _invalid(flatten_fields(exc.detail))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _invalid(flatten_fields(detail))
    if isinstance(exc, Http404):
        # Not Http404's own text: it names the model ("No Product matches...").
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # Django's debug page is more use to a developer
        logger.exception("API request failed", exc_info=exc)
        set_rollback()
        body = {"error": "server_error", "detail": _("Something went wrong on our side.")}
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if not isinstance(exc, exceptions.APIException):
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    if isinstance(exc.detail, str):
        text = str(exc.detail)
    else:
        text = _first_message(flatten_fields(exc.detail))
    response.data = {"error": code, "detail": text}
    return response


@csrf_exempt  # else a POST to a wrong address gets the CSRF page instead of JSON
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any path under /api/v1/ that names no endpoint: JSON 404, like the endpoints' own."""
    return JsonResponse(
        {"error": "not_found", "detail": _("No API endpoint at this address.")}, status=404
    )
