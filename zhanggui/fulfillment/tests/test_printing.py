"""Batch printing: pages in the order given, numbers from the pool once, refused orders
listed and untouched, reprints with the same numbers (audited), cancelled labels.

The builders at the top are shared with the other printing tests."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from zhanggui.catalog import services as catalog
from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.models import (
    Courier,
    CourierExclusion,
    LabelBatch,
    LabelBatchEntry,
    Parcel,
    ParcelStatus,
    WaybillNumber,
    WaybillStatus,
)
from zhanggui.fulfillment.services import pools, printing
from zhanggui.fulfillment.services.label_data import Item, PageMismatch
from zhanggui.fulfillment.tests.test_labels import _decode_pages, needs_zbar
from zhanggui.orders.models import Order, OrderStatus, RefundStatus
from zhanggui.orders.services import lifecycle, merge
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.tests.factories import make_order, make_skus

_numbers = itertools.count(1)
TIBET = ReceiverInput(
    name="卓玛",
    phone="13900000000",
    province="西藏",
    city="阿里地区",
    district="噶尔县",
    address="狮泉河镇1号",
)

# ---------------------------------------------------------------- builders


def fill_pool(code: str = "STO", count: int = 20) -> list[str]:
    """`count` fresh numbers in the courier's pool, in the order they will be taken."""
    courier = Courier.objects.get(code=code)
    start = next(_numbers) * 100_000
    numbers = [f"77{start + n:011d}" for n in range(count)]
    pools.import_numbers(actor=None, courier=courier, numbers=numbers)
    return numbers


def approved_order(*lines: tuple[str, int], **fields: Any) -> Order:
    """An approved order (stock reserved): of one new SKU, or of `lines` (SKUs in stock)."""
    if not lines:
        code = f"PR-{next(_numbers)}"
        make_skus(None, code, on_hand=20)
        lines = ((code, 1),)
    order = make_order(None, *lines, **fields)
    lifecycle.approve_order(actor=None, order_id=order.pk)
    order.refresh_from_db()
    return order


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _state(order: Order) -> tuple[str, str, str, int]:
    order.refresh_from_db()
    return (order.status, order.courier, order.tracking_no, order.parcels.count())


@pytest.fixture
def pool(db: Any) -> list[str]:
    return fill_pool("STO", 20)


# ---------------------------------------------------------------- printing


def test_pages_follow_the_order_given_with_one_number_each(manager, pool):
    first, second, third = (approved_order() for _ in range(3))
    asked = [third.pk, first.pk, second.pk]

    result = printing.print_labels(manager, asked, "76x130")

    assert result.order_ids == asked
    assert result.refused == []
    parcels = [Parcel.objects.get(order_id=pk) for pk in asked]
    assert [parcel.tracking_no for parcel in parcels] == pool[:3]
    entries = LabelBatchEntry.objects.filter(batch=result.batch).order_by("page")
    assert [(e.page, e.parcel.order_id) for e in entries] == [
        (1, asked[0]),
        (2, asked[1]),
        (3, asked[2]),
    ]
    texts = page_texts(result.pdf)
    assert len(texts) == 3
    for text, order, parcel in zip(texts, [third, first, second], parcels, strict=True):
        assert order.order_no in text
        assert parcel.tracking_no in text
    for order, parcel in zip([third, first, second], parcels, strict=True):
        assert _state(order) == (OrderStatus.PRINTED, "STO", parcel.tracking_no, 1)
        assert (parcel.status, parcel.print_count) == (ParcelStatus.PRINTED, 1)
        assert order.updated_at >= result.batch.created_at  # written as the ORM writes it
        assert parcel.estimated_weight_g > 0


@needs_zbar
def test_each_page_barcode_reads_back_as_its_orders_number(manager, pool, tmp_path):
    orders = [approved_order() for _ in range(3)]
    asked = [orders[1].pk, orders[2].pk, orders[0].pk]

    result = printing.print_labels(manager, asked, "100x180")

    expected = [Parcel.objects.get(order_id=pk).tracking_no for pk in asked]
    assert _decode_pages(result.pdf, tmp_path) == expected


