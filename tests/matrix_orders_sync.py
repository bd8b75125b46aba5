"""Permission-matrix rows for the channel sync's routes (see matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, roles

# channels.view_sync / channels.run_sync as staff/roles.py grants them.
VIEW_SYNC = roles("manager", "cs_presale", "cs_aftersale", "analyst")
RUN_SYNC = roles("manager", "cs_presale")


def _shop() -> Any:
    from zhanggui.channels.models import Shop

    shop, _created = Shop.objects.get_or_create(
        code="m-tb", defaults={"channel": "taobao", "name": "矩阵淘宝店"}
    )
    return shop


def _connected_shop() -> Any:
    from django.utils import timezone

    from zhanggui.channels.models import ShopConnection

    shop = _shop()
    ShopConnection.objects.get_or_create(
        shop=shop,
        defaults={
            "app_key": "1",
            "app_secret": "s",
            "session_key": "x",
            "gateway_url": "http://127.0.0.1:9/router/rest",
            "sync_from": timezone.now(),
        },
    )
    return shop


def _code() -> dict[str, Any]:
    return {"code": _shop().code}


def _failure() -> dict[str, Any]:
    from django.utils import timezone

    from zhanggui.channels.models import SyncFailure

    now = timezone.now()
    failure = SyncFailure.objects.create(
        shop=_shop(), kind="orders", order_no="1", first_failed_at=now, last_failed_at=now
    )
    return {"pk": failure.pk}


def _message() -> dict[str, Any]:
    from django.utils import timezone

    from zhanggui.channels.models import OutboxMessage

    message = OutboxMessage.objects.create(
        shop=_shop(),
        kind="stock",
        subject="listing:1",
        payload={"listing_id": 1, "item_id": "1"},
        status="failed",
        next_attempt_at=timezone.now(),
    )
    return {"pk": message.pk}


def _reconciliation() -> dict[str, Any]:
    from django.utils import timezone

    from zhanggui.channels.models import Reconciliation

    check = Reconciliation.objects.create(
        shop=_shop(),
        day=timezone.localdate(),
        checked_at=timezone.now(),
        status="differs",
        missing_here=["123"],
    )
    return {"pk": check.pk}


def _connection_data() -> dict[str, Any]:
    return {
        "app_key": "12345678",
        "app_secret": "secret",
        "session_key": "session",
        "gateway_url": "https://eco.taobao.com/router/rest",
        "is_active": "on",
    }


def _reconcile_data() -> dict[str, Any]:
    return {"shop": _connected_shop().code, "day": "2026-11-11"}


ROUTES: list[Route] = [
    Route("channels:status", VIEW_SYNC),
    Route("channels:shop", VIEW_SYNC, kwargs=_code),
    Route("channels:sync_now", RUN_SYNC, method="post", kwargs=_code),
    Route("channels:connection", RUN_SYNC, kwargs=_code),
    Route("channels:connection", RUN_SYNC, method="post", kwargs=_code, data=_connection_data),
    Route("channels:failure_retry", RUN_SYNC, method="post", kwargs=_failure),
    Route("channels:outbox", VIEW_SYNC),
    Route("channels:outbox_retry", RUN_SYNC, method="post", kwargs=_message),
    Route("channels:reconciliations", VIEW_SYNC),
    Route("channels:reconcile", RUN_SYNC, method="post", data=_reconcile_data),
    Route("channels:reconciliation", VIEW_SYNC, kwargs=_reconciliation),
]
