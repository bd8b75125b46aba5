"""The courier bill pages wired to their services: import with errors in place, the report
by section, the export, sending to finance and finance's queue (permissions per role are in
tests/matrix_shipping_dispatch.py)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhanggui.fulfillment.models_after import BillStatus, CourierBill
from zhanggui.fulfillment.tests.factories_dispatch import make_parcel, price_table

pytestmark = pytest.mark.django_db
IN_APRIL = timezone.make_aware(datetime(2026, 4, 10, 15, 0))  # noqa: DTZ001 (the shop's time)


@pytest.fixture
def finance(client_for):
    return client_for("finance")


def _post_bill(client, text: str, *, month: str = "2026-04"):
    upload = SimpleUploadedFile("sto-april.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("fulfillment:bill_import"),
        {"courier": "STO", "month": month, "weight_tolerance_g": "100", "file": upload},
    )


@pytest.fixture
def bill(finance):
    price_table()
    ours = make_parcel(tracking_no="7700000000201", weight_g=800, shipped_at=IN_APRIL)
    make_parcel(tracking_no="7700000000202", weight_g=800, shipped_at=IN_APRIL)
    text = f"运单号,目的省份,计费重量(kg),运费\r\n{ours.tracking_no},浙江,1,9.00\r\n7799999999999,浙江,1,8.00\r\n"
    response = _post_bill(finance, text)
    made = CourierBill.objects.get()
    assert response.url == reverse("fulfillment:bill_detail", kwargs={"pk": made.pk})
    return made


def test_the_report_shows_each_finding_by_section(finance, bill):
    url = reverse("fulfillment:bill_detail", kwargs={"pk": bill.pk})
    page = finance.get(url).content.decode()
    assert "17.00" in page  # billed
    assert "9.00" in page  # difference total: 8.00 not ours + 1.00 price
    not_ours = finance.get(url + "?show=not_ours").content.decode()
    assert "7799999999999" in not_ours
    assert "7700000000201" not in not_ours
    not_billed = finance.get(url + "?show=not_billed").content.decode()
    assert "7700000000202" in not_billed


def test_a_bad_statement_is_listed_with_nothing_saved(finance):
    response = _post_bill(finance, "运单号,计费重量(kg),运费,快递员\r\n7700000000201,1,8,张\r\n")
    page = response.content.decode()
    assert response.status_code == 200
    assert "sto-april.csv" in page
    assert "快递员" in page
    assert not CourierBill.objects.exists()


def test_the_same_statement_twice_is_refused_in_place(finance, bill):
    text = "运单号,目的省份,计费重量(kg),运费\r\n7700000000201,浙江,1,9.00\r\n7799999999999,浙江,1,8.00\r\n"
    response = _post_bill(finance, text)
    assert response.status_code == 200
    assert f"#{bill.pk}" in response.content.decode()
    assert CourierBill.objects.count() == 1


def test_the_export_is_an_xlsx_of_the_findings(finance, bill):
    response = finance.get(reverse("fulfillment:bill_export", kwargs={"pk": bill.pk}))
    assert response["Content-Disposition"] == 'attachment; filename="bill-STO-2026-04.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert "7799999999999" in numbers
    assert "7700000000202" in numbers


def test_sent_to_finance_it_waits_in_finances_queue_until_checked(client_for, bill, manager):
    client = client_for("manager")
    client.post(reverse("fulfillment:bill_send", kwargs={"pk": bill.pk}), {"note": "四月"})
    bill.refresh_from_db()
    assert bill.status == BillStatus.SENT_TO_FINANCE
    finance = client_for("finance")
    home = finance.get(reverse("home")).content.decode()
    assert reverse("fulfillment:bill_list") + "?status=sent_to_finance" in home
    listed = finance.get(reverse("fulfillment:bill_list") + "?status=sent_to_finance")
    assert reverse("fulfillment:bill_detail", kwargs={"pk": bill.pk}) in listed.content.decode()
    finance.post(reverse("fulfillment:bill_checked", kwargs={"pk": bill.pk}))
    bill.refresh_from_db()
    assert bill.status == BillStatus.CHECKED


def test_a_bill_sent_to_finance_cannot_be_deleted(finance, bill):
    finance.post(reverse("fulfillment:bill_send", kwargs={"pk": bill.pk}))
    finance.post(reverse("fulfillment:bill_delete", kwargs={"pk": bill.pk}))
    assert CourierBill.objects.filter(pk=bill.pk).exists()
