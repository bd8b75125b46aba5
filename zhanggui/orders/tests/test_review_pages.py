"""The review queue and rules pages through the Django test client: tab counts, batch
actions, the copy button, rule changes audited and previewed without saving."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from zhanggui.core.audit import entries_for
from zhanggui.inventory.models import Reservation, StockLevel
from zhanggui.orders.models import DecisionAction, Flag, HoldReason, Order, OrderStatus
from zhanggui.orders.models_rules import ReviewRule
from zhanggui.orders.review_queue import QueueFilters, tab_counts
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.services.rule_changes import install_default_rules
from zhanggui.orders.sla import SHANGHAI
from zhanggui.orders.tests.factories import RECEIVER, make_order, make_skus
from zhanggui.staff.queues import QUEUES

# 10:00 in Shanghai: orders paid since midnight are due today (before the 16:00 cut-off).
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
REVIEW = reverse("orders:review")
ACTION = reverse("orders:review_action")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def skus(manager):
    install_default_rules()
    return make_skus(manager, "P1-S", "P1-M", on_hand=3)


def _paid(hours_ago):
    return NOW - timedelta(hours=hours_ago)


@pytest.fixture
def queue(manager, skus):
    """Two to review, one held, one out of stock, one approved (paid yesterday evening)."""
    orders = {
        "fresh": make_order(manager, ("P1-S", 1), paid_at=_paid(1)),
        "old": make_order(manager, ("P1-S", 1), paid_at=_paid(30)),
        "held": make_order(manager, ("P1-S", 1), paid_at=_paid(2)),
        "short": make_order(manager, ("P1-M", 9), paid_at=_paid(3)),
        "approved": make_order(manager, ("P1-M", 1), paid_at=_paid(16)),
    }
    lifecycle.hold_order(actor=manager, order_id=orders["held"].pk, reasons=[HoldReason.MANUAL])
    with pytest.raises(lifecycle.OrderOutOfStock):
        lifecycle.approve_order(actor=manager, order_id=orders["short"].pk)
    lifecycle.approve_order(actor=manager, order_id=orders["approved"].pk)
    return orders


def test_tab_counts(queue):
    assert tab_counts(QueueFilters()) == {
        "to_review": 2,
        "on_hold": 1,
        "out_of_stock": 1,
        "urgent": 5,  # every open order was paid before today's cut-off
        "overdue": 1,
    }
    assert tab_counts(QueueFilters(status=OrderStatus.APPROVED))["urgent"] == 1


def test_page_shows_each_tab_with_its_count(client_for, queue):
    client = client_for("cs_presale")
    response = client.get(REVIEW, {"tab": "out_of_stock"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-tab-count="to_review">2<' in body
    assert 'data-tab-count="out_of_stock">1<' in body
    assert f'name="order" value="{queue["short"].pk}"' in body  # its checkbox
    assert f'id="order-{queue["fresh"].pk}"' not in body
    overdue = client.get(REVIEW, {"tab": "overdue"}).content.decode()
    assert f'id="order-{queue["old"].pk}"' in overdue
    assert "h overdue" in overdue


def test_filters_narrow_the_tab(client_for, queue):
    Order.objects.filter(pk=queue["old"].pk).update(buyer_nick="picky")
    body = client_for("cs_presale").get(REVIEW, {"buyer": "picky"}).content.decode()
    assert f'id="order-{queue["old"].pk}"' in body
    assert f'id="order-{queue["fresh"].pk}"' not in body
    assert 'data-tab-count="to_review">1<' in body


def test_batch_approve_reserves_stock_and_reports_the_short_ones(client_for, queue, skus):
    client = client_for("cs_presale")
    big = make_order(None, ("P1-S", 5), paid_at=_paid(4))
    ids = [queue["fresh"].pk, queue["old"].pk, big.pk]
    response = client.post(
        ACTION,
        {"action": "approve", "order": ids, "next": f"{REVIEW}?tab=to_review"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{REVIEW}?tab=to_review"
    body = response.content.decode()
    assert "Out of stock" in body
    assert str(big) in body
    statuses = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        queue["fresh"].pk: OrderStatus.APPROVED,
        queue["old"].pk: OrderStatus.APPROVED,
        big.pk: OrderStatus.ON_HOLD,
    }
    assert StockLevel.objects.get(sku=skus[0]).reserved == 2
    assert not Reservation.objects.filter(
        source_id__in=[str(line.pk) for line in big.lines.all()]
    ).exists()


def test_batch_hold_release_flag_and_urgent(client_for, queue):
    client = client_for("cs_aftersale")
    order = queue["fresh"]
    client.post(
        ACTION,
        {"action": "hold", "order": [order.pk], "hold_reason": "buyer_message", "note": "问尺码"},
    )
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.ON_HOLD, [HoldReason.BUYER_MESSAGE])
    assert order.decisions.filter(action=DecisionAction.HOLD, reason="问尺码").exists()
    client.post(ACTION, {"action": "release", "order": [order.pk]})
    order.refresh_from_db()
    assert (order.status, order.holds) == (OrderStatus.TO_REVIEW, [])
    Order.objects.filter(pk=order.pk).update(seller_memo="老客户")
    client.post(
        ACTION,
        {"action": "flag", "order": [order.pk], "flag": Flag.BLUE, "memo": "换货 顺丰 SF123"},
    )
    order.refresh_from_db()
    assert (order.flag, order.seller_memo) == (Flag.BLUE, "老客户\n换货 顺丰 SF123")
    client.post(ACTION, {"action": "urgent", "order": [order.pk]})
    order.refresh_from_db()
    assert order.is_urgent


def test_release_keeps_holds_a_person_must_fix_elsewhere(client_for, manager, skus):
    order = make_order(manager, ("NOPE", 1))
    response = client_for("cs_presale").post(
        ACTION, {"action": "release", "order": [order.pk]}, follow=True
    )
    assert "Fix these first" in response.content.decode()
    order.refresh_from_db()
    assert order.holds == [HoldReason.UNMATCHED]


def test_run_the_rules_from_the_page(client_for, manager, skus):
    ordinary = make_order(manager, ("P1-S", 1))
    message = make_order(manager, ("P1-S", 1), buyer_message="要发EMS")
    response = client_for("cs_presale").post(ACTION, {"action": "run_rules"}, follow=True)
    assert "1 approved, 1 held" in response.content.decode()
    ordinary.refresh_from_db()
    message.refresh_from_db()
    assert (ordinary.status, message.status) == (OrderStatus.APPROVED, OrderStatus.ON_HOLD)


def test_nothing_ticked_is_refused(client_for, queue):
    response = client_for("cs_presale").post(ACTION, {"action": "approve"}, follow=True)
    assert "Tick the orders first." in response.content.decode()


def test_copy_button_carries_the_confirmation_escaped(client_for, manager, skus):
    receiver = ReceiverInput(**{**RECEIVER.__dict__, "name": '<b>"王"</b>'})
    order = make_order(
        manager, ("P1-S", 2), receiver=receiver, buyer_message="<script>alert(1)</script>"
    )
    body = client_for("cs_presale").get(REVIEW).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    start = body.index('data-copy="') + len('data-copy="')
    copied = html.unescape(body[start : body.index('"', start)])
    assert '<b>"王"</b>' in copied
    assert order.receiver_phone in copied
    assert "文三路90号" in copied
    assert "×2" in copied


def test_readers_see_the_queue_without_batch_actions(client_for, queue):
    body = client_for("warehouse").get(REVIEW).content.decode()
    assert 'name="order"' not in body
    assert 'name="action"' not in body


def test_queue_page_queries_stay_flat(client_for, manager, skus, django_assert_max_num_queries):
    for hours in range(30):
        make_order(manager, ("P1-S", 1), paid_at=_paid(hours), buyer_nick=f"b{hours}")
    client = client_for("cs_presale")
    with django_assert_max_num_queries(20):
        assert client.get(REVIEW).status_code == 200


def test_home_queues_count_what_their_links_open(queue):
    counts = {key: QUEUES[key].count() for key in QUEUES if key.startswith("review_")}
    assert counts == {
        "review_to_review": 2,
        "review_on_hold": 1,
        "review_out_of_stock": 1,
        "review_overdue": 1,
        "review_urgent_approved": 1,
    }
    assert QUEUES["review_urgent_approved"].url() == f"{REVIEW}?tab=urgent&status=approved"


# ---------------------------------------------------------------- rules pages


def _rule_form(**fields):
    return {
        "name": "",
        "condition": "amount_over",
        "parameter": "100",
        "action": "hold",
        "hold_reason": "",
        "flag": "",
        "note": "",
        "is_active": "on",
        "position": "",
        **fields,
    }


def test_adding_a_rule_is_audited(client_for, skus):
    client = client_for("manager")
    response = client.post(reverse("orders:rule_create"), _rule_form(name="超过100元", save="1"))
    assert response.status_code == 302
    rule = ReviewRule.objects.get(name="超过100元")
    assert rule.position == max(ReviewRule.objects.values_list("position", flat=True))
    assert entries_for(rule).get().changes["parameter"] == {"before": None, "after": "100"}


def test_preview_shows_today_s_queue_and_saves_nothing(client_for, manager, skus):
    make_order(manager, ("P1-S", 1), paid_at=_paid(1))  # 59 yuan: under the limit
    make_order(manager, ("P1-S", 2), paid_at=_paid(2))  # 118 yuan: over it
    rules_before = ReviewRule.objects.count()
    client = client_for("manager")
    response = client.post(reverse("orders:rule_create"), _rule_form(name="超过100元", preview="1"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-before="approve">2<' in body
    assert 'data-after="approve">1<' in body
    assert 'data-after="hold">1<' in body
    assert ReviewRule.objects.count() == rules_before
    assert Order.objects.filter(status=OrderStatus.TO_REVIEW).count() == 2


def test_a_bad_rule_is_refused_with_the_field_named(client_for, skus):
    response = client_for("manager").post(
        reverse("orders:rule_create"), _rule_form(parameter="很多", save="1")
    )
    assert response.status_code == 200
    assert "Give the limit in yuan" in response.content.decode()


def test_switching_off_and_moving_rules_is_audited(client_for, skus):
    client = client_for("manager")
    rules = list(ReviewRule.objects.order_by("position"))
    client.post(reverse("orders:rule_toggle", kwargs={"pk": rules[1].pk}), {"active": "0"})
    rules[1].refresh_from_db()
    assert not rules[1].is_active
    assert entries_for(rules[1]).first().changes == {
        "is_active": {"before": "true", "after": "false"}
    }
    client.post(reverse("orders:rule_move", kwargs={"pk": rules[1].pk}), {"up": "1"})
    order = list(ReviewRule.objects.order_by("position").values_list("pk", flat=True))
    assert order[:2] == [rules[1].pk, rules[0].pk]
    assert "position" in entries_for(rules[1]).first().changes


def test_rules_preview_page_lists_outcomes(client_for, manager, skus):
    make_order(manager, ("P1-S", 1), buyer_message="<i>急</i>")
    body = client_for("manager").get(reverse("orders:rules_preview")).content.decode()
    assert 'data-after="hold">1<' in body
    assert "<i>急</i>" not in body
