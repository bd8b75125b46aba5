"""Shipments and stock levels pushed to the fake TOP router through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhanggui.catalog.models import Listing
from zhanggui.channels import outbox, rules
from zhanggui.channels.models import OutboxKind, OutboxMessage, OutboxStatus
from zhanggui.channels.services import sync
from zhanggui.channels.tests.fake_top import trade
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import MoveKind
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_skus

TID = 3128689418086000


@pytest.fixture
def skus(db):
    return make_skus(None, "TB-1-S", "TB-1-M", on_hand=10)


def _synced_order(fake_top, t0, tid=TID + 1, lines=(("TB-1-S", 1, "59.00"),)) -> Order:
    fake_top.add_trade(trade(tid, modified=t0 - timedelta(hours=1), lines=lines))
    sync.sync_all(now=t0)
    order = Order.objects.get(order_no=str(tid))
    lifecycle.approve_order(actor=None, order_id=order.pk)
    return order


def test_a_shipment_reaches_the_channel_as_offline_send_with_tops_courier_code(
    connection, fake_top, t0, skus, manager, immediate_tasks, django_capture_on_commit_callbacks
):
    order = _synced_order(fake_top, t0)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.ship_order(
            actor=manager, order_id=order.pk, courier="韵达", tracking_no="4312345678901"
        )

    assert len(fake_top.shipments) == 1
    sent = fake_top.shipments[0]
    assert (sent["tid"], sent["out_sid"], sent["company_code"]) == (
        str(TID + 1),
        "4312345678901",
        "YUNDA",
    )
    assert "is_split" not in sent
    assert "sub_tid" not in sent
    message = OutboxMessage.objects.get(kind=OutboxKind.SHIPMENT)
    assert (message.status, message.attempts, message.order_id) == (OutboxStatus.SENT, 1, order.pk)
    # The channel now says shipped; the next sync agrees and changes nothing.
    assert fake_top.trades[str(TID + 1)]["status"] == "WAIT_BUYER_CONFIRM_GOODS"


def test_a_shipment_waits_in_the_outbox_until_the_worker_sends_it(
    connection, fake_top, t0, skus, manager, django_capture_on_commit_callbacks
):
    order = _synced_order(fake_top, t0)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="77889")

    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING
    assert message.payload == {
        "order_no": str(TID + 1),
        "courier": "STO",
        "tracking_no": "77889",
        "sub_order_nos": [],
    }
    assert fake_top.shipments == []

    assert outbox.send_due().as_dict() == {"sent": 1, "retrying": 0, "failed": 0}
    assert fake_top.shipments[0]["company_code"] == "STO"
    assert outbox.send_due().as_dict() == {"sent": 0, "retrying": 0, "failed": 0}
    assert len(fake_top.shipments) == 1


def test_each_part_of_a_split_order_ships_with_its_own_sub_orders(
    connection, fake_top, t0, skus, manager
):
    from zhanggui.orders.services.split import split_order

    fake_top.add_trade(
        trade(
            TID + 1,
            modified=t0 - timedelta(hours=1),
            lines=[("TB-1-S", 1, "59.00"), ("TB-1-M", 1, "69.00")],
        )
    )
    sync.sync_all(now=t0)
    order = Order.objects.get(order_no=str(TID + 1))
    second_line = order.lines.get(merchant_code="TB-1-M")
    part = split_order(actor=manager, order_id=order.pk, parts={second_line.pk: 1})
    for each in (order, part):
        lifecycle.approve_order(actor=manager, order_id=each.pk)

    lifecycle.ship_order(actor=manager, order_id=part.pk, courier="中通", tracking_no="ZT1")
    outbox.queue_shipments([part.pk])
    outbox.send_due()
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="圆通", tracking_no="YT2")
    outbox.queue_shipments([order.pk])
    outbox.send_due()

    first, second = fake_top.shipments
    assert (first["company_code"], first["is_split"], first["sub_tid"]) == (
        "ZTO",
        "1",
        second_line.oid,
    )
    assert (second["company_code"], second["is_split"]) == ("YTO", "1")
    assert second["sub_tid"] == order.lines.get(merchant_code="TB-1-S").oid
    assert fake_top.trades[str(TID + 1)]["status"] == "WAIT_BUYER_CONFIRM_GOODS"


def test_an_unknown_courier_fails_at_once_and_waits_for_a_person(
    connection, fake_top, t0, skus, manager
):
    order = _synced_order(fake_top, t0)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="小马快运", tracking_no="X1")
    outbox.queue_shipments([order.pk])

    assert outbox.send_due().as_dict() == {"sent": 0, "retrying": 0, "failed": 1}

    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED
    assert "小马快运" in message.last_error
    assert fake_top.shipments == []


def test_a_failing_push_retries_with_backoff_until_it_gets_through(
    connection, fake_top, t0, skus, manager
):
    order = _synced_order(fake_top, t0)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="顺丰", tracking_no="SF100")
    outbox.queue_shipments([order.pk])
    fake_top.fail(method="taobao.logistics.offline.send", http_status=500)
    fake_top.fail(
        method="taobao.logistics.offline.send",
        code=15,
        msg="Remote service error",
        sub_code="isp.top-remote-connection-timeout",
    )
    now = timezone.now()

    assert outbox.send_due(now=now).retrying == 1
    message = OutboxMessage.objects.get()
    assert (message.attempts, message.next_attempt_at) == (1, now + timedelta(minutes=1))
    assert "HTTP 500" in message.last_error
    assert outbox.send_due(now=now + timedelta(seconds=59)).as_dict()["retrying"] == 0
    assert outbox.send_due(now=now + timedelta(minutes=1)).retrying == 1
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, now + timedelta(minutes=3))

    assert outbox.send_due(now=now + timedelta(minutes=3)).sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 3, "")
    assert fake_top.shipments[0]["company_code"] == "SF"


def test_a_push_that_keeps_failing_stops_and_a_person_can_retry_it(
    connection, fake_top, t0, skus, manager, monkeypatch
):
    monkeypatch.setattr(rules, "MAX_PUSH_ATTEMPTS", 2)
    order = _synced_order(fake_top, t0)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="顺丰", tracking_no="SF100")
    outbox.queue_shipments([order.pk])
    fake_top.fail(method="taobao.logistics.offline.send", http_status=500, times=2)
    now = timezone.now()
    outbox.send_due(now=now)
    outbox.send_due(now=now + timedelta(minutes=1))
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)

    outbox.retry_now(message_id=message.pk)

    assert outbox.send_due().sent == 1
    assert len(fake_top.shipments) == 1


def test_shops_without_a_connection_are_not_told(shop, skus, manager, fake_top, t0):
    from zhanggui.orders.tests.factories import make_order

    order = make_order(manager, ("TB-1-S", 1), shop_code=shop.code)
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="1")
    assert outbox.queue_shipments([order.pk]) == []
    assert not OutboxMessage.objects.exists()


# ---------------------------------------------------------------- stock


@pytest.fixture
def listing(connection, skus):
    listing = Listing.objects.create(
        product=skus[0].product, shop=connection.shop, status="on_sale", channel_item_id="6001"
    )
    return listing


def test_a_sell_out_pushes_zero_stock_of_every_sku_to_the_channel(
    listing, fake_top, skus, immediate_tasks, django_capture_on_commit_callbacks
):
    fake_top.add_item("6001", {"TB-1-S": 10, "TB-1-M": 10})

    with django_capture_on_commit_callbacks(execute=True):
        stock.post_moves(
            actor=None,
            moves=[stock.MoveInput(sku.pk, -10, MoveKind.ADJUSTMENT) for sku in skus],
        )

    listing.refresh_from_db()
    assert listing.status == "sold_out"
    assert len(fake_top.quantity_updates) == 1
    update = fake_top.quantity_updates[0]
    assert update["num_iid"] == "6001"
    assert update["outerid_quantities"] == "TB-1-S:0;TB-1-M:0"
    assert update["type"] == "1"
    assert fake_top.items["6001"] == {"TB-1-S": 0, "TB-1-M": 0}
    message = OutboxMessage.objects.get(kind=OutboxKind.STOCK)
    assert message.status == OutboxStatus.SENT


def test_stock_coming_back_pushes_what_is_available_then(
    listing, fake_top, skus, immediate_tasks, django_capture_on_commit_callbacks
):
    fake_top.add_item("6001", {"TB-1-S": 0, "TB-1-M": 0})
    Listing.objects.filter(pk=listing.pk).update(status="sold_out")
    stock.post_moves(
        actor=None, moves=[stock.MoveInput(sku.pk, -10, MoveKind.ADJUSTMENT) for sku in skus]
    )
    Listing.objects.filter(pk=listing.pk).update(status="sold_out")

    with django_capture_on_commit_callbacks(execute=True):
        stock.post_moves(actor=None, moves=[stock.MoveInput(skus[1].pk, 4, MoveKind.RECEIPT)])

    assert fake_top.quantity_updates[-1]["outerid_quantities"] == "TB-1-S:0;TB-1-M:4"


def test_a_single_sku_goes_through_item_quantity_update(connection, fake_top):
    product_skus = make_skus(None, "ONE-1", on_hand=3)
    listing = Listing.objects.create(
        product=product_skus[0].product, shop=connection.shop, status="on_sale", channel_item_id="7"
    )
    fake_top.add_item("7", {"ONE-1": 9})

    outbox.queue_stock_pushes([listing.pk])
    outbox.send_due()

    update = fake_top.quantity_updates[0]
    assert (update["num_iid"], update["outer_id"], update["quantity"]) == ("7", "ONE-1", "3")
    assert fake_top.calls_of("taobao.item.quantity.update")


def test_listings_without_a_channel_item_id_are_skipped(connection, skus):
    listing = Listing.objects.create(product=skus[0].product, shop=connection.shop)
    assert outbox.queue_stock_pushes([listing.pk]) == []


def test_one_pending_push_per_listing_however_often_it_changes(listing):
    first = outbox.queue_stock_pushes([listing.pk])
    second = outbox.queue_stock_pushes([listing.pk])
    assert [message.pk for message in first] == [message.pk for message in second]
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 1


def test_shipping_a_synced_order_leaves_it_shipped_after_the_next_sync(
    connection, fake_top, t0, skus, manager, immediate_tasks, django_capture_on_commit_callbacks
):
    order = _synced_order(fake_top, t0)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="韵达", tracking_no="43")
    sync.sync_all(now=timezone.now() + timedelta(minutes=10))
    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_no) == (OrderStatus.SHIPPED, "韵达", "43")


def test_a_task_queue_that_is_down_does_not_undo_a_shipment(
    connection, fake_top, t0, skus, manager, settings, django_capture_on_commit_callbacks, caplog
):
    order = _synced_order(fake_top, t0)
    # RQ on a port where no Redis listens.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0"}}

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.ship_order(actor=manager, order_id=order.pk, courier="韵达", tracking_no="43")

    assert "could not queue the outbox push" in caplog.text
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING
    assert outbox.send_due().sent == 1
