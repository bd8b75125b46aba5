"""Scan-to-verify packing (验货): opening a parcel by its waybill, the three checks, counting
items against the order as it is now, and packing with the packer's name and the weight."""

from __future__ import annotations

import pytest

from zhanggui.catalog.models import Sku
from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.services import packing
from zhanggui.fulfillment.services.packing import (
    BLOCKED,
    COMPLETE,
    OK,
    ItemsMismatch,
    LabelCancelled,
    PackingState,
    ParcelAlreadyPacked,
    ParcelAlreadyShipped,
    ParcelBlocked,
    UnknownBarcode,
    UnusualWeight,
)
from zhanggui.fulfillment.tests.packing_factories import print_parcel, printed_parcel
from zhanggui.orders.models import HoldReason, OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.merge import merge_orders
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture(autouse=True)
def english(settings):
    # Chinese is the default; these tests read the English msgids whatever the .po says.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def skus(manager):
    skus = make_skus(manager, "PK-S", "PK-M", "PK-L", on_hand=20)
    for sku, barcode, weight in zip(
        skus, ("6901234567892", "6901234567908", "6901234567915"), (300, 350, 400), strict=True
    ):
        Sku.objects.filter(pk=sku.pk).update(barcode=barcode, weight_g=weight)
    return list(Sku.objects.filter(pk__in=[sku.pk for sku in skus]).order_by("pk"))


@pytest.fixture
def packer(make_user):
    return make_user("warehouse", username="dabao")


@pytest.fixture
def parcel(manager, skus):
    return printed_parcel(manager, ("PK-S", 2), ("PK-M", 1))


def _scan_all(state, *codes):
    outcome = None
    for code in codes:
        outcome = packing.scan_item(state=state, barcode=code)
        state = outcome.state
    return outcome


def _reload(parcel):
    parcel.refresh_from_db()
    parcel.order.refresh_from_db()
    return parcel


# ---------------------------------------------------------------- opening a parcel


def test_scanning_the_waybill_shows_the_three_checks(packer, parcel):
    outcome = packing.start_verification(actor=packer, scanned_waybill=f" {parcel.tracking_no} ")
    checks = outcome.checks
    assert outcome.state == PackingState(parcel.pk, parcel.tracking_no, ())
    assert (checks.receiver_name, checks.receiver_phone) == ("张三", "13812345678")
    assert checks.receiver_address == "浙江省 杭州市 西湖区 文三路90号东部软件园3号楼"
    assert (checks.courier_code, checks.tracking_no) == ("PK-STO", parcel.tracking_no)
    assert [(item.merchant_code, item.quantity) for item in checks.items] == [
        ("PK-S", 2),
        ("PK-M", 1),
    ]
    assert outcome.progress.expected == 3
    assert outcome.progress.scanned == 0


def test_a_full_width_waybill_from_a_chinese_input_method_is_read(packer, parcel):
    full_width = parcel.tracking_no.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    outcome = packing.start_verification(actor=packer, scanned_waybill=full_width)
    assert outcome.state.parcel_id == parcel.pk


def test_an_unknown_waybill_is_refused_by_name(packer, parcel):
    with pytest.raises(UnknownBarcode) as refused:
        packing.start_verification(actor=packer, scanned_waybill="9999999999")
    assert "9999999999" in str(refused.value.message)


def test_a_packed_parcel_says_by_whom_and_when(packer, manager, parcel, skus):
    _pack(packer, parcel)
    with pytest.raises(ParcelAlreadyPacked) as refused:
        packing.start_verification(actor=manager, scanned_waybill=parcel.tracking_no)
    message = str(refused.value.message)
    assert "dabao" in message
    assert _reload(parcel).packed_at.astimezone(packing.SHANGHAI).strftime("%H:%M") in message


def test_a_shipped_parcel_is_refused(packer, manager, parcel):
    from zhanggui.fulfillment.services.shipping import ship_parcels

    _pack(packer, parcel)
    ship_parcels(actor=manager, parcel_ids=[parcel.pk])
    with pytest.raises(ParcelAlreadyShipped):
        packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)


def test_a_refund_requested_since_printing_blocks_the_parcel(packer, manager, parcel):
    line = parcel.order.lines.get(merchant_code="PK-M")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    with pytest.raises(ParcelBlocked) as refused:
        packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)
    assert str(HoldReason.REFUND.label) in str(refused.value.message)
    assert refused.value.data["parcel_id"] == parcel.pk


