"""Handovers: which parcels a pickup takes, all or nothing; the courier's weights and prices
against ours; stubs by day and courier, archived after 15 days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import ImportRejected, InvalidInput
from zhanggui.fulfillment.models import Handover, ParcelStatus
from zhanggui.fulfillment.models_after import HandoverCheck
from zhanggui.fulfillment.services import handover as service
from zhanggui.fulfillment.services.handover import CheckInput, ParcelsAlreadyHandedOver
from zhanggui.fulfillment.tests.factories_dispatch import (
    courier,
    csv_file,
    make_parcel,
    price_table,
)

pytestmark = pytest.mark.django_db


def test_a_handover_takes_every_shipped_parcel_of_the_courier_waiting(manager):
    shipped = [make_parcel(), make_parcel(status=ParcelStatus.IN_TRANSIT)]
    packed = make_parcel(status=ParcelStatus.PACKED)
    other_courier = make_parcel(courier_code="YTO")
    handover = service.create_handover(actor=manager, courier_id=courier().pk, note="下午取件")
    assert sorted(handover.parcels.values_list("pk", flat=True)) == sorted(p.pk for p in shipped)
    packed.refresh_from_db()
    other_courier.refresh_from_db()
    assert packed.handover_id is None
    assert other_courier.handover_id is None
    entry = entries_for(handover).get()
    assert entry.changes["parcels"]["after"] == "2"
    assert handover.created_by == manager


def test_a_parcel_is_on_one_handover_only(manager):
    parcel = make_parcel()
    service.create_handover(actor=manager, courier_id=courier().pk)
    with pytest.raises(InvalidInput):
        service.create_handover(actor=manager, courier_id=courier().pk)
    with pytest.raises(ParcelsAlreadyHandedOver) as refused:
        service.create_handover(actor=manager, courier_id=courier().pk, parcel_ids=[parcel.pk])
    assert parcel.tracking_no in str(refused.value.message)
    assert Handover.objects.count() == 1


def test_choosing_a_parcel_not_waiting_saves_nothing(manager):
    waiting = make_parcel()
    packed = make_parcel(status=ParcelStatus.PACKED)
    with pytest.raises(ParcelsAlreadyHandedOver):
        service.create_handover(
            actor=manager, courier_id=courier().pk, parcel_ids=[waiting.pk, packed.pk]
        )
    waiting.refresh_from_db()
    assert waiting.handover_id is None
    assert not Handover.objects.exists()


def test_the_manifest_lists_parcels_with_order_city_and_weight(manager):
    weighed = make_parcel(tracking_no="7700000000002", weight_g=1200, city="宁波市")
    estimated = make_parcel(tracking_no="7700000000001", weight_g=None, estimated_weight_g=650)
    handover = service.create_handover(actor=manager, courier_id=courier().pk)
    sheet = service.manifest(handover)
    assert [row.tracking_no for row in sheet.rows] == ["7700000000001", "7700000000002"]
    assert sheet.rows[1].order_no == weighed.order.order_no
    assert sheet.rows[1].city == "宁波市"
    assert (sheet.rows[0].weight_g, sheet.rows[0].weighed) == (650, False)
    assert (sheet.count, sheet.total_weight_g) == (2, 1850)
    assert sheet.rows[0].order_no == estimated.order.order_no


def test_courier_figures_are_compared_with_our_weight_and_price_table(manager):
    price_table()
    same = make_parcel(tracking_no="7700000000011", weight_g=800)
    heavier = make_parcel(tracking_no="7700000000012", weight_g=800)
    dearer = make_parcel(tracking_no="7700000000013", weight_g=1500)
    make_parcel(tracking_no="7700000000014", weight_g=500)
    handover = service.create_handover(actor=manager, courier_id=courier().pk)
    saved = service.record_checks(
        actor=manager,
        handover_id=handover.pk,
        entries=[
            CheckInput(same.tracking_no, 850, Decimal("8.00")),
            CheckInput(heavier.tracking_no, 1000, Decimal("8.00")),
            CheckInput(dearer.tracking_no, 1500, Decimal("12.00")),
        ],
    )
    assert (saved.saved, saved.unchanged) == (3, 0)
    comparison = service.compare_checks(handover, tolerance_g=100)
    assert comparison.entered == 3
    differing = {row.manifest.tracking_no: row for row in comparison.differences}
    assert set(differing) == {heavier.tracking_no, dearer.tracking_no}
    assert differing[heavier.tracking_no].weight_difference_g == 200
    assert not differing[heavier.tracking_no].price_differs
    # 1.5 kg to Zhejiang: 8 + 1 started kg × 2 = 10.00; the courier wrote 12.00.
    assert differing[dearer.tracking_no].our_price == Decimal("10.00")
    assert differing[dearer.tracking_no].price_difference == Decimal("2.00")


def test_entering_the_same_figures_again_changes_nothing(manager):
    parcel = make_parcel()
    handover = service.create_handover(actor=manager, courier_id=courier().pk)
    entries = [CheckInput(parcel.tracking_no, 900, None)]
    service.record_checks(actor=manager, handover_id=handover.pk, entries=entries)
    again = service.record_checks(actor=manager, handover_id=handover.pk, entries=entries)
    assert (again.saved, again.unchanged) == (0, 1)
    assert HandoverCheck.objects.get().courier_weight_g == 900


def test_figures_for_a_parcel_not_on_the_handover_save_nothing(manager):
    parcel = make_parcel()
    handover = service.create_handover(actor=manager, courier_id=courier().pk)
    with pytest.raises(ImportRejected) as rejected:
        service.record_checks(
            actor=manager,
            handover_id=handover.pk,
            entries=[
                CheckInput(parcel.tracking_no, 900, None, row=1),
                CheckInput("9999999999", 900, None, row=2),
                CheckInput(parcel.tracking_no, 950, None, row=3),
            ],
        )
    assert [(error.row, "9999999999" in str(error.message)) for error in rejected.value.errors][
        :1
    ] == [(2, True)]
    assert rejected.value.errors[1].row == 3
    assert not HandoverCheck.objects.exists()


def test_pasted_lines_are_read_in_kg_with_an_optional_price():
    entries = service.parse_checks_text("7700000000021 1.25 9.5\n\n7700000000022,0.8\n")
    assert entries == [
        CheckInput("7700000000021", 1250, Decimal("9.50"), 1),
        CheckInput("7700000000022", 800, None, 3),
    ]


def test_pasted_lines_with_a_bad_weight_name_the_line():
    with pytest.raises(ImportRejected) as rejected:
        service.parse_checks_text("7700000000021 abc\n7700000000022 -1")
    assert [error.row for error in rejected.value.errors] == [1, 2]


def test_a_line_without_weight_or_price_is_refused():
    with pytest.raises(ImportRejected) as refused:
        service.parse_checks_text("7700000000021\n7700000000022 1")
    assert [error.row for error in refused.value.errors] == [1]


def test_a_checks_file_reads_grams_and_aliases():
    content = csv_file(
        ["快递单号", "重量(克)", "运费(元)", "网点"], [["7700000000031", 1300, "10"]]
    )
    entries = service.read_checks(filename="pickup.csv", content=content)
    assert entries == [CheckInput("7700000000031", 1300, Decimal("10.00"), 2)]


def test_a_checks_file_needs_a_tracking_column():
    content = csv_file(["重量(kg)"], [["1.2"]])
    with pytest.raises(ImportRejected) as rejected:
        service.read_checks(filename="pickup.csv", content=content)
    assert rejected.value.errors[0].field == "运单号"
    assert rejected.value.errors[0].file == "pickup.csv"


def test_stubs_are_counted_against_the_days_shipments(manager):
    make_parcel()
    make_parcel()
    service.create_handover(actor=manager, courier_id=courier().pk)
    make_parcel()  # shipped after the pickup: no stub yet
    make_parcel(courier_code="EMS")
    today = timezone.localdate()
    days = service.stub_days(first_day=today, last_day=today)
    by_courier = {day.courier_code: day for day in days}
    assert (by_courier["STO"].shipped, by_courier["STO"].handed_over) == (3, 2)
    assert by_courier["STO"].missing == 1
    assert (by_courier["EMS"].shipped, by_courier["EMS"].handed_over) == (1, 0)
    assert by_courier["STO"].unarchived == 1


def test_stubs_are_due_for_archiving_after_15_days(manager):
    start = timezone.now() - timedelta(days=16)
    with time_machine.travel(start, tick=False):
        make_parcel()
        old = service.create_handover(actor=manager, courier_id=courier().pk)
    make_parcel()
    service.create_handover(actor=manager, courier_id=courier().pk)
    assert service.count_stubs_to_archive() == 1
    due = service.stub_days(
        first_day=timezone.localdate(), last_day=timezone.localdate(), due_only=True
    )
    assert [(day.day, day.courier_code) for day in due] == [
        (timezone.localtime(old.created_at).date(), "STO")
    ]
    archived = service.archive_stubs(
        actor=manager, courier_id=courier().pk, day=timezone.localtime(old.created_at).date()
    )
    assert archived == 1
    old.refresh_from_db()
    assert old.stubs_archived_at is not None
    assert service.count_stubs_to_archive() == 0
    assert entries_for(old).filter(action="update").exists()


def test_a_day_without_stubs_waiting_cannot_be_archived(manager):
    with pytest.raises(InvalidInput):
        service.archive_stubs(actor=manager, courier_id=courier().pk, day=timezone.localdate())
    with pytest.raises(InvalidInput):
        service.archive_stubs(
            actor=manager,
            courier_id=courier().pk,
            day=timezone.localdate() + timedelta(days=1),
        )
