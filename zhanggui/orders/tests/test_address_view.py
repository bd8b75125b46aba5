"""The "paste receiver text" endpoint of the order pages: wiring, permission, JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhanggui.orders.views_address import MAX_TEXT_LENGTH
from zhanggui.staff.roles import Role

URL_NAME = "orders:parse_address"


@pytest.fixture
def url() -> str:
    return reverse(URL_NAME)


def test_parse_returns_the_parts_as_json(client_for: Callable[..., Any], url: str) -> None:
    client = client_for(Role.CS_PRESALE.value)

    response = client.post(url, {"text": "李四13812345678广东深圳南山区科技园"})

    assert response.status_code == 200
    assert response.json() == {
        "name": "李四",
        "phone": "13812345678",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "address": "科技园",
        "postcode": None,
        "resolved": True,
    }


def test_unresolved_text_is_answered_with_nulls(client_for: Callable[..., Any], url: str) -> None:
    response = client_for(Role.WAREHOUSE.value).post(url, {"text": "北京市朝阳门外大街1号"})

    assert response.status_code == 200
    assert response.json()["district"] is None
    assert response.json()["resolved"] is False


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_TEXT_LENGTH + 1)])
def test_empty_or_overlong_text_is_refused(
    client_for: Callable[..., Any], url: str, text: str
) -> None:
    response = client_for(Role.CS_AFTERSALE.value).post(url, {"text": text})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["field"] == "text"


def test_people_without_order_access_get_403(client_for: Callable[..., Any], url: str) -> None:
    response = client_for(Role.DESIGNER.value).post(url, {"text": "张三 13812345678"})

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login(client: Client, db: Any, url: str) -> None:
    response = client.post(url, {"text": "张三 13812345678"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_get_is_not_allowed(client_for: Callable[..., Any], url: str) -> None:
    response = client_for(Role.MANAGER.value).get(url)

    assert response.status_code == 405


def test_post_without_csrf_token_is_refused(make_user: Callable[..., Any], url: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.MANAGER.value))

    response = client.post(url, {"text": "张三 13812345678"})

    assert response.status_code == 403
