"""Timing pages in benchmarks: a signed-in test client, outside the test runner."""

from __future__ import annotations

import secrets
import statistics
import time
import warnings
from typing import Any

from django.test import Client, override_settings

from zhanggui.staff.roles import Role
from zhanggui.staff.services import create_staff_member, sync_role_groups

# The bench runs outside the test runner: allow the test client's host, and serve static
# names without a collectstatic manifest.
_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def manager_client() -> Client:
    sync_role_groups()
    manager: Any = create_staff_member(
        username=f"bench-{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(),
        roles=[Role.MANAGER.value],
    )
    client = Client()
    client.force_login(manager)
    return client


def median_get_ms(client: Client, url: str, *, repeat: int = 10) -> float:
    """Median milliseconds of GET url, after two warm-up requests; fails on a non-200."""
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=_STORAGES),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        timings = []
        for _ in range(repeat + 2):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
    return statistics.median(timings[2:])
