from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_token_for_right_password_opens_the_api(make_user):
    user = make_user("warehouse", username="wang")
    response = APIClient().post(TOKEN, {"username": "wang", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/products/").status_code == 200


def test_token_is_the_same_on_a_second_request(make_user):
    make_user("warehouse", username="wang")
    body = {"username": "wang", "password": PASSWORD}
    first = APIClient().post(TOKEN, body, format="json").json()["token"]
    assert APIClient().post(TOKEN, body, format="json").json()["token"] == first
    assert Token.objects.count() == 1


def test_token_refused_for_wrong_password(make_user):
    make_user("warehouse", username="wang")
    response = APIClient().post(
        TOKEN, {"username": "wang", "password": "nope"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_credentials",
        "detail": "Wrong username or password.",
    }
    assert not Token.objects.exists()


def test_token_refused_for_inactive_user(make_user):
    user = make_user("warehouse", username="wang")
    user.is_active = False
    user.save()
    response = APIClient().post(TOKEN, {"username": "wang", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_token_request_without_fields_names_them(db):
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert sorted(body["fields"]) == ["password", "username"]


def test_token_accepts_form_posts_without_csrf(make_user):
    make_user("warehouse", username="wang")
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(TOKEN, {"username": "wang", "password": PASSWORD})
    assert response.status_code == 200
