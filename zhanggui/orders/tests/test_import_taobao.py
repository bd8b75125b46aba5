"""Importing the Taobao/Tmall seller-centre export: order report + item report."""

from __future__ import annotations

import codecs
from dataclasses import replace
from decimal import Decimal

import pytest

from zhanggui.core.audit import entries_for
from zhanggui.core.tabular import UnreadableFile
from zhanggui.orders.imports import MissingColumns, WrongFiles
from zhanggui.orders.imports import writer as import_writer
from zhanggui.orders.imports.samples import ITEM_HEADER_NEW, ORDER_HEADER_2021, SampleLine
from zhanggui.orders.models import (
    Flag,
    HoldReason,
    MerchantCodeMapping,
    Order,
    OrderLine,
    OrderSource,
    OrderStatus,
    RefundStatus,
)
from zhanggui.orders.services.intake import receive_order
from zhanggui.orders.tests.factories import make_skus
from zhanggui.orders.tests.import_files import (
    HEADER_VERSIONS,
    csv_bytes,
    errors_of,
    run_import,
    sample,
    taobao_files,
    taobao_xlsx_items,
    taobao_xlsx_orders,
)

ORDERS = "ExportOrderList201809011818.csv"
ITEMS = "ExportOrderDetailList201809011818.csv"


@pytest.fixture
def skus(manager):
    return make_skus(manager, "K-S", "K-M", "K-L", on_hand=50)


def _header_2017() -> list[str]:
    """The 2017-07 export, 46 columns: the 2016 list with three columns after 特权订金订单id
    and two at the end (CHANNELS.md §1.3)."""
    header = list(HEADER_VERSIONS["taobao_order_report_2016_41cols_tsvcopy"])
    at = header.index("特权订金订单id") + 1
    header[at:at] = ["是否上传合同照片", "是否上传小票", "是否代付"]
    return [*header, "退款金额", "预约门店"]


def _header_2018_without_payment_columns() -> list[str]:
    return [
        name
        for name in HEADER_VERSIONS["taobao_order_report_2018_56cols"]
        if name not in ("支付单号", "支付详情")
    ]


HEADERS = {
    **HEADER_VERSIONS,
    "taobao_order_report_2017_46cols": _header_2017(),
    "taobao_order_report_2018_54cols": _header_2018_without_payment_columns(),
}


# ---------------------------------------------------------------- the happy path


@pytest.mark.parametrize("version", sorted(HEADERS))
def test_every_header_version_imports_by_column_name(skus, version):
    header = HEADERS[version]
    orders = [sample(1, ("K-S", 2), ("K-M", 1)), sample(2, ("K-L", 1))]
    summary = run_import(taobao_files(orders, header=header))
    assert summary.as_json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    order = Order.objects.get(order_no="3515313147329357901")
    assert order.source == OrderSource.IMPORT
    assert order.status == OrderStatus.TO_REVIEW
    assert order.channel_status == "WAIT_SELLER_SEND_GOODS"
    assert order.receiver_phone == "13812345678"
    assert [(line.merchant_code, line.quantity, line.sku_id) for line in order.lines.all()] == [
        ("K-S", 2, skus[0].pk),
        ("K-M", 1, skus[1].pk),
    ]


def test_an_order_arrives_with_the_export_quirks_read(skus):
    order = sample(
        1,
        ("K-S", 2),
        ("K-M", 1),
        address="广东省 广州市 越秀区 北京路步行街188号(510030)",
        created="2016/5/23 22:01",
        paid="2016/5/23 22:02",
        post_fee=Decimal("8.00"),
        discount=Decimal("10.00"),
        buyer_message="麻烦发顺丰",
        memo="送小样",
    )
    summary = run_import(taobao_files([order]))
    assert summary.created == 1
    saved = Order.objects.get()
    assert saved.order_no == "3515313147329357901"
    assert (saved.receiver_province, saved.receiver_city, saved.receiver_district) == (
        "广东省",
        "广州市",
        "越秀区",
    )
    assert saved.receiver_address == "北京路步行街188号"
    assert saved.receiver_postcode == "510030"
    assert saved.paid_at.isoformat() == "2016-05-23T14:02:00+00:00"
    assert saved.goods_amount == Decimal("177.00")
    assert saved.post_fee == Decimal("8.00")
    assert saved.paid_amount == Decimal("175.00")
    assert saved.discount_amount == Decimal("10.00")
    assert (saved.buyer_message, saved.seller_memo) == ("麻烦发顺丰", "送小样")
    # The classic item report gives list prices: the goods payment is spread over the lines.
    lines = list(saved.lines.all())
    assert sum(line.paid_amount for line in lines) == Decimal("167.00")
    assert [line.discount for line in lines] == [Decimal("6.67"), Decimal("3.33")]