def test_an_order_closed_since_printing_blocks_the_parcel(packer, manager, parcel):
    for line in parcel.order.lines.all():
        lifecycle.set_line_refund(
            actor=manager, line=line, refund_status=RefundStatus.REFUNDED, refund_amount=0
        )
    assert _reload(parcel).order.status == OrderStatus.CLOSED
    with pytest.raises(ParcelBlocked) as refused:
        packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)
    assert "Every line refunded" in str(refused.value.message)


def test_a_cancelled_label_asks_for_the_new_one(packer, parcel):
    type(parcel).objects.filter(pk=parcel.pk).update(status=ParcelStatus.CANCELLED)
    with pytest.raises(LabelCancelled):
        packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)


def test_a_refunded_line_is_left_out_of_the_box(packer, manager, parcel):
    line = parcel.order.lines.get(merchant_code="PK-M")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REFUNDED, refund_amount=0
    )
    outcome = packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)
    assert [(i.merchant_code, i.quantity) for i in outcome.checks.items] == [("PK-S", 2)]
    assert [(r.merchant_code, r.quantity) for r in outcome.checks.refunded] == [("PK-M", 1)]
    blocked = _scan_all(outcome.state, "PK-S", "6901234567908")
    assert blocked.level == BLOCKED
    assert "refunded" in blocked.message


def test_merged_orders_ship_in_one_box(packer, manager, skus):
    first = make_order(manager, ("PK-S", 1), buyer_nick="tb_same")
    second = make_order(manager, ("PK-S", 1), ("PK-L", 1), buyer_nick="tb_same")
    carrier = merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    lifecycle.approve_order(actor=manager, order_id=carrier.pk, force=True)
    parcel = print_parcel(manager, carrier)
    outcome = packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)
    assert [(i.merchant_code, i.quantity) for i in outcome.checks.items] == [
        ("PK-S", 2),
        ("PK-L", 1),
    ]
    assert len(outcome.checks.order_nos) == 2
    done = _scan_all(outcome.state, "PK-S", "PK-L", "PK-S")
    packing.finish_packing(
        actor=packer, parcel_id=parcel.pk, counts=done.state.counts(), weight_g=1100
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OrderStatus.PACKED, OrderStatus.PACKED)


# ---------------------------------------------------------------- scanning items


def _open(packer, parcel):
    return packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no).state


def test_items_count_by_barcode_or_merchant_code(packer, parcel):
    state = _open(packer, parcel)
    first = packing.scan_item(state=state, barcode="6901234567892")
    assert (first.level, first.message) == (OK, "PK-S: 1 of 2.")
    # The merchant code typed by hand, in lower case.
    second = packing.scan_item(state=first.state, barcode="pk-s")
    last = packing.scan_item(state=second.state, barcode="6901234567908")
    assert last.level == COMPLETE
    assert last.progress.is_complete
    assert [line.state for line in last.progress.lines] == ["done", "done"]


def test_upc_readings_match_the_ean_barcode(packer, skus, manager):
    Sku.objects.filter(pk=skus[2].pk).update(barcode="0012345678905")
    parcel = printed_parcel(manager, ("PK-L", 1))
    state = _open(packer, parcel)
    assert packing.scan_item(state=state, barcode="012345678905").level == COMPLETE


def test_an_unknown_item_barcode_is_refused_and_not_counted(packer, parcel):
    state = _open(packer, parcel)
    with pytest.raises(UnknownBarcode):
        packing.scan_item(state=state, barcode="1234567890123")


def test_a_wrong_item_blocks_the_parcel_until_taken_out(packer, parcel):
    state = _open(packer, parcel)
    wrong = packing.scan_item(state=state, barcode="6901234567915")
    assert wrong.level == BLOCKED
    assert "PK-L is not in this parcel" in wrong.message
    assert wrong.progress.extras == (("PK-L", 1),)
    # While blocked, even a right item is not counted.
    refused = packing.scan_item(state=wrong.state, barcode="PK-S")
    assert refused.level == BLOCKED
    assert refused.state == wrong.state


def test_one_too_many_blocks_the_parcel(packer, parcel):
    state = _open(packer, parcel)
    outcome = _scan_all(state, "PK-M", "PK-M")
    assert outcome.level == BLOCKED
    assert "One too many PK-M: 1 ordered, 2 scanned" in outcome.message
    assert [line.state for line in outcome.progress.lines] == ["todo", "over"]


# ---------------------------------------------------------------- packing


