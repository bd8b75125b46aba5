"""Shipping packed parcels: the stock-out is posted from the reservations exactly once, the
order is shipped with the parcel's courier and number, the channel is told, and a parcel
that cannot ship fails alone and untouched."""

from __future__ import annotations

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.services import packing, shipping
from zhanggui.fulfillment.tests.packing_factories import courier, print_parcel, printed_parcel
from zhanggui.inventory.models import MoveKind, Reservation, ReservationStatus, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.tests.factories import make_order, make_skus


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def skus(manager):
    return make_skus(manager, "SH-S", "SH-M", on_hand=10)


@pytest.fixture
def packer(make_user):
    return make_user("warehouse", username="fahuo")


def packed(packer, parcel):
    state = packing.start_verification(actor=packer, scanned_waybill=parcel.tracking_no).state
    counts = {
        item.sku_id: item.quantity
        for item in packing.parcel_checks(parcel, packing.members_of(parcel.order)).items
    }
    assert state.parcel_id == parcel.pk
    weight_g = parcel.estimated_weight_g or 900
    packing.finish_packing(actor=packer, parcel_id=parcel.pk, counts=counts, weight_g=weight_g)
    parcel.refresh_from_db()
    return parcel


def _sales():
    return list(StockMove.objects.filter(kind=MoveKind.SALE).values_list("quantity", "ref"))


def test_shipping_posts_the_stock_out_once_and_ships_the_order(manager, packer, skus):
    parcel = packed(packer, printed_parcel(manager, ("SH-S", 2), ("SH-M", 1)))
    report = shipping.ship_parcels(actor=packer, parcel_ids=[parcel.pk])
    assert [p.pk for p in report.shipped] == [parcel.pk]
    assert (report.already_shipped, report.failed) == ([], [])
    parcel.refresh_from_db()
    order = parcel.order
    assert (parcel.status, parcel.shipped_at) == (ParcelStatus.SHIPPED, order.shipped_at)
    assert (order.status, order.courier, order.tracking_no) == (
        OrderStatus.SHIPPED,
        "PK-STO",
        parcel.tracking_no,
    )
    assert sorted(_sales()) == [(-2, parcel.tracking_no), (-1, parcel.tracking_no)]
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()
    assert ledger_differences() == []
    assert entries_for(parcel).filter(changes__status__after="shipped").count() == 1


def test_shipping_twice_posts_nothing_more(manager, packer, skus):
    parcel = packed(packer, printed_parcel(manager, ("SH-S", 2)))
    shipping.ship_parcels(actor=packer, parcel_ids=[parcel.pk])
    again = shipping.ship_parcels(actor=packer, parcel_ids=[parcel.pk, parcel.pk])
    assert (again.shipped, [p.pk for p in again.already_shipped]) == ([], [parcel.pk])
    assert len(_sales()) == 1
    assert ledger_differences() == []


def test_the_channel_is_told_after_the_commit(
    manager, packer, skus, monkeypatch, django_capture_on_commit_callbacks
):
    told = []
    monkeypatch.setattr("zhanggui.channels.hooks.shipment_posted", told.append)
    parcel = packed(packer, printed_parcel(manager, ("SH-S", 1)))
    with django_capture_on_commit_callbacks(execute=True):
        shipping.ship_parcels(actor=packer, parcel_ids=[parcel.pk])
    assert told == [[parcel.order_id]]


def test_a_parcel_not_packed_fails_alone(manager, packer, skus):
    printed = printed_parcel(manager, ("SH-S", 1))
    ready = packed(packer, printed_parcel(manager, ("SH-M", 1)))
    report = shipping.ship_parcels(actor=packer, parcel_ids=[printed.pk, ready.pk])
    assert [p.pk for p in report.shipped] == [ready.pk]
    assert report.failed == [
        (
            printed.tracking_no,
            "Not packed yet (Label printed): scan it at the packing station first.",
        )
    ]
    printed.refresh_from_db()
    assert (printed.status, printed.order.status) == (ParcelStatus.PRINTED, OrderStatus.PRINTED)
    assert _sales() == [(-1, ready.tracking_no)]


def test_a_refund_requested_after_packing_stops_that_parcel_only(manager, packer, skus):
    held = packed(packer, printed_parcel(manager, ("SH-S", 1)))
    ready = packed(packer, printed_parcel(manager, ("SH-M", 1)))
    line = held.order.lines.get()
    lifecycle.set_line_refund(
        actor=manager, line=line, refund_status=RefundStatus.REQUESTED, refund_amount=0
    )
    report = shipping.ship_parcels(actor=packer, parcel_ids=[held.pk, ready.pk])
    assert [p.pk for p in report.shipped] == [ready.pk]
    ((tracking_no, reason),) = report.failed
    assert tracking_no == held.tracking_no
    assert "Refund requested" in reason
    held.refresh_from_db()
    assert (held.status, held.order.status) == (ParcelStatus.PACKED, OrderStatus.PACKED)
    assert Reservation.objects.filter(
        source_id=str(line.pk), status=ReservationStatus.ACTIVE
    ).exists()
    assert ledger_differences() == []


def test_ship_packed_ships_one_couriers_parcels(manager, packer, skus):
    sto = packed(packer, printed_parcel(manager, ("SH-S", 1)))
    order = make_order(manager, ("SH-M", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk, force=True)
    other = packed(packer, print_parcel(manager, order, on=courier("PK-YTO", "测试圆通")))
    report = shipping.ship_packed(actor=packer, courier="PK-YTO")
    assert [p.pk for p in report.shipped] == [other.pk]
    sto.refresh_from_db()
    assert sto.status == ParcelStatus.PACKED
    assert [p.pk for p in shipping.ship_packed(actor=packer).shipped] == [sto.pk]


def test_a_label_from_batch_printing_is_packed_and_shipped(manager, packer, skus):
    from zhanggui.fulfillment.models import Courier, Parcel
    from zhanggui.fulfillment.services import pools, printing

    sto = Courier.objects.get(code="STO")
    pools.import_numbers(actor=None, courier=sto, numbers=["771234567801", "771234567802"])
    order = make_order(manager, ("SH-S", 2), ("SH-M", 1))
    lifecycle.approve_order(actor=manager, order_id=order.pk)
    assert printing.print_labels(manager, [order.pk], "76x130").pdf.startswith(b"%PDF")
    parcel = Parcel.objects.get(order=order)
    assert (parcel.status, parcel.tracking_no) == (ParcelStatus.PRINTED, "771234567801")

    opened = packing.start_verification(actor=packer, scanned_waybill="771234567801")
    state = opened.state
    for code in ("SH-S", "SH-M", "SH-S"):
        state = packing.scan_item(state=state, barcode=code).state
    packing.finish_packing(
        actor=packer,
        parcel_id=parcel.pk,
        counts=state.counts(),
        weight_g=parcel.estimated_weight_g,
    )
    report = shipping.ship_parcels(actor=packer, parcel_ids=[parcel.pk])
    assert [p.pk for p in report.shipped] == [parcel.pk]
    order.refresh_from_db()
    assert (order.status, order.courier, order.tracking_no) == ("shipped", "STO", "771234567801")
    assert sorted(_sales()) == [(-2, "771234567801"), (-1, "771234567801")]
    assert ledger_differences() == []