def test_an_unknown_district_and_zip_are_left_for_the_address_service(skus):
    order = sample(1, address="广东省 广州市 其它区 越秀区北京路步行街188号(000000)")
    run_import(taobao_files([order]))
    saved = Order.objects.get()
    assert saved.receiver_district == "越秀区"
    assert saved.receiver_postcode == ""


def test_the_newer_item_report_gives_line_amounts_and_refunds(skus):
    order = sample(1, ("K-S", 1), ("K-M", 1))
    order.lines[1].refund_status = "买家已经申请退款，等待卖家同意"
    order.lines[1].refund_amount = "59.00"
    summary = run_import(taobao_files([order], items_header=ITEM_HEADER_NEW))
    assert summary.created == 1
    saved = Order.objects.get()
    first, second = saved.lines.all()
    assert first.oid == "4515313147329357910"
    assert (second.refund_status, second.refund_amount) == (
        RefundStatus.REQUESTED,
        Decimal("59.00"),
    )
    assert saved.status == OrderStatus.ON_HOLD
    assert saved.holds == [HoldReason.REFUND]


def test_item_rows_with_a_trailing_comma_and_padded_headers_are_read(skus):
    header = HEADER_VERSIONS["taobao_order_report_2016_41cols_tsvcopy"]
    assert "收货地址 " in header  # the 2016 export pads some headers with a space
    files = taobao_files([sample(1)], header=header)
    assert files[1][1].splitlines()[1].endswith(b",")
    assert run_import(files).created == 1


def test_utf8_files_with_or_without_bom_are_read(skus):
    with_bom = [
        (name, codecs.BOM_UTF8 + content)
        for name, content in taobao_files([sample(1)], encoding="utf-8")
    ]
    assert run_import(with_bom).created == 1
    assert run_import(taobao_files([sample(2)], encoding="utf-8")).created == 1


def test_xlsx_reports_are_read(skus):
    orders = [sample(1, ("K-S", 2)), sample(2, ("K-M", 1))]
    files = [
        ("ExportOrderList201809011818.xlsx", taobao_xlsx_orders(orders)),
        ("ExportOrderDetailList201809011818.xlsx", taobao_xlsx_items(orders)),
    ]
    summary = run_import(files)
    assert summary.as_json()["created"] == 2
    assert Order.objects.get(order_no="3515313147329357902").receiver_phone == "13812345678"


def test_the_files_may_come_in_either_order(skus):
    orders_file, items_file = taobao_files([sample(1)])
    assert run_import([items_file, orders_file]).created == 1


def test_tmall_exports_are_the_same_files(skus):
    run_import(taobao_files([sample(1)]), channel="tmall")
    assert Order.objects.get().channel == "tmall"


def test_orders_closed_before_payment_and_unpaid_ones_import(skus):
    orders = [
        sample(1, status="交易关闭", paid=""),
        sample(2, status="等待买家付款", paid=""),
        sample(3, status="交易成功"),
    ]
    summary = run_import(taobao_files(orders))
    assert summary.created == 3
    statuses = dict(Order.objects.values_list("order_no", "status"))
    assert statuses == {
        "3515313147329357901": OrderStatus.CLOSED,
        "3515313147329357902": OrderStatus.AWAITING_PAYMENT,
        "3515313147329357903": OrderStatus.COMPLETED,
    }


def test_a_bulk_import_builds_the_same_order_as_intake(skus, manager, monkeypatch):
    """The fast path and intake's one-at-a-time path make identical rows."""
    captured = []
    original = import_writer.BatchWriter.write

    def keep(self, trades):
        captured.extend(trade.data for trade in trades)
        return original(self, trades)

    monkeypatch.setattr(import_writer.BatchWriter, "write", keep)
    order = sample(1, ("K-S", 2), ("UNKNOWN-1", 1), buyer_message="要发顺丰")
    run_import(taobao_files([order]), actor=manager)
    imported = Order.objects.get()
    via_intake = receive_order(actor=manager, data=replace(captured[0], order_no="1")).order
    skip = {"id", "order_no", "content_hash", "created_at", "updated_at"}
    for field in Order._meta.concrete_fields:
        if field.attname not in skip:
            assert getattr(via_intake, field.attname) == getattr(imported, field.attname), field
    line_fields = [field.attname for field in OrderLine._meta.concrete_fields]
    assert [
        [getattr(line, name) for name in line_fields if name not in ("id", "order_id")]
        for line in via_intake.lines.all()
    ] == [
        [getattr(line, name) for name in line_fields if name not in ("id", "order_id")]
        for line in imported.lines.all()
    ]
    assert entries_for(via_intake).count() == entries_for(imported).count() == 1


