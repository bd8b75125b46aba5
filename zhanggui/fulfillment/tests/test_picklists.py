"""The pick list of a batch (summed per SKU, in bin order, SKUs without a bin last) as PDF
and XLSX, and the packing slips (one page per parcel, buyer text printed as typed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.core.tabular import read_table
from zhanggui.fulfillment.services import picklists, printing, slips
from zhanggui.fulfillment.services.picklists import PickRow
from zhanggui.fulfillment.tests.test_printing import approved_order, fill_pool, page_texts
from zhanggui.inventory import services as stock
from zhanggui.inventory.models import Bin, MoveKind, SkuBin, Warehouse
from zhanggui.orders.models import RefundStatus
from zhanggui.orders.services import lifecycle


@pytest.fixture
def batch(manager):
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="K9", title="真丝连衣裙"),
        skus=[
            catalog.SkuInput(merchant_code=code, color=color, size="M", price="99")
            for code, color in (("P1", "红"), ("P2", "黑"), ("P3", "白"), ("P4", "蓝"))
        ],
    )
    skus = {sku.merchant_code: sku for sku in product.skus.all()}
    stock.post_moves(
        actor=None, moves=[stock.MoveInput(sku.pk, 50, MoveKind.RECEIPT) for sku in skus.values()]
    )
    main = Warehouse.objects.get(is_default=True)
    other = Warehouse.objects.create(code="second", name="二号仓")
    for code, (warehouse, bin_code, primary) in {
        "P1": (main, "A-10", True),
        "P2": (main, "A-2", True),
        "P4": (main, "B-1", True),
        "P3": (other, "Z-1", True),  # only in another warehouse: no bin here
    }.items():
        place = Bin.objects.create(warehouse=warehouse, code=bin_code)
        SkuBin.objects.create(sku=skus[code], bin=place, is_primary=primary)
    SkuBin.objects.create(  # a second, not primary, place of P2: not where pickers go
        sku=skus["P2"], bin=Bin.objects.create(warehouse=main, code="A-1"), is_primary=False
    )
    fill_pool("STO", 5)
    first = approved_order(("P1", 2), ("P2", 1), buyer_message="<b>尽快</b> & 谢谢")
    second = approved_order(("P1", 1), ("P3", 3), ("P4", 5))
    lifecycle.set_line_refund(
        actor=None,
        line=second.lines.get(merchant_code="P4"),
        refund_status=RefundStatus.REFUNDED,
        refund_amount=Decimal("99.00"),
    )
    third = approved_order(("P4", 1), ("P2", 2))
    result = printing.create_batch(manager, [first.pk, second.pk, third.pk], "76x130")
    return result.batch, (first, second, third)


def test_the_pick_list_sums_each_sku_in_bin_order_with_unbinned_last(batch):
    label_batch, _orders = batch

    rows = picklists.pick_rows(label_batch)

    assert rows == [
        PickRow("A-2", "P2", "真丝连衣裙", "黑", "M", 3, 2),
        PickRow("A-10", "P1", "真丝连衣裙", "红", "M", 3, 2),
        PickRow("B-1", "P4", "真丝连衣裙", "蓝", "M", 1, 1),  # the refunded five do not ship
        PickRow("", "P3", "真丝连衣裙", "白", "M", 3, 1),
    ]


def test_the_pick_list_xlsx_has_the_same_rows(batch):
    label_batch, _orders = batch

    table = read_table(filename="pick.xlsx", content=picklists.pick_list_xlsx(label_batch))

    assert len(table.header) == 7
    assert [row.values for row in table.rows] == [
        ("A-2", "P2", "真丝连衣裙", "黑", "M", "3", "2"),
        ("A-10", "P1", "真丝连衣裙", "红", "M", "3", "2"),
        ("B-1", "P4", "真丝连衣裙", "蓝", "M", "1", "1"),
        ("", "P3", "真丝连衣裙", "白", "M", "3", "1"),
    ]


def test_the_pick_list_pdf_lists_the_skus_in_bin_order(batch):
    label_batch, _orders = batch

    (text,) = page_texts(picklists.pick_list_pdf(label_batch))

    positions = [text.index(code) for code in ("P2", "P1", "P4", "P3")]
    assert positions == sorted(positions)
    assert "A-10" in text


def test_packing_slips_follow_the_labels_one_page_each_with_the_buyer_text_as_typed(batch):
    label_batch, (first, second, third) = batch

    texts = page_texts(slips.packing_slips_pdf(label_batch))

    assert len(texts) == 3
    for text, order in zip(texts, (first, second, third), strict=True):
        assert order.order_no in text
        assert order.parcels.get().tracking_no in text
    assert "<b>尽快</b> & 谢谢" in texts[0]
    assert "P4" not in texts[1]  # refunded: not packed


def test_walking_order_puts_a_2_before_a_10():
    codes = ["A-10", "B-1", "A-2", "A-1"]
    assert sorted(codes, key=picklists._natural) == ["A-1", "A-2", "A-10", "B-1"]
