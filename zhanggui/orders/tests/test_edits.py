from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.orders.exceptions import WrongOrderStatus
from zhanggui.orders.models import DecisionAction, HoldReason, Order, OrderStatus
from zhanggui.orders.services import edits, lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.services.merge import merge_orders
from zhanggui.orders.services.split import split_order
from zhanggui.orders.tests.factories import make_order, make_skus

MARS = ReceiverInput(name="李四", phone="13900000000", address="火星基地1号")
SHANGHAI = ReceiverInput(name="李四", phone="13900000000", address="上海浦东新区世纪大道100号")


@pytest.fixture
def skus(manager: Any) -> list[Any]:
    return make_skus(manager, "E1-S", "E1-M", on_hand=10)


def test_a_resolved_receiver_clears_the_address_hold(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1), receiver=MARS)
    assert (order.status, order.holds) == (OrderStatus.ON_HOLD, [HoldReason.ADDRESS_UNRESOLVED])
    edits.change_receiver(actor=manager, order_id=order.pk, receiver=SHANGHAI, reason="买家改地址")
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.TO_REVIEW, [])
    assert (order.receiver_province, order.receiver_city, order.receiver_district) == (
        "上海市",
        "上海市",
        "浦东新区",
    )
    assert order.receiver_address == "世纪大道100号"
    entry = entries_for(order).filter(note="买家改地址").get()
    assert entry.actor == manager
    assert entry.changes["receiver_district"] == {"before": "", "after": "浦东新区"}
    assert entry.changes["status"] == {"before": "on_hold", "after": "to_review"}
    assert order.decisions.filter(action=DecisionAction.RELEASE).exists()


def test_an_unresolved_receiver_holds_the_order(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1))
    edits.change_receiver(actor=manager, order_id=order.pk, receiver=MARS)
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.ON_HOLD, [HoldReason.ADDRESS_UNRESOLVED])
    assert order.decisions.get(action=DecisionAction.HOLD).rule == "address"


def test_an_approved_order_refuses_an_unresolved_receiver(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    with pytest.raises(InvalidInput):
        edits.change_receiver(actor=manager, order_id=order.pk, receiver=MARS)
    edits.change_receiver(actor=manager, order_id=order.pk, receiver=SHANGHAI)
    order.refresh_from_db()
    assert (order.status, order.receiver_city) == (OrderStatus.APPROVED, "上海市")


def test_the_receiver_cannot_change_once_printed(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.set_status(manager, Order.objects.get(pk=order.pk), OrderStatus.PRINTED)
    with pytest.raises(WrongOrderStatus):
        edits.change_receiver(actor=manager, order_id=order.pk, receiver=SHANGHAI)
    order.refresh_from_db()
    assert order.receiver_city == "杭州市"


@pytest.mark.parametrize(
    ("receiver", "field"),
    [
        (ReceiverInput(name="", address="上海市浦东新区世纪大道1号"), "name"),
        (ReceiverInput(name="王五", address=""), "address"),
        (
            ReceiverInput(name="王五", address="上海市浦东新区世纪大道1号", postcode="12"),
            "postcode",
        ),
        (ReceiverInput(name="王" * 51, address="上海市浦东新区世纪大道1号"), "name"),
    ],
)
def test_bad_receivers_are_refused_by_field(
    manager: Any, skus: list[Any], receiver: ReceiverInput, field: str
) -> None:
    order = make_order(manager, ("E1-S", 1))
    with pytest.raises(InvalidInput) as refused:
        edits.change_receiver(actor=manager, order_id=order.pk, receiver=receiver)
    assert field in refused.value.fields
    assert not entries_for(order).filter(action="update").exists()


def test_a_merged_parcel_changes_its_receiver_as_one(manager: Any, skus: list[Any]) -> None:
    now = timezone.now()
    first = make_order(manager, ("E1-S", 1), buyer_nick="小美", paid_at=now - timedelta(hours=1))
    second = make_order(manager, ("E1-M", 1), buyer_nick="小美", paid_at=now)
    merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    edits.change_receiver(actor=manager, order_id=second.pk, receiver=SHANGHAI)
    assert set(Order.objects.values_list("receiver_city", flat=True)) == {"上海市"}


def test_memo_urgency_and_answers_are_audited(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 2), buyer_message="请发顺丰")
    edits.change_memo(actor=manager, order_id=order.pk, memo="  已联系买家  ")
    edits.set_urgent(actor=manager, order_id=order.pk, urgent=True)
    order.refresh_from_db()
    assert (order.seller_memo, order.is_urgent) == ("已联系买家", True)
    changes = [entry.changes for entry in entries_for(order).filter(action="update")]
    assert {"seller_memo": {"before": "", "after": "已联系买家"}} in changes
    assert {"is_urgent": {"before": "false", "after": "true"}} in changes


def test_answering_marks_every_part_of_the_trade(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 2), buyer_message="请发顺丰")
    part = split_order(actor=manager, order_id=order.pk, parts={order.lines.get().pk: 1})
    edits.answer_buyer_message(actor=manager, order_id=order.pk)
    order.refresh_from_db()
    part.refresh_from_db()
    assert order.buyer_message_answered_at is not None
    assert part.buyer_message_answered_at == order.buyer_message_answered_at
    answered = order.buyer_message_answered_at
    edits.answer_buyer_message(actor=manager, order_id=part.pk)  # twice: nothing changes
    order.refresh_from_db()
    assert order.buyer_message_answered_at == answered
    assert entries_for(order).filter(note=gettext("Buyer message answered")).count() == 1


def test_answering_needs_a_message(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1))
    with pytest.raises(edits.NoBuyerMessage):
        edits.answer_buyer_message(actor=manager, order_id=order.pk)


def test_a_shipped_order_is_no_longer_urgent_or_not(manager: Any, skus: list[Any]) -> None:
    order = make_order(manager, ("E1-S", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.ship_order(actor=manager, order_id=order.pk, courier="STO", tracking_no="8")
    with pytest.raises(WrongOrderStatus):
        edits.set_urgent(actor=manager, order_id=order.pk, urgent=True)
