"""Fixtures shared by every app's tests: people with roles, logged-in clients, API clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from zhanggui.staff.roles import Role
from zhanggui.staff.services import create_staff_member

PASSWORD = "correct-horse-battery-9"  # noqa: S105 (test logins only)


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings: Any) -> None:
    """Tests render pages without running collectstatic; the hashed manifest storage used
    in production would refuse every {% static %} it has not collected."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The real hasher costs ~0.5 s per user; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("warehouse") or make_user("editor", "designer", username="li")."""
    counter = {"n": 0}

    def make(*roles: str, username: str | None = None, superuser: bool = False) -> Any:
        counter["n"] += 1
        name = username or f"{'-'.join(roles) or 'nobody'}-{counter['n']}"
        return create_staff_member(
            username=name, password=PASSWORD, roles=list(roles), is_superuser=superuser
        )

    return make


@pytest.fixture
def manager(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.MANAGER.value, username="manager")


@pytest.fixture
def client_for(client: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """A Django test client signed in as a new person with the given roles."""

    def login(*roles: str) -> Any:
        client.force_login(make_user(*roles))
        return client

    return login


@pytest.fixture
def api_client_for(make_user: Callable[..., Any]) -> Callable[..., APIClient]:
    """An API client authenticated with a real token of a person with the given roles."""
    from rest_framework.authtoken.models import Token

    def make(*roles: str) -> APIClient:
        user = make_user(*roles)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return api

    return make
