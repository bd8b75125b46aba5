"""Every page and endpoint against every role: allowed roles are served, all others get 403,
and a route missing from the matrix fails the coverage test."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import (
    matrix_orders_address,
    matrix_orders_api,
    matrix_orders_imports,
    matrix_orders_pages,
    matrix_orders_review,
    matrix_orders_sync,
    matrix_shipping_couriers,
    matrix_shipping_dispatch,
    matrix_shipping_packing,
    matrix_shipping_printing,
)
from tests.matrix import ALL_ROLES, Route
from tests.matrix_api import API_ROUTES, OPEN_API_ROUTES
from tests.matrix_pages import PAGE_ROUTES
from zhanggui.catalog import services
from zhanggui.catalog.models import Sku
from zhanggui.core.audit import entries_for

# Order areas keep their rows in their own files (matrix_orders_*.py).
ORDER_ROUTES = [
    *matrix_orders_address.ROUTES,
    *matrix_orders_api.ROUTES,
    *matrix_orders_imports.ROUTES,
    *matrix_orders_pages.ROUTES,
    *matrix_orders_review.ROUTES,
    *matrix_orders_sync.ROUTES,
]
SHIPPING_ROUTES = [
    *matrix_shipping_couriers.ROUTES,
    *matrix_shipping_dispatch.ROUTES,
    *matrix_shipping_packing.ROUTES,
    *matrix_shipping_printing.ROUTES,
]
ROUTES = PAGE_ROUTES + API_ROUTES + ORDER_ROUTES + SHIPPING_ROUTES
# Named routes that are not pages or endpoints of ours, or need no role by design.
UNLISTED = frozenset({"login", "logout", "set_language", "healthz", "api_schema", "media"})


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # One user per case: the production hasher would make this module take a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _route_id(route: Route) -> str:
    return f"{route.method.upper()} {route.name}"


def _request(route: Route, user: Any | None) -> Any:
    url = reverse(route.name, kwargs=route.kwargs() if route.kwargs else None)
    data = route.data() if route.data else None
    if route.api:
        api = APIClient()
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return getattr(api, route.method)(url, data, format="json")
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, route.method)(url, data or {})


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("route", "role"),
    [
        pytest.param(route, role, id=f"{_route_id(route)} as {role}")
        for route in ROUTES
        for role in sorted(ALL_ROLES)
    ],
)
def test_route_serves_allowed_roles_and_refuses_the_rest(
    route: Route, role: str, make_user: Any
) -> None:
    response = _request(route, make_user(role))
    if role in route.allowed:
        assert response.status_code < 400, (response.status_code, getattr(response, "content", b""))
        assert not _is_login_redirect(response)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_route_turns_away_anonymous_visitors(route: Route, db: Any) -> None:
    response = _request(route, None)
    if route.api and route.name in OPEN_API_ROUTES:
        assert response.status_code == 200
    elif route.api:
        assert response.status_code == 401
        assert response.json()["error"] == "not_authenticated"
    else:
        assert _is_login_redirect(response)


def _named_routes(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_route_is_in_the_matrix() -> None:
    named = {
        name
        for name in _named_routes(get_resolver().url_patterns)
        if not name.startswith("admin:") and name not in UNLISTED
    }
    listed = {route.name for route in ROUTES}
    unchecked, stale = sorted(named - listed), sorted(listed - named)
    assert not unchecked, f"add these routes to tests/matrix_*.py: {unchecked}"
    assert not stale, f"these matrix routes no longer exist: {stale}"


def test_matrix_lists_each_route_and_method_once() -> None:
    keys = [(route.name, route.method) for route in ROUTES]
    assert len(keys) == len(set(keys))


# --- specific rules ------------------------------------------------------------------------


@pytest.fixture
def sku(db: Any) -> Sku:
    product = services.create_product(
        actor=None,
        data=services.ProductInput(item_no="R-1", title="规则"),
        skus=[services.SkuInput(merchant_code="R-1-M", size="M", price="59", cost_price="20")],
    )
    return product.skus.get()


def test_warehouse_reads_a_sku_without_its_cost(api_client_for: Any, sku: Sku) -> None:
    body = api_client_for("warehouse").get("/api/v1/skus/R-1-M/").json()
    assert body["price"] == "59.00"
    assert "cost_price" not in body


def test_warehouse_cannot_change_a_price(api_client_for: Any, sku: Sku) -> None:
    response = api_client_for("warehouse").patch(
        "/api/v1/skus/R-1-M/", {"price": "1.00"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    sku.refresh_from_db()
    assert sku.price == Decimal("59.00")
    assert not entries_for(sku).filter(action="update").exists()


def test_customer_service_reads_products_but_cannot_create_one(
    api_client_for: Any, sku: Sku
) -> None:
    client = api_client_for("cs_presale")
    assert client.get("/api/v1/products/").json()["count"] == 1
    response = client.post("/api/v1/products/", {"item_no": "R-2", "title": "新"}, format="json")
    assert response.status_code == 403
    assert client.get("/api/v1/products/").json()["count"] == 1


def test_buyer_changes_a_cost_and_it_is_audited(api_client_for: Any, sku: Sku) -> None:
    response = api_client_for("buyer").patch(
        "/api/v1/skus/R-1-M/", {"cost_price": "18.5"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["cost_price"] == "18.50"
    entry = entries_for(sku).get(action="update")
    assert entry.changes == {"cost_price": {"before": "20.00", "after": "18.50"}}
    assert entry.actor.username.startswith("buyer")