def test_numbers_are_taken_from_the_pool_once_and_marked_with_their_order(manager, pool):
    orders = [approved_order() for _ in range(4)]

    printing.print_labels(manager, [order.pk for order in orders], "76x130")

    used = WaybillNumber.objects.filter(status=WaybillStatus.USED).order_by("number")
    assert [(n.number, n.order_id) for n in used] == list(
        zip(pool[:4], [order.pk for order in orders], strict=True)
    )
    assert WaybillNumber.objects.filter(status=WaybillStatus.AVAILABLE).count() == 16


def test_an_order_asked_for_twice_is_printed_once(manager, pool):
    order = approved_order()

    result = printing.print_labels(manager, [order.pk, order.pk], "76x130")

    assert result.order_ids == [order.pk]
    assert [r.code for r in result.refused] == ["duplicate"]
    assert len(page_texts(result.pdf)) == 1
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == 1


def test_the_label_prints_receiver_sender_contents_and_the_shanghai_time(manager, pool):
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="K1", title="连衣裙"),
        skus=[
            catalog.SkuInput(merchant_code="K1-RED-M", color="红", size="M", price="59"),
            catalog.SkuInput(merchant_code="K1-BLK-L", color="黑", size="L", price="59"),
        ],
    )
    from zhanggui.inventory import services as stock
    from zhanggui.inventory.models import MoveKind

    stock.post_moves(
        actor=None,
        moves=[stock.MoveInput(sku.pk, 10, MoveKind.RECEIPT) for sku in product.skus.all()],
    )
    from zhanggui.fulfillment.models import ShippingSettings

    ShippingSettings.objects.filter(pk=1).update(
        sender_name="掌柜旗舰店", sender_phone="0571-88888888", sender_city="杭州市"
    )
    order = approved_order(("K1-RED-M", 2), ("K1-BLK-L", 1))

    result = printing.print_labels(manager, [order.pk], "76x130")

    text = page_texts(result.pdf)[0]
    assert "K1/红/M×2;K1/黑/L" in text
    assert "张三" in text
    assert "13812345678" in text
    assert "310012" in text
    assert "杭州市 西湖区" in text  # the destination zone
    assert "掌柜旗舰店" in text
    created = LabelBatch.objects.get().created_at
    from zhanggui.orders.sla import SHANGHAI

    assert created.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in text


def test_a_line_without_a_sku_prints_its_merchant_code():
    item = Item(None, "TB-UNKNOWN", "", "连衣裙", "", "", 3)
    assert item.with_quantity == "TB-UNKNOWN×3"
    assert Item(1, "K1-M", "K1", "连衣裙", "", "M", 1).with_quantity == "K1/M"


def test_an_order_without_a_courier_gets_the_default_first(manager, pool):
    order = approved_order()
    assert order.courier == ""

    printing.print_labels(manager, [order.pk], "76x130")

    assert _state(order)[:2] == (OrderStatus.PRINTED, "STO")


def test_merged_orders_ship_on_one_label_listing_every_order(manager, pool):
    make_skus(None, "MG-1", "MG-2", on_hand=10)
    first = make_order(None, ("MG-1", 1), buyer_nick="tb_same")
    second = make_order(None, ("MG-2", 3), buyer_nick="tb_same")
    carrier = merge.merge_orders(actor=manager, order_ids=[first.pk, second.pk])
    lifecycle.approve_order(actor=manager, order_id=carrier.pk)
    member = second if carrier.pk == first.pk else first

    refused = printing.print_labels(manager, [member.pk], "76x130")
    result = printing.print_labels(manager, [carrier.pk], "76x130")

    assert [r.code for r in refused.refused] == ["merged"]
    text = page_texts(result.pdf)[0]
    assert first.order_no in text
    assert second.order_no in text
    assert "×3" in text
    parcel = Parcel.objects.get()
    assert parcel.order_id == carrier.pk
    assert _state(member)[:3] == (OrderStatus.PRINTED, "STO", parcel.tracking_no)


# ---------------------------------------------------------------- refused orders


