from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.test import APIClient

from zhanggui.catalog.models import Product
from zhanggui.core.api.errors import flatten_fields, json_exception_handler
from zhanggui.core.errors import InvalidInput, NotAllowed

PRODUCTS = "/api/v1/products/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the handler on its own (no database) --------------------------------------------------


def test_flatten_fields_names_nested_items_by_index():
    detail = {"title": ["required"], "skus": {1: {"price": ["bad"]}}, "tags": [{}, {"x": ["y"]}]}
    assert flatten_fields(detail) == {
        "title": ["required"],
        "skus[1].price": ["bad"],
        "tags[1].x": ["y"],
    }


def test_flatten_fields_puts_bare_messages_under_non_field_errors():
    assert flatten_fields(["whole body is wrong"]) == {"non_field_errors": ["whole body is wrong"]}


def test_validation_error_is_400_invalid_with_fields():
    response = json_exception_handler(
        exceptions.ValidationError({"price": ["A number is required."]}), {}
    )
    assert response.status_code == 400
    assert response.data == {
        "error": "invalid",
        "detail": "price: A number is required.",
        "fields": {"price": ["A number is required."]},
    }


def test_service_invalid_input_is_400_invalid_with_fields():
    response = json_exception_handler(InvalidInput({"title": ["Too long."]}), {})
    assert response.status_code == 400
    assert response.data == {
        "error": "invalid",
        "detail": "title: Too long.",
        "fields": {"title": ["Too long."]},
    }


def test_django_validation_error_is_400_invalid_with_fields():
    response = json_exception_handler(DjangoValidationError({"size": ["Too big."]}), {})
    assert response.status_code == 400
    assert response.data["fields"] == {"size": ["Too big."]}


def test_not_allowed_is_403_permission_denied():
    response = json_exception_handler(NotAllowed("No prices.", field="price"), {})
    assert response.status_code == 403
    assert response.data == {"error": "permission_denied", "detail": "No prices.", "field": "price"}


def test_unexpected_error_is_500_json(settings):
    settings.DEBUG = False
    response = json_exception_handler(RuntimeError("boom"), {})
    assert response.status_code == 500
    assert response.data["error"] == "server_error"
    assert "boom" not in response.data["detail"]


def test_unexpected_error_reaches_debug_page_in_debug(settings):
    settings.DEBUG = True
    assert json_exception_handler(RuntimeError("boom"), {}) is None


# --- through HTTP --------------------------------------------------------------------------


def test_anonymous_request_is_401_with_token_challenge(db):
    response = APIClient().get(PRODUCTS, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_detail_is_chinese_by_default(db):
    response = APIClient().get(PRODUCTS)
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_unknown_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get(PRODUCTS, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"error": "authentication_failed", "detail": "Invalid token."}


def test_missing_permission_is_403_json(api_client_for):
    response = api_client_for("cs_presale").post(
        PRODUCTS, {"item_no": "A-1", "title": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "permission_denied",
        "detail": "You do not have permission to perform this action.",
    }
    assert not Product.objects.exists()


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_address_is_json_404(api_client_for, method):
    response = getattr(api_client_for("manager"), method)("/api/v1/nowhere/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


def test_unknown_api_address_is_json_404_for_anonymous(db):
    response = APIClient().get("/api/v1/products")  # no trailing slash: not an endpoint
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_unsupported_method_is_405(api_client_for):
    response = api_client_for("manager").delete(PRODUCTS, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response.json() == {
        "error": "method_not_allowed",
        "detail": 'Method "DELETE" not allowed.',
    }


def test_malformed_json_is_400_json(api_client_for):
    response = api_client_for("manager").post(
        PRODUCTS, data='{"item_no": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert not Product.objects.exists()


def test_unsupported_media_type_is_415(api_client_for):
    response = api_client_for("manager").post(PRODUCTS, data="item_no=A", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert not Product.objects.exists()


def test_service_permission_refusal_is_403_json(api_client_for):
    from zhanggui.catalog import services

    services.create_product(
        actor=None,
        data=services.ProductInput(item_no="A-1", title="x"),
        skus=[services.SkuInput(merchant_code="A-1-M", price="10")],
    )
    response = api_client_for("editor").patch(
        "/api/v1/skus/A-1-M/", {"price": "1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "permission_denied",
        "detail": "You may not change prices.",
        "field": "price",
    }
