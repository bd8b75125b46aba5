"""Fixtures of the channel sync's tests: a fake TOP router on loopback and a Taobao shop
connected to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhanggui.channels.models import Shop, ShopConnection
from zhanggui.channels.tests.fake_top import FakeTop

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def fake_top() -> Iterator[FakeTop]:
    with FakeTop() as fake:
        yield fake


@pytest.fixture
def t0() -> datetime:
    """The moment of the first sync in a test, whole seconds (the channel has no fractions)."""
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def shop(db: Any) -> Shop:
    return Shop.objects.create(channel="taobao", code="tb-main", name="淘宝旗舰店")


@pytest.fixture
def connection(shop: Shop, fake_top: FakeTop, t0: datetime) -> ShopConnection:
    return ShopConnection.objects.create(
        shop=shop,
        app_key=fake_top.app_key,
        app_secret=fake_top.app_secret,
        session_key=fake_top.session,
        gateway_url=fake_top.url,
        sync_from=t0 - timedelta(hours=6),
    )


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def stand_in_review_rules(monkeypatch: Any) -> None:
    """The shop's review rules approve and hold synced orders; most tests look at the
    sync alone, with a stand-in that only records what it was handed."""
    from zhanggui.channels.services import sync
    from zhanggui.channels.tests import fake_rules

    monkeypatch.setattr(sync, "AUTO_REVIEW_MODULE", "zhanggui.channels.tests.fake_rules")
    fake_rules.REVIEWED.clear()
