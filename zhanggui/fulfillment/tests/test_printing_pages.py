"""The printing pages wired to their services: the orders offered, printing the ticked or the
first N, the batch page with its downloads, reprint and cancel (permissions per role are in
tests/matrix_shipping_printing.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhanggui.core.audit import entries_for
from zhanggui.core.tabular import XLSX_CONTENT_TYPE
from zhanggui.fulfillment.models import LabelBatch, Parcel, ParcelStatus
from zhanggui.fulfillment.tests.test_printing import approved_order, fill_pool, page_texts
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.orders.services import lifecycle
from zhanggui.orders.services.inputs import ReceiverInput
from zhanggui.orders.tests.factories import make_order

PRINT = reverse("fulfillment:print")


@pytest.fixture
def warehouse(client_for):
    return client_for("warehouse")


def _listed(response) -> list[int]:
    return [row.order.pk for row in response.context["rows"]]


def test_the_page_offers_approved_orders_urgent_first_then_the_longest_paid(warehouse):
    now = timezone.now()
    old = approved_order(paid_at=now - timedelta(hours=30))
    new = approved_order(paid_at=now - timedelta(hours=1))
    urgent = approved_order(paid_at=now - timedelta(minutes=5))
    lifecycle.set_status(None, urgent, urgent.status, is_urgent=True)
    make_order(None, ("PG-NOPE", 1))  # in review: not offered

    response = warehouse.get(PRINT)

    assert response.status_code == 200
    assert _listed(response) == [urgent.pk, old.pk, new.pk]
    assert response.context["count"] == 3
    assert warehouse.get(PRINT, {"urgent": "1"}).context["count"] == 1
    assert _listed(warehouse.get(PRINT, {"sla": "overdue"})) == [old.pk]
    assert _listed(warehouse.get(PRINT, {"courier": "-"})) == [urgent.pk, old.pk, new.pk]
    assert _listed(warehouse.get(PRINT, {"courier": "SF"})) == []


def test_buyer_text_is_escaped_on_the_page(warehouse):
    receiver = ReceiverInput(
        name="<script>alert(1)</script>", phone="13812345678", province="浙江省",
        city="杭州市", district="西湖区", address="文三路1号",
    )  # fmt: skip
    approved_order(receiver=receiver)

    content = warehouse.get(PRINT).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_printing_the_ticked_orders_goes_to_the_batch_which_downloads_once(warehouse):
    numbers = fill_pool("STO", 5)
    first, second = approved_order(), approved_order()

    response = warehouse.post(PRINT, {"size": "76x130", "order": [second.pk, first.pk]})

    batch = LabelBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("fulfillment:batch_detail", kwargs={"pk": batch.pk})
    page = warehouse.get(response.url)
    assert page["Refresh"] == "0; url=" + reverse(
        "fulfillment:batch_labels", kwargs={"pk": batch.pk}
    )
    assert "Refresh" not in warehouse.get(response.url)  # a reload does not download again
    assert Parcel.objects.get(order=second).tracking_no == numbers[0]
    assert Order.objects.get(pk=first.pk).status == OrderStatus.PRINTED
    pdf = warehouse.get(reverse("fulfillment:batch_labels", kwargs={"pk": batch.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    texts = page_texts(pdf.content)
    assert numbers[0] in texts[0]
    assert numbers[1] in texts[1]
    assert any("downloaded" in entry.changes for entry in entries_for(batch))


def test_printing_the_first_n_takes_them_in_the_pages_order(warehouse):
    fill_pool("STO", 5)
    now = timezone.now()
    orders = [approved_order(paid_at=now - timedelta(hours=n)) for n in (1, 3, 2)]

    warehouse.post(
        PRINT, {"size": "76x130", "first": "2", "take_first": "1", "order": [orders[0].pk]}
    )

    batch = LabelBatch.objects.get()
    assert [e.parcel.order_id for e in batch.entries.order_by("page")] == [
        orders[1].pk,
        orders[2].pk,
    ]


def test_refused_orders_are_named_on_the_batch_page(warehouse):
    fill_pool("STO", 5)
    good = approved_order()
    held = make_order(None, ("PG-HELD", 1))

    response = warehouse.post(PRINT, {"size": "76x130", "order": [good.pk, held.pk]}, follow=True)

    text = response.content.decode()
    assert str(held) in text
    assert Order.objects.get(pk=held.pk).status == OrderStatus.ON_HOLD


def test_nothing_printable_stays_on_the_page_with_the_reasons(warehouse):
    order = approved_order()  # no numbers in the pool

    response = warehouse.post(PRINT, {"size": "76x130", "order": [order.pk]})

    assert response.status_code == 200
    assert [r.order_id for r in response.context["refused"]] == [order.pk]
    assert not LabelBatch.objects.exists()


def test_nothing_chosen_is_a_form_error(warehouse):
    response = warehouse.post(PRINT, {"size": "76x130"})
    assert response.status_code == 400


def test_the_batch_downloads_pick_list_and_slips(warehouse, manager):
    fill_pool("STO", 5)
    order = approved_order()
    warehouse.post(PRINT, {"size": "76x130", "order": [order.pk]})
    batch = LabelBatch.objects.get()

    pick = warehouse.get(reverse("fulfillment:batch_pick_list", kwargs={"pk": batch.pk}))
    xlsx = warehouse.get(reverse("fulfillment:batch_pick_list_xlsx", kwargs={"pk": batch.pk}))
    slips = warehouse.get(reverse("fulfillment:batch_slips", kwargs={"pk": batch.pk}))
    listing = warehouse.get(reverse("fulfillment:batches"))

    assert pick["Content-Type"] == "application/pdf"
    assert order.lines.get().merchant_code in page_texts(pick.content)[0]
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    assert order.order_no in page_texts(slips.content)[0]
    assert f"#{batch.pk}" in listing.content.decode()


def test_reprint_and_cancel_from_the_batch_page(warehouse):
    numbers = fill_pool("STO", 5)
    order = approved_order()
    warehouse.post(PRINT, {"size": "76x130", "order": [order.pk]})
    batch = LabelBatch.objects.get()
    parcel = Parcel.objects.get()

    again = warehouse.post(
        reverse("fulfillment:batch_reprint", kwargs={"pk": batch.pk}), {"size": "100x180"}
    )
    one = warehouse.post(
        reverse("fulfillment:label_reprint", kwargs={"pk": parcel.pk}), {"batch": batch.pk}
    )
    cancel = warehouse.post(
        reverse("fulfillment:label_cancel", kwargs={"pk": parcel.pk}),
        {"reason": "地址写错", "batch": batch.pk},
    )

    reprints = LabelBatch.objects.filter(is_reprint=True).order_by("pk")
    # One label again comes in the size it was last printed in.
    assert [b.size for b in reprints] == ["100x180", "100x180"]
    assert again.status_code == one.status_code == 302
    assert cancel.url == reverse("fulfillment:batch_detail", kwargs={"pk": batch.pk})
    parcel.refresh_from_db()
    assert (parcel.status, parcel.print_count, parcel.tracking_no) == (
        ParcelStatus.CANCELLED, 3, numbers[0],
    )  # fmt: skip
    assert Order.objects.get(pk=order.pk).status == OrderStatus.APPROVED
    detail = warehouse.get(reverse("fulfillment:batch_detail", kwargs={"pk": batch.pk}))
    assert detail.status_code == 200