def test_refused_orders_are_listed_and_left_untouched_while_the_rest_print(manager, pool):
    good = approved_order()
    in_review = make_order(None, ("PR-NOT-KNOWN", 1))  # unmatched: on hold, not approved
    held = approved_order()
    lifecycle.set_line_refund(
        actor=None,
        line=held.lines.get(),
        refund_status=RefundStatus.REQUESTED,
        refund_amount=Decimal("0.00"),
    )
    yunda = approved_order()
    lifecycle.set_status(None, yunda, yunda.status, courier="YUNDA")  # prints 100x130 at least
    far = approved_order(receiver=TIBET)
    lifecycle.set_status(None, far, far.status, courier="STO")  # chosen before the exclusion
    CourierExclusion.objects.create(courier=Courier.objects.get(code="STO"), province="西藏自治区")
    untouched = (in_review, held, yunda, far)
    before = {order.pk: _state(order) for order in untouched}

    result = printing.print_labels(
        manager, [in_review.pk, held.pk, good.pk, yunda.pk, far.pk, 999999], "76x130"
    )

    assert result.order_ids == [good.pk]
    assert [(r.order_id, r.code) for r in result.refused] == [
        (in_review.pk, "wrong_status"),
        (held.pk, "held"),
        (yunda.pk, "label_size"),
        (far.pk, "courier_cannot_reach"),
        (999999, "not_found"),
    ]
    assert all(r.reason for r in result.refused)
    assert {order.pk: _state(order) for order in untouched} == before
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == 1


def test_an_empty_pool_refuses_the_orders_it_cannot_number(manager):
    fill_pool("STO", 1)
    orders = [approved_order() for _ in range(2)]

    result = printing.print_labels(manager, [o.pk for o in orders], "76x130")

    assert result.order_ids == [orders[0].pk]
    assert [(r.order_id, r.code) for r in result.refused] == [(orders[1].pk, "pool_exhausted")]
    assert _state(orders[1])[0] == OrderStatus.APPROVED
    assert _state(orders[1])[2:] == ("", 0)


def test_nothing_printable_makes_no_batch(manager):
    order = approved_order()  # STO's pool is empty

    result = printing.print_labels(manager, [order.pk], "76x130")

    assert (result.batch, result.pdf, result.printed) == (None, b"", 0)
    assert not LabelBatch.objects.exists()


def test_all_or_nothing_prints_nothing_when_one_is_refused(manager, pool):
    good, held = approved_order(), make_order(None, *[("PR-X", 1)])

    with pytest.raises(printing.LabelsRefused) as refused:
        printing.print_labels(manager, [good.pk, held.pk], "76x130", all_or_nothing=True)

    assert [r["order_id"] for r in refused.value.data["refused"]] == [held.pk]
    assert _state(good) == (OrderStatus.APPROVED, "", "", 0)
    assert not LabelBatch.objects.exists()
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == 0


def test_an_unknown_size_is_refused_for_the_whole_batch(manager, pool):
    with pytest.raises(InvalidInput):
        printing.print_labels(manager, [approved_order().pk], "50x50")


# ---------------------------------------------------------------- reprint and cancel


def test_printing_a_printed_order_again_needs_a_reprint(manager, pool):
    order = approved_order()
    printing.print_labels(manager, [order.pk], "76x130")

    again = printing.print_labels(manager, [order.pk], "76x130")
    reprinted = printing.print_labels(manager, [order.pk], "76x130", reprint=True)

    assert [r.code for r in again.refused] == ["already_printed"]
    assert reprinted.order_ids == [order.pk]
    assert reprinted.batch is not None
    assert reprinted.batch.is_reprint
    parcel = Parcel.objects.get()
    assert (parcel.tracking_no, parcel.print_count) == (pool[0], 2)


def test_reprinting_a_batch_keeps_its_numbers_and_pages_and_is_audited(manager, pool):
    orders = [approved_order() for _ in range(3)]
    asked = [orders[2].pk, orders[0].pk, orders[1].pk]
    first = printing.print_labels(manager, asked, "76x130")
    assert first.batch is not None

    again = printing.reprint_batch(manager, first.batch.pk)

    assert again.batch is not None
    assert again.batch.pk != first.batch.pk
    assert again.batch.is_reprint
    assert again.batch.created_by == manager
    assert again.order_ids == asked
    numbers = [Parcel.objects.get(order_id=pk).tracking_no for pk in asked]
    assert numbers == pool[:3]
    texts = page_texts(again.pdf)
    assert [number in text for number, text in zip(numbers, texts, strict=True)] == [True] * 3
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == 3
    assert set(Parcel.objects.values_list("print_count", flat=True)) == {2}
    notes = [entry.note for entry in entries_for(orders[0])]
    assert any(f"batch #{again.batch.pk}" in note for note in notes)
    assert entries_for(orders[0]).first().actor == manager


