"""Courier choice: the buyer's request (and refusals), the default, places not reached, the
estimate, a person's override (audited) and the batch before printing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.catalog.models import Sku
from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.exceptions import CourierCannotReach, CourierNotFound
from zhanggui.fulfillment.models import Courier, CourierRate
from zhanggui.fulfillment.services import choice, courier_words
from zhanggui.fulfillment.services import couriers as courier_service
from zhanggui.orders.exceptions import WrongOrderStatus
from zhanggui.orders.models import Order, OrderDecision, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.tests.factories import make_order, make_skus

TIBET = ReceiverInput(
    name="卓玛",
    phone="13900000000",
    province="西藏",
    city="阿里地区",
    district="噶尔县",
    address="狮泉河镇1号",
)

# ---------------------------------------------------------------- reading the text (no DB)


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        ("请发顺丰", "SF"),
        ("麻烦走sf，谢谢", "SF"),
        ("发圆通吧", "YTO"),
        ("中通快递", "ZTO"),
        ("韵达可以吗", "YUNDA"),
        ("申通就好", "STO"),
        ("只能收邮政", "EMS"),
        ("EMS please", "EMS"),
        ("京东快递送货快", "JD"),
        ("极兔", "JTSD"),
        ("能不能发顺丰", "SF"),  # a question, not a refusal
        ("别发申通，发圆通", "YTO"),
        ("发顺丰不要申通", "SF"),
        ("不要申通 发韵达", "YUNDA"),
        ("顺丰的就不要了，发中通", "ZTO"),
        ("不要顺丰", None),
        ("别发申通", None),
        ("顺丰不要", None),
        ("申通快递不到我们这里", None),
        ("no SF please", None),
        ("STORE pickup, size M", None),  # STO inside a word
        ("尺码要大一号", None),
        ("", None),
    ],
)
def test_the_requested_courier_is_read_with_refusals(text, requested):
    mention = courier_words.requested_courier(text)
    assert (mention.code if mention else None) == requested


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("不要顺丰", {"SF"}),
        ("别发申通，发圆通", {"STO"}),
        ("发顺丰不要申通", {"STO"}),
        ("不要申通也不要中通", {"STO", "ZTO"}),
        ("请发顺丰", set()),
        ("能不能发顺丰", set()),
    ],
)
def test_refused_couriers_are_read(text, refused):
    assert courier_words.refused_couriers(text) == refused


def test_estimated_weight_uses_sku_weights_a_default_and_the_bag():
    lines = [(2, 200), (1, None)]
    assert courier_words.estimate_weight_g(lines) == 2 * 200 + 300 + 50
    assert courier_words.estimate_weight_g([]) == courier_words.PACKAGING_WEIGHT_G


# ---------------------------------------------------------------- choosing


@pytest.fixture
def priced(db):
    """STO and EMS priced for 浙江 and 西藏; SKUs CH-S (450 g) and CH-M (no weight)."""
    sto, ems = Courier.objects.get(code="STO"), Courier.objects.get(code="EMS")
    for courier, first, extra in ((sto, "8", "2"), (ems, "15", "6")):
        for province in ("浙江省", "西藏自治区"):
            CourierRate.objects.create(
                courier=courier,
                province=province,
                first_price=Decimal(first),
                extra_price_per_kg=Decimal(extra),
            )
    make_skus(None, "CH-S", "CH-M", on_hand=50)
    Sku.objects.filter(merchant_code="CH-S").update(weight_g=450)
    return {"STO": sto, "EMS": ems}


def _order(*lines: tuple[str, int], **fields: object) -> Order:
    return make_order(None, *(lines or (("CH-S", 1),)), **fields)


def test_the_default_courier_takes_an_ordinary_order(priced):
    order = _order(("CH-S", 2), ("CH-M", 1))
    picked = choice.choose_courier(order)
    assert picked.courier.code == "STO"
    assert "默认" in picked.reason or "default" in picked.reason
    assert picked.estimated_weight_g == 2 * 450 + 300 + 50  # 1,250 g: billed 2 kg
    assert picked.estimated_cost == Decimal("10.00")
    order.refresh_from_db()
    assert order.courier == ""  # choosing saves nothing


def test_where_the_default_cannot_reach_the_fallback_goes(priced, manager):
    courier_service.add_exclusion(actor=manager, courier_id=priced["STO"].pk, province="西藏")
    picked = choice.choose_courier(_order(receiver=TIBET))
    assert picked.courier.code == "EMS"
    assert "西藏自治区" in picked.reason
    assert picked.estimated_cost == Decimal("15.00")


def test_an_excluded_district_sends_only_that_district_to_the_fallback(priced, manager):
    courier_service.add_exclusion(
        actor=manager, courier_id=priced["STO"].pk, province="西藏", city="阿里", district="改则"
    )
    assert choice.choose_courier(_order(receiver=TIBET)).courier.code == "STO"


def test_the_buyers_courier_is_taken_and_priced_as_its_base(priced):
    picked = choice.choose_courier(_order(buyer_message="麻烦发顺丰，急用"))
    assert picked.courier.code == "SF"
    assert "顺丰" in picked.reason
    assert picked.estimated_cost == Decimal("15.00")  # SF priced as EMS


def test_a_refused_courier_is_not_taken(priced):
    assert choice.choose_courier(_order(buyer_message="不要顺丰")).courier.code == "STO"
    picked = choice.choose_courier(_order(buyer_message="别发申通"))
    assert picked.courier.code == "EMS"
    assert "申通" in picked.reason


def test_the_seller_memo_speaks_before_the_buyer_message(priced):
    order = _order(buyer_message="发顺丰", seller_memo="已和买家沟通，改发圆通")
    picked = choice.choose_courier(order)
    assert picked.courier.code == "YTO"
    assert picked.estimated_cost == Decimal("8.00")  # YTO priced as STO


def test_a_courier_the_shop_does_not_use_is_noted_and_the_default_goes(priced):
    picked = choice.choose_courier(_order(buyer_message="发极兔"))
    assert picked.courier.code == "STO"
    assert "极兔" in picked.reason
    refusing = choice.choose_courier(_order(buyer_message="发极兔，不要申通"))
    assert refusing.courier.code == "EMS"


def test_the_seller_memo_may_ask_for_a_courier_the_buyer_refused(priced):
    picked = choice.choose_courier(_order(buyer_message="不要申通", seller_memo="还是发申通"))
    assert picked.courier.code == "STO"


def test_a_requested_courier_that_cannot_reach_gives_way(priced, manager):
    sf = Courier.objects.get(code="SF")
    courier_service.add_exclusion(actor=manager, courier_id=sf.pk, province="西藏")
    picked = choice.choose_courier(_order(buyer_message="发顺丰", receiver=TIBET))
    assert picked.courier.code == "STO"
    assert "顺丰" in picked.reason


def test_no_courier_reaching_the_place_names_it(priced, manager):
    for courier in priced.values():
        courier_service.add_exclusion(actor=manager, courier_id=courier.pk, province="西藏")
    with pytest.raises(CourierCannotReach) as refused:
        choice.choose_courier(_order(receiver=TIBET))
    assert "西藏自治区 阿里地区 噶尔县" in str(refused.value.message)


def test_a_province_without_prices_gives_no_cost(priced):
    receiver = ReceiverInput(name="李四", phone="13600000000", province="广东省", city="广州市",
                             district="越秀区", address="北京路1号")  # fmt: skip
    picked = choice.choose_courier(_order(receiver=receiver))
    assert (picked.courier.code, picked.estimated_cost) == ("STO", None)


# ---------------------------------------------------------------- saving


def test_assigning_by_the_rules_saves_and_explains(priced, manager):
    order = _order(buyer_message="请发顺丰")
    picked = choice.assign_courier(manager, order.pk)
    order.refresh_from_db()
    assert order.courier == "SF" == picked.courier.code
    entry = entries_for(order).get(changes__has_key="courier")
    assert entry.changes["courier"] == {"before": "", "after": "SF"}
    decision = OrderDecision.objects.get(order=order, rule=choice.RULE_AUTOMATIC)
    assert "顺丰" in decision.reason


def test_a_persons_override_needs_a_reason_and_is_audited(priced, manager):
    order = _order()
    with pytest.raises(InvalidInput) as refused:
        choice.assign_courier(manager, order.pk, courier_code="ZTO", reason=" ")
    assert "reason" in refused.value.fields
    order.refresh_from_db()
    assert order.courier == ""

    picked = choice.assign_courier(manager, order.pk, courier_code="zto", reason="买家电话要求中通")
    order.refresh_from_db()
    assert order.courier == "ZTO" == picked.courier.code
    assert picked.reason == "买家电话要求中通"
    entry = entries_for(order).get(changes__has_key="courier")
    assert entry.note == "买家电话要求中通"
    assert entry.actor == manager
    decision = OrderDecision.objects.get(order=order, rule=choice.RULE_OVERRIDE)
    assert (decision.action, decision.reason, decision.actor) == (
        "note",
        "买家电话要求中通",
        manager,
    )


def test_an_override_to_a_courier_that_cannot_reach_names_the_place(priced, manager):
    courier_service.add_exclusion(actor=manager, courier_id=priced["STO"].pk, province="西藏")
    order = _order(receiver=TIBET)
    with pytest.raises(CourierCannotReach) as refused:
        choice.assign_courier(manager, order.pk, courier_code="STO", reason="便宜")
    assert "西藏自治区" in str(refused.value.message)
    assert refused.value.data["place"] == "西藏自治区 阿里地区 噶尔县"
    order.refresh_from_db()
    assert order.courier == ""


def test_an_unknown_or_unused_courier_is_not_found(priced, manager):
    order = _order()
    for code in ("NOPE", "JTSD"):
        with pytest.raises(CourierNotFound):
            choice.assign_courier(manager, order.pk, courier_code=code, reason="试试")


def test_the_courier_is_fixed_once_the_label_is_printed(priced, manager):
    order = _order()
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    lifecycle.set_status(manager, Order.objects.get(pk=order.pk), OrderStatus.PRINTED)
    with pytest.raises(WrongOrderStatus):
        choice.assign_courier(manager, order.pk, courier_code="ZTO", reason="换")


def test_the_current_choice_shows_the_saved_courier_and_its_reason(priced, manager):
    order = _order()
    current, saved = choice.current_choice(order)
    assert (current.courier.code, saved) == ("STO", False)
    choice.assign_courier(manager, order.pk, courier_code="EMS", reason="易碎，走邮政")
    order.refresh_from_db()
    current, saved = choice.current_choice(order)
    assert (current.courier.code, saved, current.reason) == ("EMS", True, "易碎，走邮政")
    assert current.estimated_cost == Decimal("15.00")


# ---------------------------------------------------------------- batch


def test_the_batch_assigns_approved_orders_without_a_courier(priced, manager):
    courier_service.add_exclusion(actor=manager, courier_id=priced["STO"].pk, province="西藏")
    plain = [_order() for _ in range(3)]
    tibet = _order(receiver=TIBET)
    asked = _order(buyer_message="发顺丰")
    chosen = _order()
    not_approved = _order()
    for order in [*plain, tibet, asked, chosen]:
        lifecycle.approve_order(actor=manager, order_id=order.pk)
    choice.assign_courier(manager, chosen.pk, courier_code="ZTO", reason="买家要求")
    ids = [order.pk for order in [*plain, tibet, asked, chosen, not_approved]]

    result = choice.assign_couriers(manager, ids)

    assert result.assigned == {"STO": 3, "EMS": 1, "SF": 1}
    assert result.skipped == 2
    assert result.failed == []
    couriers = dict(Order.objects.filter(pk__in=ids).values_list("pk", "courier"))
    assert couriers[tibet.pk] == "EMS"
    assert couriers[chosen.pk] == "ZTO"  # a person's choice is kept
    assert couriers[not_approved.pk] == ""
    assert entries_for(plain[0]).get(changes__has_key="courier").note
    assert choice.assign_couriers(manager, ids).assigned == {}  # nothing left to do


def test_the_batch_lists_orders_no_courier_reaches(priced, manager):
    for courier in priced.values():
        courier_service.add_exclusion(actor=manager, courier_id=courier.pk, province="西藏")
    order = _order(receiver=TIBET)
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    result = choice.assign_couriers(manager, [order.pk])
    assert [(failed.pk, "西藏自治区" in why) for failed, why in result.failed] == [(order.pk, True)]
    order.refresh_from_db()
    assert order.courier == ""


def test_the_batch_reads_rates_and_places_once(priced, manager, django_assert_max_num_queries):
    orders = [_order() for _ in range(20)]
    for order in orders:
        lifecycle.approve_order(actor=manager, order_id=order.pk)
    ids = [order.pk for order in orders]
    # Reads: couriers, settings, the locked orders, merged orders, lines, places not
    # reached, one rate table; writes: one UPDATE per courier, decisions and audit entries
    # in bulk. Not one query per order.
    with django_assert_max_num_queries(15):
        result = choice.assign_couriers(manager, ids)
    assert result.assigned == {"STO": 20}
