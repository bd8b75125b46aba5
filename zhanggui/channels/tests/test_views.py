"""The channel sync's pages: what they show and what their buttons do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhanggui.channels.models import (
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Reconciliation,
    RunStatus,
    Shop,
    ShopConnection,
    SyncFailure,
    SyncKind,
    SyncRun,
)
from zhanggui.channels.services import sync
from zhanggui.channels.tests.fake_top import trade
from zhanggui.core.models import AuditEntry
from zhanggui.orders.models import Order
from zhanggui.orders.tests.factories import make_skus

TID = 3328689418086000


@pytest.fixture
def skus(db):
    return make_skus(None, "TB-1-S", on_hand=10)


def test_status_page_shows_a_failing_window_with_its_next_retry(
    connection, fake_top, t0, skus, client_for
):
    fake_top.fail(
        method="taobao.trades.sold.increment.get",
        code=15,
        msg="Remote service error",
        sub_code="isp.top-remote-service-unavailable",
        sub_msg="服务暂不可用",
    )
    sync.sync_all(now=t0)
    next_retry = timezone.localtime(t0 + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")

    client = client_for("cs_aftersale")
    page = client.get(reverse("channels:status")).content.decode()

    assert "淘宝旗舰店" in page
    assert "isp.top-remote-service-unavailable" in page
    assert next_retry in page
    # cs_aftersale may look but not act.
    assert reverse("channels:sync_now", kwargs={"code": "tb-main"}) not in page
    detail = client.get(reverse("channels:shop", kwargs={"code": "tb-main"})).content.decode()
    assert next_retry in detail
    assert "服务暂不可用" in detail


def test_sync_now_takes_the_orders_and_says_so(
    connection, fake_top, t0, skus, client_for, immediate_tasks
):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1)))
    client = client_for("cs_presale")

    response = client.post(reverse("channels:sync_now", kwargs={"code": "tb-main"}), follow=True)

    assert response.redirect_chain[-1][0] == reverse("channels:shop", kwargs={"code": "tb-main"})
    assert Order.objects.filter(order_no=str(TID + 1)).exists()
    assert list(SyncRun.objects.values_list("kind", "status")) == [
        (SyncKind.REFUNDS, RunStatus.SUCCEEDED),
        (SyncKind.ORDERS, RunStatus.SUCCEEDED),
    ]


def test_retry_now_retries_a_failed_trade_at_once(
    connection, fake_top, t0, skus, client_for, immediate_tasks
):
    fake_top.add_trade(trade(TID + 1, modified=t0 - timedelta(hours=1), status="ODD"))
    sync.sync_all(now=timezone.now())
    failure = SyncFailure.objects.get(order_no=str(TID + 1))
    assert failure.next_retry_at is None
    fake_top.change_trade(
        TID + 1, modified=t0 - timedelta(hours=1), status="WAIT_SELLER_SEND_GOODS"
    )
    client = client_for("manager")
    page = client.get(reverse("channels:shop", kwargs={"code": "tb-main"})).content.decode()
    assert "unknown trade status" in page
    assert reverse("channels:failure_retry", kwargs={"pk": failure.pk}) in page

    client.post(reverse("channels:failure_retry", kwargs={"pk": failure.pk}))

    assert not SyncFailure.objects.exists()
    assert Order.objects.filter(order_no=str(TID + 1)).exists()


def test_outbox_page_lists_failed_pushes_and_retries_them(
    connection, client_for, immediate_tasks, fake_top
):
    message = OutboxMessage.objects.create(
        shop=connection.shop,
        kind=OutboxKind.SHIPMENT,
        subject="order:1",
        payload={
            "order_no": "42",
            "courier": "<b>快递</b>",
            "tracking_no": "T1",
            "sub_order_nos": [],
        },
        status=OutboxStatus.FAILED,
        attempts=12,
        last_error="no Taobao company code for the courier",
        next_attempt_at=timezone.now(),
    )
    client = client_for("manager")

    page = client.get(reverse("channels:outbox")).content.decode()

    assert "no Taobao company code" in page
    assert "&lt;b&gt;快递&lt;/b&gt;" in page
    assert "<b>快递</b>" not in page
    client.post(reverse("channels:outbox_retry", kwargs={"pk": message.pk}))
    message.refresh_from_db()
    # Tried again at once (and failed again: the courier is still unknown).
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    sent = client.get(reverse("channels:outbox"), {"status": "sent"}).content.decode()
    assert "T1" not in sent


def test_reconciliation_pages_check_a_day_and_list_the_missing_orders(
    connection, fake_top, client_for, immediate_tasks
):
    from zhanggui.channels.rules import day_bounds

    start, _end = day_bounds(date(2026, 11, 11))
    fake_top.add_trade(trade(TID + 7, created=start + timedelta(hours=9), modified=start))
    client = client_for("manager")

    response = client.post(
        reverse("channels:reconcile"), {"shop": "tb-main", "day": "2026-11-11"}, follow=True
    )

    assert response.status_code == 200
    check = Reconciliation.objects.get()
    assert check.missing_here == [str(TID + 7)]
    listing = client.get(reverse("channels:reconciliations")).content.decode()
    assert reverse("channels:reconciliation", kwargs={"pk": check.pk}) in listing
    detail = client.get(reverse("channels:reconciliation", kwargs={"pk": check.pk}))
    assert str(TID + 7) in detail.content.decode()


def test_reconcile_form_errors_show_on_the_page(connection, client_for):
    response = client_for("manager").post(reverse("channels:reconcile"), {"shop": "nope"})
    assert response.status_code == 200
    assert not Reconciliation.objects.exists()


def test_connection_form_never_shows_the_secret_back(connection, client_for):
    page = (
        client_for("manager")
        .get(reverse("channels:connection", kwargs={"code": "tb-main"}))
        .content.decode()
    )
    assert connection.app_secret not in page
    assert connection.session_key not in page
    assert connection.app_secret[:3] + "••••••••" + connection.app_secret[-3:] in page
    assert connection.app_key in page


def test_saving_a_connection_with_empty_secrets_keeps_them(connection, client_for):
    client = client_for("manager")
    response = client.post(
        reverse("channels:connection", kwargs={"code": "tb-main"}),
        {"app_key": "99999999", "gateway_url": connection.gateway_url, "is_active": "on"},
    )
    assert response.status_code == 302
    saved = ShopConnection.objects.get()
    assert (saved.app_key, saved.app_secret, saved.session_key) == (
        "99999999",
        connection.app_secret,
        connection.session_key,
    )


def test_a_new_connection_needs_its_secrets_and_audits_without_them(db, client_for):
    Shop.objects.create(channel="tmall", code="tm", name="天猫店")
    client = client_for("manager")
    url = reverse("channels:connection", kwargs={"code": "tm"})
    values = {
        "app_key": "1234",
        "gateway_url": "https://eco.taobao.com/router/rest",
        "is_active": "on",
    }

    refused = client.post(url, values)
    assert refused.status_code == 200
    assert not ShopConnection.objects.exists()

    client.post(url, {**values, "app_secret": "top-secret-value", "session_key": "sess-value"})
    saved = ShopConnection.objects.get()
    assert saved.app_secret == "top-secret-value"
    assert saved.sync_from <= timezone.now() - timedelta(hours=23)
    client.post(url, {**values, "app_secret": "another-secret"})
    texts = " ".join(str(entry.changes) for entry in AuditEntry.objects.all())
    assert "top-secret-value" not in texts
    assert "another-secret" not in texts
    assert "app_secret" in texts


def test_a_shop_on_a_channel_without_connector_cannot_be_connected(db, client_for):
    Shop.objects.create(channel="manual", code="hand", name="手工")
    response = client_for("manager").post(
        reverse("channels:connection", kwargs={"code": "hand"}),
        {
            "app_key": "1",
            "app_secret": "s",
            "session_key": "x",
            "gateway_url": "https://eco.taobao.com/router/rest",
        },
    )
    assert response.status_code == 200
    assert not ShopConnection.objects.exists()


def test_unknown_shops_and_rows_are_404(db, client_for):
    client = client_for("manager")
    assert client.get(reverse("channels:shop", kwargs={"code": "none"})).status_code == 404
    assert client.post(reverse("channels:failure_retry", kwargs={"pk": 999})).status_code == 404
    assert client.post(reverse("channels:outbox_retry", kwargs={"pk": 999})).status_code == 404
    assert client.get(reverse("channels:reconciliation", kwargs={"pk": 999})).status_code == 404


def test_the_menu_shows_the_sync_to_those_who_may_see_it(db, client_for):
    assert reverse("channels:status") in client_for("analyst").get("/").content.decode()
    assert reverse("channels:status") not in client_for("warehouse").get("/").content.decode()


def test_status_page_lists_only_shops_that_can_sync(db, client_for):
    Shop.objects.create(channel="taobao", code="tb2", name="第二家淘宝店")
    Shop.objects.create(channel="manual", code="hand", name="手工单")
    page = client_for("manager").get(reverse("channels:status")).content.decode()
    assert "第二家淘宝店" in page
    assert "手工单" not in page