def test_reprinting_one_label_keeps_its_number(manager, pool):
    order = approved_order()
    printing.print_labels(manager, [order.pk], "100x180")
    parcel = Parcel.objects.get()

    again = printing.reprint_label(manager, parcel.pk)

    assert again.batch is not None
    assert again.batch.size == "100x180"
    assert parcel.tracking_no in page_texts(again.pdf)[0]
    parcel.refresh_from_db()
    assert parcel.print_count == 2


def test_cancelling_a_label_voids_its_number_and_approves_the_order_again(manager, pool):
    order = approved_order()
    printing.print_labels(manager, [order.pk], "76x130")
    parcel = Parcel.objects.get()

    cancelled = printing.cancel_label(manager, parcel.pk, reason="地址写错")

    assert cancelled.number_status == WaybillStatus.VOID
    assert WaybillNumber.objects.get(number=parcel.tracking_no).status == WaybillStatus.VOID
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.CANCELLED
    assert _state(order) == (OrderStatus.APPROVED, "STO", "", 1)
    # Printed again: a new number, never the void one.
    again = printing.print_labels(manager, [order.pk], "76x130")
    assert again.order_ids == [order.pk]
    assert _state(order)[2] == pool[1]


def test_cancelling_returns_the_number_when_the_courier_reuses_them(manager, pool):
    Courier.objects.filter(code="STO").update(reuses_cancelled_numbers=True)
    order = approved_order()
    printing.print_labels(manager, [order.pk], "76x130")
    parcel = Parcel.objects.get()

    printing.cancel_label(manager, parcel.pk)

    number = WaybillNumber.objects.get(number=parcel.tracking_no)
    assert (number.status, number.order_id) == (WaybillStatus.AVAILABLE, None)


def test_a_cancelled_label_is_not_reprinted_with_its_batch(manager, pool):
    orders = [approved_order() for _ in range(2)]
    batch = printing.print_labels(manager, [o.pk for o in orders], "76x130").batch
    assert batch is not None
    printing.cancel_label(manager, Parcel.objects.get(order=orders[0]).pk)

    again = printing.reprint_batch(manager, batch.pk)

    assert again.order_ids == [orders[1].pk]
    assert [(r.order_id, r.code) for r in again.refused] == [(orders[0].pk, "not_printed")]
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == 1


def test_a_shipped_parcel_cannot_be_cancelled(manager, pool):
    order = approved_order()
    printing.print_labels(manager, [order.pk], "76x130")
    parcel = Parcel.objects.get()
    Parcel.objects.filter(pk=parcel.pk).update(status=ParcelStatus.SHIPPED)

    with pytest.raises(printing.WrongParcelStatus):
        printing.cancel_label(manager, parcel.pk)


# ---------------------------------------------------------------- pages checked


def test_a_batch_whose_pages_do_not_match_the_orders_asked_is_never_drawn(manager, pool):
    orders = [approved_order() for _ in range(2)]
    result = printing.print_labels(manager, [o.pk for o in orders], "76x130")
    assert result.batch is not None
    # Someone swaps the pages: page 1 now carries the second order's parcel.
    entries = list(LabelBatchEntry.objects.filter(batch=result.batch).order_by("page"))
    LabelBatchEntry.objects.filter(pk=entries[0].pk).update(page=99)
    LabelBatchEntry.objects.filter(pk=entries[1].pk).update(page=1)
    LabelBatchEntry.objects.filter(pk=entries[0].pk).update(page=2)

    with pytest.raises(PageMismatch):
        printing.render_batch(result.batch, expected=[o.pk for o in orders])
    # Without the orders asked for, the batch still draws as it now stands.
    assert len(page_texts(printing.render_batch(result.batch))) == 2


def test_a_batch_with_a_missing_page_is_never_drawn(manager, pool):
    orders = [approved_order() for _ in range(2)]
    batch = printing.print_labels(manager, [o.pk for o in orders], "76x130").batch
    LabelBatchEntry.objects.filter(batch=batch, page=1).update(page=5)

    with pytest.raises(PageMismatch):
        printing.render_batch(batch)
