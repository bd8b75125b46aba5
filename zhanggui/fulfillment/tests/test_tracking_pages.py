"""The tracking and claim pages wired to their services: import with its result and errors,
a parcel's page, opening and working a claim with photos (permissions per role are in
tests/matrix_shipping_dispatch.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.models_after import TrackingEvent
from zhanggui.fulfillment.tests.factories_dispatch import make_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def aftersale(client_for):
    return client_for("cs_aftersale")


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_import_shows_what_it_did_and_the_unknown_numbers(aftersale):
    parcel = make_parcel()
    content = f"运单号,状态,时间\r\n{parcel.tracking_no},已签收,2026-05-02 10:00\r\n7799999999999,运输中,2026-05-02 10:00\r\n"
    response = aftersale.post(
        reverse("fulfillment:tracking_import"), {"file": _upload("track.csv", content)}
    )
    page = response.content.decode()
    assert "7799999999999" in page
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.DELIVERED


def test_a_bad_import_lists_file_row_and_column(aftersale):
    parcel = make_parcel()
    content = f"运单号,状态,时间\r\n{parcel.tracking_no},飞走了,2026-05-02 10:00\r\n"
    page = aftersale.post(
        reverse("fulfillment:tracking_import"), {"file": _upload("track.csv", content)}
    ).content.decode()
    assert "track.csv" in page
    assert "飞走了" in page
    assert not TrackingEvent.objects.exists()


def test_the_tracking_page_finds_a_parcel_by_tracking_or_order_number(client_for):
    parcel = make_parcel()
    client = client_for("cs_presale")
    page = client.get(reverse("fulfillment:tracking") + f"?q={parcel.order.order_no}")
    assert parcel.tracking_no in page.content.decode()
    assert reverse("fulfillment:tracking_import") not in page.content.decode()


def test_the_parcel_page_marks_undeliverable(aftersale):
    parcel = make_parcel()
    url = reverse("fulfillment:tracking_parcel", kwargs={"pk": parcel.pk})
    assert (
        reverse("fulfillment:claim_create", kwargs={"pk": parcel.pk})
        in aftersale.get(url).content.decode()
    )
    aftersale.post(
        reverse("fulfillment:tracking_undeliverable", kwargs={"pk": parcel.pk}), {"note": "拒收"}
    )
    parcel.refresh_from_db()
    assert (parcel.status, parcel.deduct_from_bill) == (ParcelStatus.UNDELIVERABLE, True)
