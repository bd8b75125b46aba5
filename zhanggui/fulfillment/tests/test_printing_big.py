"""A batch of 1,500 labels in one go (ERPNext's bulk print gives up near 500): one page per
order in the order given, each number once. Orders are written in bulk, as the benchmark
writes them; printing runs its real path."""

from __future__ import annotations

import io
import random

from pypdf import PdfReader

from zhanggui.fulfillment.benchmarks import make_printable_orders
from zhanggui.fulfillment.models import LabelBatchEntry, Parcel, WaybillNumber, WaybillStatus
from zhanggui.fulfillment.services import picklists, printing
from zhanggui.orders.models import Order, OrderStatus

ORDERS = 1_500


def test_a_batch_of_1500_orders_prints_every_page_once_in_the_order_given(db):
    rng = random.Random(15)
    order_ids = make_printable_orders(ORDERS, rng=rng, skus=200)
    rng.shuffle(order_ids)

    result = printing.print_labels(None, order_ids, "76x130")

    assert result.order_ids == order_ids
    assert result.refused == []
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) == ORDERS
    pages = list(
        LabelBatchEntry.objects.filter(batch=result.batch)
        .order_by("page")
        .values_list("page", "parcel__order_id", "parcel__tracking_no")
    )
    assert [page for page, _order, _number in pages] == list(range(1, ORDERS + 1))
    assert [order for _page, order, _number in pages] == order_ids
    numbers = [number for _page, _order, number in pages]
    assert len(set(numbers)) == ORDERS
    assert WaybillNumber.objects.filter(status=WaybillStatus.USED).count() == ORDERS
    assert Order.objects.filter(status=OrderStatus.PRINTED).count() == ORDERS
    assert Parcel.objects.count() == ORDERS
    # Spot checks of the PDF itself: first, middle and last page carry their number.
    for index in (0, ORDERS // 2, ORDERS - 1):
        assert numbers[index] in reader.pages[index].extract_text()
    assert sum(row.quantity for row in picklists.pick_rows(result.batch)) > ORDERS