def test_each_created_order_is_audited_and_held_orders_say_why(skus, manager):
    run_import(taobao_files([sample(1, ("NOPE", 1))]), actor=manager)
    order = Order.objects.get()
    (entry,) = entries_for(order)
    assert entry.actor == manager
    assert entry.changes["status"] == {"before": None, "after": "on_hold"}
    assert ORDERS in entry.note
    (decision,) = order.decisions.all()
    assert (decision.rule, decision.action) == ("intake", "hold")


# ---------------------------------------------------------------- unknown merchant codes


def test_an_unknown_merchant_code_holds_the_order_without_rejecting_it(skus):
    summary = run_import(taobao_files([sample(1, ("K-S", 1), ("WHO-1", 2))]))
    assert (summary.created, summary.rejected, summary.held_unmatched) == (1, 0, 1)
    assert summary.unmatched_codes == {"WHO-1": 1}
    order = Order.objects.get()
    assert order.status == OrderStatus.ON_HOLD
    assert order.holds == [HoldReason.UNMATCHED]
    assert order.lines.get(merchant_code="WHO-1").sku_id is None


def test_a_remembered_mapping_matches_the_code(skus, manager):
    MerchantCodeMapping.objects.create(channel="taobao", merchant_code="OLD-S", sku=skus[0])
    run_import(taobao_files([sample(1, ("OLD-S", 1))]))
    order = Order.objects.get()
    assert order.lines.get().sku_id == skus[0].pk
    assert order.status == OrderStatus.TO_REVIEW


# ---------------------------------------------------------------- idempotence and updates


def test_the_same_files_twice_change_nothing(skus):
    files = taobao_files([sample(1, ("K-S", 1)), sample(2, ("K-M", 2))])
    run_import(files)
    lines = OrderLine.objects.count()
    assert run_import(files).as_json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
        "errors": [],
    }
    assert OrderLine.objects.count() == lines


def test_a_newer_export_updates_status_memo_and_refunds(skus):
    order = sample(1, ("K-S", 1), ("K-M", 1))
    run_import(taobao_files([order], items_header=ITEM_HEADER_NEW, stamp="201809011818"))
    newer = replace(
        order,
        status="卖家已发货，等待买家确认",
        memo="已发中通",
        courier="中通快递",
        tracking_no="75312345678901",
    )
    newer.lines = [
        order.lines[0],
        replace(order.lines[1], refund_status="退款成功", refund_amount="59.00"),
    ]
    summary = run_import(taobao_files([newer], items_header=ITEM_HEADER_NEW, stamp="201809021818"))
    assert (summary.updated, summary.created) == (1, 0)
    saved = Order.objects.get()
    assert saved.status == OrderStatus.SHIPPED
    assert saved.seller_memo == "已发中通"
    assert saved.channel_status == "WAIT_BUYER_CONFIRM_GOODS"
    assert saved.lines.get(merchant_code="K-M").refund_status == RefundStatus.REFUNDED
    assert OrderLine.objects.count() == 2
    # And the newer export again: unchanged.
    again = run_import(taobao_files([newer], items_header=ITEM_HEADER_NEW, stamp="201809031818"))
    assert again.unchanged == 1


def test_an_older_export_does_not_undo_a_newer_one(skus):
    order = sample(1, memo="新备注")
    run_import(taobao_files([order], stamp="201809021818"))
    older = replace(order, memo="旧备注")
    summary = run_import(taobao_files([older], stamp="201809011818"))
    assert summary.unchanged == 1
    assert Order.objects.get().seller_memo == "新备注"


def test_an_unpaid_order_paid_in_a_newer_export_goes_to_review(skus):
    order = sample(1, status="等待买家付款", paid="")
    run_import(taobao_files([order]))
    summary = run_import(
        taobao_files(
            [replace(order, paid="2017-07-08 01:00:00", status="买家已付款，等待卖家发货")]
        )
    )
    assert summary.updated == 1
    saved = Order.objects.get()
    assert saved.status == OrderStatus.TO_REVIEW
    assert saved.paid_at is not None


