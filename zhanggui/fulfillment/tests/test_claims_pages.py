"""The claim pages wired to their services: opening, submitting and settling a claim, its
photos served through the media view (permissions per role are in
tests/matrix_shipping_dispatch.py)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.models_after import Claim, ClaimPhoto, ClaimStatus
from zhanggui.fulfillment.tests.factories_dispatch import make_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def aftersale(client_for):
    return client_for("cs_aftersale")


def test_a_claim_is_opened_submitted_and_settled_through_the_pages(aftersale):
    parcel = make_parcel()
    response = aftersale.post(
        reverse("fulfillment:claim_create", kwargs={"pk": parcel.pk}),
        {"kind": "lost", "amount_claimed": "59.00", "description": "<script>丢件</script>"},
    )
    claim = Claim.objects.get()
    detail = reverse("fulfillment:claim_detail", kwargs={"pk": claim.pk})
    assert response.url == detail
    page = aftersale.get(detail).content.decode()
    assert "&lt;script&gt;丢件" in page
    assert "<script>丢件" not in page
    status_url = reverse("fulfillment:claim_status", kwargs={"pk": claim.pk})
    aftersale.post(status_url, {"action": "submit"})
    aftersale.post(status_url, {"outcome": "paid", "outcome_amount": "40", "note": "赔付"})
    claim.refresh_from_db()
    assert (claim.status, str(claim.outcome_amount)) == (ClaimStatus.PAID, "40.00")


def test_paid_without_an_amount_shows_the_error_in_place(aftersale):
    parcel = make_parcel()
    aftersale.post(
        reverse("fulfillment:claim_create", kwargs={"pk": parcel.pk}),
        {"kind": "lost", "amount_claimed": "59.00"},
    )
    claim = Claim.objects.get()
    response = aftersale.post(
        reverse("fulfillment:claim_status", kwargs={"pk": claim.pk}), {"outcome": "paid"}
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


def test_photos_upload_and_show_through_the_media_view(aftersale, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    parcel = make_parcel(status=ParcelStatus.DELIVERED)
    aftersale.post(
        reverse("fulfillment:claim_create", kwargs={"pk": parcel.pk}),
        {"kind": "damaged", "amount_claimed": "30"},
    )
    claim = Claim.objects.get()
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("破损.jpg", buffer.getvalue(), content_type="image/jpeg")
    aftersale.post(
        reverse("fulfillment:claim_photos", kwargs={"pk": claim.pk}), {"photos": [photo]}
    )
    saved = ClaimPhoto.objects.get()
    page = aftersale.get(reverse("fulfillment:claim_detail", kwargs={"pk": claim.pk}))
    assert saved.image.url in page.content.decode()
    served = aftersale.get(saved.image.url)
    assert served.status_code == 200


def test_claims_list_shows_unsettled_by_default(client_for):
    parcel = make_parcel()
    client = client_for("warehouse")
    client.post(
        reverse("fulfillment:claim_create", kwargs={"pk": parcel.pk}),
        {"kind": "lost", "amount_claimed": "59.00"},
    )
    page = client.get(reverse("fulfillment:claim_list")).content.decode()
    assert parcel.tracking_no in page
    page = client.get(reverse("fulfillment:claim_list") + "?status=paid").content.decode()
    assert parcel.tracking_no not in page
