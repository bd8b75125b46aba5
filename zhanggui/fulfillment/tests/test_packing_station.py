"""The packing station's reading of scans and weights: commands, the next waybill, refusals
as outcomes with the state they leave."""

from __future__ import annotations

import pytest

from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.services import packing_station as station
from zhanggui.fulfillment.services.packing import (
    BLOCKED,
    COMPLETE,
    ERROR,
    OK,
    PACKED,
    WARNING,
    PackingState,
)
from zhanggui.fulfillment.tests.packing_factories import printed_parcel
from zhanggui.orders.models import OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_skus


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def packer(make_user):
    return make_user("warehouse", username="xiaowang")


@pytest.fixture
def parcel(manager):
    make_skus(manager, "ST-S", "ST-M", "ST-X", on_hand=10)
    return printed_parcel(manager, ("ST-S", 2), ("ST-M", 1))


def scans(packer, *codes, state=None):
    state = state or PackingState()
    outcome = None
    for code in codes:
        outcome = station.handle_scan(actor=packer, state=state, code=code)
        state = outcome.state
    return outcome


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("850", 850),
        ("850g", 850),
        ("850 克", 850),
        ("1.25", 1250),
        ("1.250kg", 1250),
        ("1.2KG", 1200),
        ("2公斤", 2000),
        ("ST,GS,+  1.250kg", 1250),
        ("１２００", 1200),
    ],
)
def test_weights_are_read_as_typed_or_sent_by_a_scale(typed, grams):
    assert station.parse_weight(typed) == grams


@pytest.mark.parametrize("typed", ["", "abc", "-1", "1,250", "kg"])
def test_what_is_no_weight_is_refused(typed):
    with pytest.raises(InvalidInput):
        station.parse_weight(typed)


def test_a_command_before_any_waybill_asks_for_one(packer):
    outcome = scans(packer, "UNDO")
    assert (outcome.level, outcome.state) == (ERROR, PackingState())


def test_undo_takes_the_wrong_item_out_and_unblocks(packer, parcel):
    blocked = scans(packer, parcel.tracking_no, "ST-S", "ST-X")
    assert blocked.level == BLOCKED
    undone = scans(packer, "UNDO", state=blocked.state)
    assert undone.level == OK
    assert undone.state.scans == blocked.state.scans[:-1]
    assert "ST-X" in undone.message


def test_minus_code_takes_one_of_that_item_out(packer, parcel):
    too_many = scans(packer, parcel.tracking_no, "ST-M", "ST-S", "ST-M")
    assert too_many.level == BLOCKED
    fixed = scans(packer, "-ST-M", state=too_many.state)
    assert fixed.level == OK
    assert fixed.state.scans == too_many.state.scans[:2]
    assert scans(packer, "-ST-X", state=fixed.state).level == ERROR


def test_reset_empties_the_box(packer, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S", "ST-S")
    reset = scans(packer, "重置", state=half.state)
    assert (reset.level, reset.state.scans) == (OK, ())
    assert reset.state.parcel_id == parcel.pk


def test_cancel_puts_the_parcel_aside(packer, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S")
    cancelled = scans(packer, "cancel", state=half.state)
    assert cancelled.state == PackingState()
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.PRINTED


def test_the_same_waybill_again_keeps_the_box(packer, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S")
    again = scans(packer, parcel.tracking_no, state=half.state)
    assert again.state == half.state
    assert again.message == "This parcel is already open."


def test_the_next_waybill_opens_the_next_parcel(packer, manager, parcel):
    other = printed_parcel(manager, ("ST-X", 1))
    half = scans(packer, parcel.tracking_no, "ST-S")
    switched = scans(packer, other.tracking_no, state=half.state)
    assert switched.state == PackingState(other.pk, other.tracking_no, ())
    assert "left unfinished" in switched.message


def test_an_unknown_barcode_leaves_the_box_as_it_was(packer, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S")
    unknown = scans(packer, "0000000000000", state=half.state)
    assert (unknown.level, unknown.code) == (ERROR, "unknown_barcode")
    assert unknown.state == half.state
    assert unknown.checks.parcel_id == parcel.pk


def test_a_refused_parcel_is_shown_so_the_box_can_be_put_aside(packer, manager, parcel):
    line = parcel.order.lines.get(merchant_code="ST-S")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    refused = scans(packer, parcel.tracking_no)
    assert (refused.level, refused.code) == (BLOCKED, "parcel_blocked")
    assert refused.state == PackingState()
    assert refused.checks.receiver_name == "张三"


def test_a_refund_while_scanning_closes_the_box(packer, manager, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S")
    line = parcel.order.lines.get(merchant_code="ST-M")
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    refused = scans(packer, "ST-S", state=half.state)
    assert (refused.level, refused.state) == (BLOCKED, PackingState())


def test_finishing_with_a_typed_weight_packs_and_resets(packer, parcel):
    complete = scans(packer, parcel.tracking_no, "ST-S", "ST-M", "ST-S")
    assert complete.level == COMPLETE
    weight = str(parcel.estimated_weight_g)
    done = station.handle_finish(
        actor=packer, state=complete.state, parcel_id=parcel.pk, weight=weight, confirm=False
    )
    assert (done.level, done.state) == (PACKED, PackingState())
    assert done.data["packer"] == "xiaowang"
    assert "xiaowang" in done.message
    parcel.refresh_from_db()
    assert (parcel.status, parcel.order.status) == (ParcelStatus.PACKED, OrderStatus.PACKED)


def test_an_unusual_weight_is_asked_again_then_kept(packer, parcel):
    complete = scans(packer, parcel.tracking_no, "ST-S", "ST-M", "ST-S")
    first = station.handle_finish(
        actor=packer, state=complete.state, parcel_id=parcel.pk, weight="12", confirm=False
    )
    assert (first.level, first.state) == (WARNING, complete.state)
    second = station.handle_finish(
        actor=packer, state=complete.state, parcel_id=parcel.pk, weight="12", confirm=True
    )
    assert second.level == PACKED


def test_finishing_an_incomplete_box_is_refused_and_keeps_it(packer, parcel):
    half = scans(packer, parcel.tracking_no, "ST-S")
    refused = station.handle_finish(
        actor=packer, state=half.state, parcel_id=parcel.pk, weight="900", confirm=True
    )
    assert (refused.level, refused.code, refused.state) == (ERROR, "items_mismatch", half.state)
    assert "ST-S: 2 ordered, 1 scanned" in refused.message


def test_finishing_a_parcel_that_is_not_open_is_refused(packer, parcel):
    refused = station.handle_finish(
        actor=packer, state=PackingState(), parcel_id=parcel.pk, weight="900", confirm=True
    )
    assert (refused.level, refused.code) == (ERROR, "no_parcel_open")
