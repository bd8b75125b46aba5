"""Tracking imports: the couriers' words mapped to parcel statuses, the latest event wins,
all or nothing on bad rows, the same file twice adds nothing, unknown numbers listed."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import ImportRejected
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.models_after import TrackingEvent
from zhanggui.fulfillment.services import tracking
from zhanggui.fulfillment.services.tracking import ParcelNotTracked
from zhanggui.fulfillment.tests.factories_dispatch import courier, csv_file, make_parcel

pytestmark = pytest.mark.django_db
HEADER = ["运单号", "状态", "时间", "描述"]


def _import(rows, *, header=HEADER, actor=None, filename="track.csv", courier_id=None):
    return tracking.import_tracking(
        actor=actor,
        filename=filename,
        content=csv_file(header, rows),
        courier_id=courier_id,
    )


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("已揽收", ParcelStatus.IN_TRANSIT),
        ("运输中", ParcelStatus.IN_TRANSIT),
        ("派送中", ParcelStatus.IN_TRANSIT),
        ("快件已到达【杭州转运中心】", ParcelStatus.IN_TRANSIT),
        ("已签收", ParcelStatus.DELIVERED),
        ("问题件", ParcelStatus.PROBLEM),
        ("未签收", ParcelStatus.PROBLEM),
        ("退回", ParcelStatus.UNDELIVERABLE),
        ("拒收", ParcelStatus.UNDELIVERABLE),
        ("退回签收", ParcelStatus.UNDELIVERABLE),
        ("Delivered", ParcelStatus.DELIVERED),
        ("", None),
        ("天气很好", None),
    ],
)
def test_status_words_mean_parcel_statuses(word, status):
    assert tracking.status_for(word) == status


def test_the_latest_event_sets_the_status_and_delivery_time(manager):
    parcel = make_parcel()
    result = _import(
        [
            [parcel.tracking_no, "已签收", "2026-05-03 15:20", "本人签收"],
            [parcel.tracking_no, "已揽收", "2026-05-01 18:00:00", "杭州网点已揽收"],
            [parcel.tracking_no, "派送中", "2026/5/3 9:05", ""],
        ],
        actor=manager,
    )
    assert (result.rows, result.added, result.parcels_updated) == (3, 3, 1)
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.DELIVERED
    assert parcel.delivered_at == timezone.make_aware(datetime(2026, 5, 3, 15, 20))  # noqa: DTZ001
    events = list(parcel.tracking_events.order_by("happened_at"))
    assert [event.courier_status for event in events] == ["已揽收", "派送中", "已签收"]
    assert events[0].imported_by == manager
    assert events[0].source == "track.csv"


def test_the_same_file_twice_adds_nothing():
    parcel = make_parcel()
    rows = [[parcel.tracking_no, "运输中", "2026-05-01 18:00", "发往上海"]]
    _import(rows)
    again = _import(rows)
    assert (again.added, again.already_known, again.parcels_updated) == (0, 1, 0)
    assert TrackingEvent.objects.count() == 1


def test_the_same_line_twice_in_one_file_is_kept_once():
    parcel = make_parcel()
    row = [parcel.tracking_no, "运输中", "2026-05-01 18:00", "发往上海"]
    result = _import([row, row])
    assert (result.added, result.already_known) == (1, 1)


def test_unknown_numbers_are_listed_not_refused():
    parcel = make_parcel()
    result = _import(
        [
            [parcel.tracking_no, "运输中", "2026-05-01 18:00", ""],
            ["7799999999999", "运输中", "2026-05-01 18:00", ""],
        ]
    )
    assert result.unknown_numbers == ["7799999999999"]
    assert result.added == 1


def test_undeliverable_parcels_are_marked_for_deduction():
    parcel = make_parcel()
    _import([[parcel.tracking_no, "拒收", "2026-05-04 10:00", "收件人拒收"]])
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.UNDELIVERABLE
    assert parcel.deduct_from_bill is True


def test_claimed_and_unshipped_parcels_keep_their_status():
    lost = make_parcel(status=ParcelStatus.LOST)
    packed = make_parcel(status=ParcelStatus.PACKED)
    result = _import(
        [
            [lost.tracking_no, "已签收", "2026-05-04 10:00", ""],
            [packed.tracking_no, "已揽收", "2026-05-04 10:00", ""],
        ]
    )
    lost.refresh_from_db()
    packed.refresh_from_db()
    assert (lost.status, packed.status) == (ParcelStatus.LOST, ParcelStatus.PACKED)
    assert result.not_shipped == sorted([lost.tracking_no, packed.tracking_no])
    assert result.added == 2


def test_a_bad_row_saves_nothing_and_each_error_names_file_row_and_column():
    parcel = make_parcel()
    with pytest.raises(ImportRejected) as rejected:
        _import(
            [
                [parcel.tracking_no, "运输中", "2026-05-01 18:00", ""],
                [parcel.tracking_no, "飞走了", "2026-05-01 19:00", ""],
                [parcel.tracking_no, "已签收", "昨天下午", ""],
                ["", "已签收", "2026-05-02", ""],
                ["77 / 12", "已签收", "2026-05-02", ""],
            ]
        )
    errors = [(error.file, error.row, error.field) for error in rejected.value.errors]
    assert errors == [
        ("track.csv", 3, "状态"),
        ("track.csv", 4, "时间"),
        ("track.csv", 5, "运单号"),
        ("track.csv", 6, "运单号"),
    ]
    assert "飞走了" in str(rejected.value.errors[0].message)
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.SHIPPED


def test_aliases_are_read_and_other_columns_ignored():
    parcel = make_parcel()
    result = _import(
        [[parcel.tracking_no, "派件中", "2026-05-01T18:00:00", "申通快递"]],
        header=["快递单号", "物流状态", "更新时间", "快递公司"],
    )
    assert result.added == 1
    assert result.ignored_columns == ["快递公司"]


def test_a_missing_status_column_is_named():
    with pytest.raises(ImportRejected) as rejected:
        _import([["7700000000001", "2026-05-01"]], header=["运单号", "时间"])
    assert [(error.row, error.field) for error in rejected.value.errors] == [(1, "状态")]


def test_an_xlsx_file_with_real_datetimes_is_read():
    parcel = make_parcel()
    book = Workbook()
    sheet = book.active
    sheet.append(["运单号", "状态", "时间"])
    sheet.append([int(parcel.tracking_no), "已签收", datetime(2026, 5, 2, 11, 30)])  # noqa: DTZ001
    buffer = io.BytesIO()
    book.save(buffer)
    tracking.import_tracking(actor=None, filename="track.xlsx", content=buffer.getvalue())
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.DELIVERED


def test_a_number_of_two_couriers_needs_the_courier_chosen():
    sto = make_parcel(tracking_no="7700000000555")
    make_parcel(tracking_no="7700000000555", courier_code="YTO")
    rows = [["7700000000555", "运输中", "2026-05-01 18:00", ""]]
    with pytest.raises(ImportRejected):
        _import(rows)
    result = _import(rows, courier_id=courier("STO").pk)
    assert result.added == 1
    assert TrackingEvent.objects.get().parcel == sto


def test_marking_a_parcel_undeliverable_is_audited(manager):
    parcel = make_parcel(status=ParcelStatus.IN_TRANSIT)
    tracking.mark_undeliverable(actor=manager, parcel_id=parcel.pk, note="地址不存在")
    parcel.refresh_from_db()
    assert (parcel.status, parcel.deduct_from_bill) == (ParcelStatus.UNDELIVERABLE, True)
    entry = entries_for(parcel).get()
    assert entry.changes["status"] == {"before": "in_transit", "after": "undeliverable"}
    assert entry.note == "地址不存在"


def test_a_packed_parcel_cannot_be_marked_undeliverable(manager):
    parcel = make_parcel(status=ParcelStatus.PACKED)
    with pytest.raises(ParcelNotTracked):
        tracking.mark_undeliverable(actor=manager, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.PACKED
