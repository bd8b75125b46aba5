"""Mapping an unknown merchant code to a SKU once."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.orders.models import HoldReason, MerchantCodeMapping, Order, OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import LineInput
from zhanggui.orders.services.intake import receive_order
from zhanggui.orders.services.mapping import list_unmatched_codes, map_merchant_code, search_skus
from zhanggui.orders.tests.factories import make_order, make_skus, order_input


@pytest.fixture
def sku(manager):
    return make_skus(manager, "OURS-1", on_hand=10)[0]


def test_mapping_fills_every_waiting_line_and_releases_the_orders(manager, sku):
    first = make_order(manager, ("THEIRS-1", 1))
    second = make_order(manager, ("THEIRS-1", 2))
    assert first.holds == [HoldReason.UNMATCHED]
    result = map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    assert result.lines_filled == 2
    assert result.orders_released == [first.pk, second.pk]
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.TO_REVIEW
        assert order.holds == []
        assert order.lines.get().sku_id == sku.pk
        assert entries_for(order).filter(note="Merchant code mapped").exists()
    mapping = MerchantCodeMapping.objects.get()
    assert (mapping.channel, mapping.merchant_code, mapping.sku, mapping.created_by) == (
        "taobao",
        "THEIRS-1",
        sku,
        manager,
    )
    assert entries_for(mapping).count() == 1


def test_an_order_with_another_unmatched_line_stays_held(manager, sku):
    order = make_order(manager, ("THEIRS-1", 1), ("THEIRS-2", 1))
    result = map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    assert result.orders_released == []
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.UNMATCHED]


def test_other_holds_stay_when_the_code_is_mapped(manager, sku):
    data = order_input(("THEIRS-1", 1))
    data = replace(data, lines=(replace(data.lines[0], refund_status=RefundStatus.REQUESTED),))
    order = receive_order(actor=manager, data=data).order
    map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.REFUND]


def test_the_mapping_is_remembered_for_the_next_order(manager, sku):
    map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    later = make_order(manager, ("THEIRS-1", 1))
    assert later.status == OrderStatus.TO_REVIEW
    assert later.lines.get().sku_id == sku.pk
    # Another channel has its own codes.
    jd = make_order(manager, ("THEIRS-1", 1), channel="jd")
    assert jd.holds == [HoldReason.UNMATCHED]


def test_mapping_again_to_another_sku_changes_the_mapping(manager, sku):
    (other,) = make_skus(manager, "OURS-2")
    map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=other.pk, review=False
    )
    mapping = MerchantCodeMapping.objects.get()
    assert mapping.sku == other
    assert entries_for(mapping).count() == 2


def test_a_released_order_can_be_approved(manager, sku):
    order = make_order(manager, ("THEIRS-1", 2))
    map_merchant_code(
        actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk, review=False
    )
    approved = lifecycle.approve_order(actor=manager, order_id=order.pk)
    assert approved.status == OrderStatus.APPROVED


def test_released_orders_go_through_auto_review(manager, sku, monkeypatch):
    from zhanggui.orders.services import rules

    handed: list[int] = []
    monkeypatch.setattr(rules, "auto_review", lambda ids, actor=None: handed.extend(ids))
    order = make_order(manager, ("THEIRS-1", 2))
    map_merchant_code(actor=manager, channel="taobao", merchant_code="THEIRS-1", sku_id=sku.pk)
    assert handed == [order.pk]


@pytest.mark.parametrize(
    ("channel", "code", "field"),
    [("ebay", "X", "channel"), ("taobao", "  ", "merchant_code"), ("taobao", "X", "sku")],
)
def test_bad_mappings_are_refused(manager, sku, channel, code, field):
    sku_id = sku.pk if field != "sku" else sku.pk + 1000
    with pytest.raises(InvalidInput) as raised:
        map_merchant_code(actor=manager, channel=channel, merchant_code=code, sku_id=sku_id)
    assert field in raised.value.fields
    assert not MerchantCodeMapping.objects.exists()


def test_unmatched_codes_are_listed_with_their_orders(manager, sku):
    make_order(manager, ("THEIRS-1", 1), ("THEIRS-2", 3))
    make_order(manager, ("THEIRS-1", 2))
    closed = make_order(manager, ("THEIRS-3", 1))
    lifecycle.close_order(actor=manager, order_id=closed.pk)
    codes = [
        (c.channel, c.merchant_code, c.orders, c.lines, c.units) for c in list_unmatched_codes()
    ]
    assert codes == [("taobao", "THEIRS-1", 2, 2, 3), ("taobao", "THEIRS-2", 1, 1, 3)]


def test_skus_are_found_by_code_or_title(manager, sku):
    assert list(search_skus("ours")) == [sku]
    assert list(search_skus("测试连衣裙")) == [sku]
    assert list(search_skus("")) == []
    assert Decimal(sku.price) > 0
    assert isinstance(LineInput("x", 1, Decimal("1")).quantity, int)
    assert Order.objects.count() == 0
