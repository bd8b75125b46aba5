"""The upload page and the unmatched merchant codes page."""

from __future__ import annotations

from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhanggui.orders.models import MerchantCodeMapping, Order, OrderStatus
from zhanggui.orders.services.intake import receive_order
from zhanggui.orders.tests.factories import make_order, make_skus, order_input
from zhanggui.orders.tests.import_files import DATA, sample, taobao_files


def _uploads(files):
    (orders_name, orders), (items_name, items) = files
    return {
        "channel": "taobao",
        "orders_file": SimpleUploadedFile(orders_name, orders, content_type="text/csv"),
        "items_file": SimpleUploadedFile(items_name, items, content_type="text/csv"),
    }


def test_the_upload_page_imports_both_reports_and_shows_the_summary(client_for, manager):
    make_skus(manager, "K-S", on_hand=5)
    client = client_for("cs_presale")
    assert client.get(reverse("orders:import")).status_code == 200
    response = client.post(
        reverse("orders:import"), _uploads(taobao_files([sample(1), sample(2, ("NEW-1", 1))]))
    )
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.created, summary.rejected, summary.held_unmatched) == (2, 0, 1)
    assert reverse("orders:unmatched") in response.content.decode()
    assert Order.objects.count() == 2


def test_the_upload_page_lists_every_error_escaped(client_for, manager):
    make_skus(manager, "K-S", on_hand=5)
    hostile = "<script>alert(1)</script>"
    files = taobao_files([sample(1, status=hostile), sample(2), sample(3, extra={"总金额": "x"})])
    response = client_for("manager").post(reverse("orders:import"), _uploads(files))
    body = response.content.decode()
    assert response.context["summary"].rejected == 1
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "ExportOrderList201809011818.csv" in body
    assert "订单状态" in body


def test_an_unusable_file_is_a_form_error(client_for):
    files = [("a.csv", b"\x89PNG\r\n\x1a\n"), ("b.csv", b"\x89PNG\r\n\x1a\n")]
    response = client_for("manager").post(reverse("orders:import"), _uploads(files))
    assert response.status_code == 200
    assert "a.csv" in response.content.decode()
    assert not Order.objects.exists()


def test_the_sample_files_import(client_for, manager):
    make_skus(manager, "PW-DRESS-S", "PW-DRESS-M", "PW-DRESS-L", "PW-TEE-M", "PW-TEE-L", on_hand=9)
    files = [
        ("sample_taobao_orders.csv", (DATA / "sample_taobao_orders.csv").read_bytes()),
        ("sample_taobao_items.csv", (DATA / "sample_taobao_items.csv").read_bytes()),
    ]
    response = client_for("cs_presale").post(reverse("orders:import"), _uploads(files))
    summary = response.context["summary"]
    assert summary.as_json() == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    statuses = sorted(Order.objects.values_list("status", flat=True))
    assert statuses.count(OrderStatus.AWAITING_PAYMENT) == 1
    assert statuses.count(OrderStatus.COMPLETED) == 1


def test_unmatched_codes_are_shown_and_mapped_once(client_for, manager):
    (sku,) = make_skus(manager, "OURS-9", on_hand=3)
    data = order_input(("THEIRS-9", 1))
    data = replace(data, lines=(replace(data.lines[0], title="<img src=x onerror=alert(1)>"),))
    order = receive_order(actor=manager, data=data).order
    client = client_for("cs_presale")
    page = client.get(reverse("orders:unmatched"))
    body = page.content.decode()
    assert "THEIRS-9" in body
    assert "<img src=x" not in body
    options = client.get(reverse("orders:unmatched_skus"), {"sku_code": "ours"})
    assert 'value="OURS-9"' in options.content.decode()
    response = client.post(
        reverse("orders:unmatched_map"),
        {"channel": "taobao", "merchant_code": "THEIRS-9", "sku_code": "OURS-9"},
    )
    assert response.status_code == 302
    assert MerchantCodeMapping.objects.get().sku == sku
    order.refresh_from_db()
    assert order.lines.get().sku == sku
    assert order.status != OrderStatus.ON_HOLD
    assert client.get(reverse("orders:unmatched")).context["codes"] == []


def test_mapping_to_an_unknown_sku_says_so(client_for, manager):
    make_order(manager, ("THEIRS-9", 1))
    client = client_for("manager")
    response = client.post(
        reverse("orders:unmatched_map"),
        {"channel": "taobao", "merchant_code": "THEIRS-9", "sku_code": "NOPE"},
        follow=True,
    )
    assert "NOPE" in response.content.decode()
    assert not MerchantCodeMapping.objects.exists()


def test_people_who_only_read_orders_see_codes_but_no_map_form(client_for, manager):
    make_order(manager, ("THEIRS-9", 1))
    body = client_for("warehouse").get(reverse("orders:unmatched")).content.decode()
    assert "THEIRS-9" in body
    assert reverse("orders:unmatched_map") not in body


def test_imported_buyer_text_is_shown_escaped_on_the_order_page(client_for, manager):
    make_skus(manager, "K-S", on_hand=5)
    client = client_for("cs_presale")
    message = "=cmd|' /C calc'!A0 <script>alert('x')</script>"
    files = taobao_files([sample(1, buyer_message=message, receiver_name="<b>赵六</b>")])
    client.post(reverse("orders:import"), _uploads(files))
    order = Order.objects.get()
    body = client.get(reverse("orders:detail", kwargs={"pk": order.pk})).content.decode()
    assert "<script>alert('x')</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<b>赵六</b>" not in body
    assert "=cmd|" in body