def test_a_flag_column_sets_the_flag_and_a_file_without_one_keeps_ours(skus, manager):
    from zhanggui.orders.services import lifecycle

    header = [*ORDER_HEADER_2021, "旗帜"]
    order = sample(1, extra={"旗帜": "红"})
    run_import(taobao_files([order], header=header))
    saved = Order.objects.get()
    assert saved.flag == Flag.RED
    run_import(taobao_files([replace(order, extra={"旗帜": "黄"})], header=header))
    saved.refresh_from_db()
    assert saved.flag == Flag.YELLOW
    # Our own flag survives exports that carry none, changed or not.
    lifecycle.set_flag(actor=manager, order_id=saved.pk, flag=Flag.GREEN)
    run_import(taobao_files([replace(order, extra={})]))
    saved.refresh_from_db()
    assert saved.flag == Flag.GREEN
    run_import(taobao_files([replace(order, extra={}, memo="新的备注")]))
    saved.refresh_from_db()
    assert (saved.flag, saved.seller_memo) == (Flag.GREEN, "新的备注")


# ---------------------------------------------------------------- bad rows


def test_a_broken_amount_or_date_rejects_that_order_only(skus):
    orders = [
        sample(1, extra={"买家实际支付金额": "abc"}),
        sample(2, paid="2017-13-45 25:00:00"),
        sample(3),
    ]
    summary = run_import(taobao_files(orders))
    assert (summary.created, summary.rejected) == (1, 2)
    assert errors_of(summary) == [(ORDERS, 2, "买家实际支付金额"), (ORDERS, 3, "订单付款时间")]
    assert "abc" in str(summary.errors[0].message)
    assert list(Order.objects.values_list("order_no", flat=True)) == ["3515313147329357903"]


def test_a_bad_item_row_rejects_its_whole_order(skus):
    order = sample(1, ("K-S", 1), ("K-M", 1))
    orders_file, (items_name, items) = taobao_files([order, sample(2)])
    broken = items.decode("gbk").replace('"59.00","1","K-M"', '"59.00","两件","K-M"')
    summary = run_import([orders_file, (items_name, broken.encode("gbk"))])
    assert (summary.created, summary.rejected) == (1, 1)
    assert errors_of(summary) == [(ITEMS, 3, "购买数量")]
    assert not Order.objects.filter(order_no=order.order_no).exists()
    assert OrderLine.objects.count() == 1


def test_an_order_number_repeated_with_different_content_is_rejected(skus):
    first = sample(1, memo="甲")
    summary = run_import(taobao_files([first, sample(2), replace(first, memo="乙")]))
    assert (summary.created, summary.rejected) == (1, 1)
    assert errors_of(summary) == [(ORDERS, 2, "订单编号"), (ORDERS, 4, "订单编号")]
    assert "3515313147329357901" in str(summary.errors[0].message)


def test_an_order_repeated_identically_is_imported_once(skus):
    first = sample(1)
    files = taobao_files([first, first])
    summary = run_import([files[0], (files[1][0], taobao_files([first])[1][1])])
    assert (summary.created, summary.rejected) == (1, 0)


def test_item_rows_whose_order_is_missing_are_errors(skus):
    orders = [sample(1), sample(2)]
    files = taobao_files(orders)
    only_first = taobao_files(orders[:1])[0]
    summary = run_import([only_first, files[1]])
    assert (summary.created, summary.rejected) == (1, 1)
    assert errors_of(summary) == [(ITEMS, 3, "订单编号")]


def test_an_order_without_item_rows_is_rejected(skus):
    orders = [sample(1), sample(2)]
    summary = run_import([taobao_files(orders)[0], taobao_files(orders[:1])[1]])
    assert (summary.created, summary.rejected) == (1, 1)
    assert errors_of(summary) == [(ORDERS, 3, "订单编号")]


def test_item_rows_adding_up_to_fewer_units_than_the_order_reject_it(skus):
    order = sample(1, ("K-S", 2), extra={"宝贝总数量": "3"})
    summary = run_import(taobao_files([order]))
    assert summary.rejected == 1
    assert errors_of(summary) == [(ORDERS, 2, "宝贝总数量")]