def _pack(packer, parcel, weight_g=1050, **extra):
    state = _open(packer, parcel)
    done = _scan_all(state, "PK-S", "PK-S", "PK-M")
    return packing.finish_packing(
        actor=packer, parcel_id=parcel.pk, counts=done.state.counts(), weight_g=weight_g, **extra
    )


def test_finishing_packs_the_parcel_with_the_packer_and_weight(packer, parcel):
    result = _pack(packer, parcel, weight_g=1050)
    parcel = _reload(parcel)
    assert (parcel.status, parcel.packed_by, parcel.weight_g) == ("packed", packer, 1050)
    assert parcel.packed_at is not None
    assert parcel.order.status == OrderStatus.PACKED
    assert result.warning == ""
    assert entries_for(parcel).filter(actor=packer).count() == 1
    assert entries_for(parcel.order).first().changes["status"] == {
        "before": "printed",
        "after": "packed",
    }


@pytest.mark.parametrize(
    "counts",
    [
        {},  # nothing scanned
        {"S": 2},  # one line missing
        {"S": 2, "M": 2},  # one too many
        {"S": 2, "M": 1, "L": 1},  # a wrong item besides the right ones
    ],
)
def test_finishing_checks_the_counts_again_on_the_server(packer, parcel, skus, counts):
    ids = {"S": skus[0].pk, "M": skus[1].pk, "L": skus[2].pk}
    with pytest.raises(ItemsMismatch):
        packing.finish_packing(
            actor=packer,
            parcel_id=parcel.pk,
            counts={ids[key]: n for key, n in counts.items()},
            weight_g=1000,
        )
    parcel = _reload(parcel)
    assert (parcel.status, parcel.packed_by, parcel.weight_g) == ("printed", None, None)
    assert parcel.order.status == OrderStatus.PRINTED


def test_a_refund_while_packing_blocks_the_finish(packer, manager, parcel):
    state = _open(packer, parcel)
    done = _scan_all(state, "PK-S", "PK-S", "PK-M")
    line = parcel.order.lines.get(merchant_code="PK-S")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    with pytest.raises(ParcelBlocked):
        packing.finish_packing(
            actor=packer, parcel_id=parcel.pk, counts=done.state.counts(), weight_g=1000
        )
    assert _reload(parcel).status == ParcelStatus.PRINTED


@pytest.mark.parametrize("weight_g", [0, -5, 50_000, 120_000])
def test_a_weight_outside_0_to_50_kg_is_refused(packer, parcel, weight_g):
    with pytest.raises(InvalidInput) as refused:
        _pack(packer, parcel, weight_g=weight_g)
    assert "weight" in refused.value.fields
    assert _reload(parcel).status == ParcelStatus.PRINTED


def test_a_weight_far_from_the_estimate_must_be_confirmed(packer, parcel):
    assert parcel.estimated_weight_g > 0
    with pytest.raises(UnusualWeight):
        _pack(packer, parcel, weight_g=12)
    assert _reload(parcel).status == ParcelStatus.PRINTED
    result = _pack(packer, parcel, weight_g=12, confirm_weight=True)
    assert "far from the estimated" in result.warning
    assert _reload(parcel).weight_g == 12


def test_finishing_twice_packs_once(packer, parcel):
    _pack(packer, parcel)
    again = packing.finish_packing(actor=packer, parcel_id=parcel.pk, counts={}, weight_g=1050)
    assert again.repeated
    assert entries_for(_reload(parcel)).count() == 1


def test_another_packer_cannot_pack_a_packed_parcel(packer, make_user, parcel):
    _pack(packer, parcel)
    with pytest.raises(ParcelAlreadyPacked):
        _pack(make_user("warehouse"), parcel)
    assert _reload(parcel).packed_by == packer


def test_a_held_merged_order_blocks_the_whole_box(packer, manager, skus):
    first = make_order(manager, ("PK-S", 1), buyer_nick="tb_hold")
    second = make_order(manager, ("PK-M", 1), buyer_nick="tb_hold")
    carrier = merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    member = second if carrier.pk == first.pk else first
    lifecycle.approve_order(actor=manager, order_id=carrier.pk, force=True)
    parcel = print_parcel(manager, carrier)
    line = member.lines.get()
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    with pytest.raises(ParcelBlocked):
        packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no)


@pytest.mark.parametrize(
    ("estimate", "weight", "unusual"),
    [(800, 1600, False), (800, 1700, True), (800, 400, False), (800, 390, True), (200, 450, False)],
)
def test_unusual_weights_are_twice_or_half_and_300_g_away(estimate, weight, unusual):
    assert packing.is_unusual_weight(weight, estimate) is unusual