def test_a_too_long_receiver_name_is_named_by_its_column(skus):
    summary = run_import(taobao_files([sample(1, receiver_name="张" * 60)]))
    assert summary.rejected == 1
    assert errors_of(summary) == [(ORDERS, 2, "收货人姓名")]


def test_a_paid_order_without_its_payment_time_is_rejected(skus):
    summary = run_import(taobao_files([sample(1, paid="")]))
    assert errors_of(summary) == [(ORDERS, 2, "订单付款时间")]


def test_hostile_text_is_kept_as_text(skus):
    hostile = "=cmd|' /C calc'!A0 <script>alert(1)</script>"
    run_import(taobao_files([sample(1, buyer_message=hostile, receiver_name="<b>李四</b>")]))
    order = Order.objects.get()
    assert order.buyer_message == hostile
    assert order.receiver_name == "<b>李四</b>"


# ---------------------------------------------------------------- files that cannot be used


def test_missing_columns_are_named_and_nothing_is_imported(skus):
    header = [name for name in ORDER_HEADER_2021 if name not in ("订单状态", "联系手机")]
    with pytest.raises(MissingColumns) as raised:
        run_import(taobao_files([sample(1)], header=header))
    assert raised.value.columns == ["订单状态", "联系手机"]
    assert ORDERS in str(raised.value.message)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "订单编号,买家会员名".encode("utf-16-le"),
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel",
        b"",
        b"\xff\xfe\xfd\x80\x81\x82",
    ],
    ids=["utf16-without-bom", "png", "xls", "empty", "garbage"],
)
def test_a_file_that_is_no_export_is_refused(skus, content):
    files = taobao_files([sample(1)])
    with pytest.raises(UnreadableFile):
        run_import([(ORDERS, content), files[1]])
    assert not Order.objects.exists()


def test_a_file_in_another_encoding_is_refused_by_its_header(skus):
    files = taobao_files([sample(1)])
    big5 = files[0][1].decode("gbk").encode("big5", errors="replace")
    with pytest.raises((UnreadableFile, MissingColumns)):
        run_import([(ORDERS, big5), files[1]])


def test_taobao_needs_both_reports(skus):
    orders_file, items_file = taobao_files([sample(1)])
    with pytest.raises(WrongFiles):
        run_import([orders_file])
    with pytest.raises(WrongFiles):
        run_import([orders_file, orders_file])


def test_rows_of_another_format_are_not_taken_for_an_export(skus):
    content = csv_bytes([["货号", "标题", "价格"], ["T1", "连衣裙", "59"]])
    with pytest.raises(UnreadableFile):
        run_import([(ORDERS, content), (ITEMS, content)])


# ---------------------------------------------------------------- killed midway


def test_an_import_killed_midway_leaves_whole_orders_and_a_rerun_finishes(skus, monkeypatch):
    orders = [sample(n, ("K-S", 1), ("K-M", n % 3 + 1)) for n in range(1, 8)]
    files = taobao_files(orders)
    original = import_writer.BatchWriter._insert
    calls = {"n": 0}

    def crash_after_first_batch(self, built):
        calls["n"] += 1
        if calls["n"] > 1:
            original(self, built[:1])  # half a batch written when the process dies...
            raise KeyboardInterrupt
        return original(self, built)

    monkeypatch.setattr(import_writer.BatchWriter, "_insert", crash_after_first_batch)
    with pytest.raises(KeyboardInterrupt):
        run_import(files, batch_size=3)
    # ...and rolled back with its batch: the first batch is in, whole; nothing else.
    assert Order.objects.count() == 3
    for order in Order.objects.all():
        assert order.lines.count() == 2
    monkeypatch.undo()
    summary = run_import(files, batch_size=3)
    assert (summary.created, summary.unchanged, summary.rejected) == (4, 3, 0)
    assert Order.objects.count() == 7
    assert OrderLine.objects.count() == 14


def test_new_paid_orders_go_through_auto_review(skus, monkeypatch):
    from zhanggui.orders.imports import importer

    handed: list[int] = []
    monkeypatch.setattr(
        importer, "auto_review", lambda ids, actor=None: handed.extend(ids) or len(ids)
    )
    summary = run_import(
        taobao_files(
            [sample(1), sample(2, ("NOPE", 1)), sample(3, status="等待买家付款", paid="")]
        ),
        review=True,
    )
    assert summary.auto_reviewed == 1
    assert handed == [Order.objects.get(order_no="3515313147329357901").pk]


def test_line_samples_default_to_one_unit():
    assert SampleLine("X").quantity == 1
