"""The handover pages wired to their services: making a handover, the manifest PDF, the
courier's figures, the stubs page and the warehouse's home queues (permissions per role are
in tests/matrix_shipping_dispatch.py)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from zhanggui.fulfillment.models import Handover
from zhanggui.fulfillment.models_after import HandoverCheck
from zhanggui.fulfillment.pdf_dispatch import manifest_pdf
from zhanggui.fulfillment.services import handover as service
from zhanggui.fulfillment.tests.factories_dispatch import courier, make_parcel, price_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse(client_for):
    return client_for("warehouse")


def _pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text by pdftotext when installed (it maps the CJK font), else pypdf."""
    if shutil.which("pdftotext"):
        path = tmp_path / "manifest.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_list_shows_parcels_waiting_per_courier(warehouse):
    make_parcel()
    make_parcel()
    page = warehouse.get(reverse("fulfillment:handover_list")).content.decode()
    assert "申通快递" in page
    assert reverse("fulfillment:handover_create") + "?courier=STO" in page


def test_a_handover_is_made_of_the_ticked_parcels(warehouse):
    taken, left = make_parcel(), make_parcel()
    page = warehouse.get(reverse("fulfillment:handover_create") + "?courier=STO").content.decode()
    assert taken.tracking_no in page
    assert left.tracking_no in page
    response = warehouse.post(
        reverse("fulfillment:handover_create"),
        {"courier": "STO", "parcel": [str(taken.pk)], "note": "上午"},
    )
    handover = Handover.objects.get()
    assert response.url == reverse("fulfillment:handover_detail", kwargs={"pk": handover.pk})
    assert list(handover.parcels.all()) == [taken]
    assert handover.note == "上午"


def test_nothing_ticked_makes_no_handover(warehouse):
    make_parcel()
    response = warehouse.post(reverse("fulfillment:handover_create"), {"courier": "STO"})
    assert response.status_code == 200
    assert not Handover.objects.exists()


def test_the_manifest_pdf_lists_every_tracking_number_and_the_count(warehouse, tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    parcels = [make_parcel(weight_g=1000) for _ in range(3)]
    handover = service.create_handover(actor=None, courier_id=courier().pk)
    response = warehouse.get(reverse("fulfillment:handover_manifest", kwargs={"pk": handover.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for parcel in parcels:
        assert parcel.tracking_no in text
        assert parcel.order.order_no in text
    assert "3 parcels" in text
    assert "3.00" in text  # total weight in kg


def test_a_long_manifest_runs_over_pages_with_every_parcel(tmp_path):
    parcels = [make_parcel() for _ in range(60)]
    handover = service.create_handover(actor=None, courier_id=courier().pk)
    content = manifest_pdf(service.manifest(handover))
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2
    text = _pdf_text(content, tmp_path)
    assert all(parcel.tracking_no in text for parcel in parcels)


def test_buyer_text_in_the_manifest_is_printed_as_typed(tmp_path):
    make_parcel(city="<b>杭州&市</b>")
    handover = service.create_handover(actor=None, courier_id=courier().pk, note="<i>备注</i>")
    content = manifest_pdf(service.manifest(handover))
    assert content.startswith(b"%PDF")


def test_pasted_courier_figures_show_the_differences(warehouse):
    price_table()
    parcel = make_parcel(weight_g=800)
    handover = service.create_handover(actor=None, courier_id=courier().pk)
    url = reverse("fulfillment:handover_checks", kwargs={"pk": handover.pk})
    response = warehouse.post(url, {"lines": f"{parcel.tracking_no} 1.2 10"})
    assert response.status_code == 302
    assert HandoverCheck.objects.get().courier_weight_g == 1200
    detail = reverse("fulfillment:handover_detail", kwargs={"pk": handover.pk})
    page = warehouse.get(detail + "?show=differences").content.decode()
    assert parcel.tracking_no in page
    assert "400" in page  # grams heavier
    assert "2.00" in page  # 10.00 against our 8.00


def test_a_figures_file_with_a_stranger_lists_the_row_and_saves_nothing(warehouse):
    parcel = make_parcel()
    handover = service.create_handover(actor=None, courier_id=courier().pk)
    content = f"运单号,重量(kg)\r\n{parcel.tracking_no},1\r\n7799999999999,1\r\n".encode()
    response = warehouse.post(
        reverse("fulfillment:handover_checks", kwargs={"pk": handover.pk}),
        {"file": SimpleUploadedFile("pickup.csv", content)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "7799999999999" in page
    assert not HandoverCheck.objects.exists()


def test_the_stubs_page_counts_and_archives_by_day_and_courier(warehouse, make_user):
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        make_parcel()
        make_parcel()
        old = service.create_handover(actor=None, courier_id=courier().pk)
    page = warehouse.get(reverse("fulfillment:stubs") + "?due=1").content.decode()
    day = timezone.localtime(old.created_at).date().isoformat()
    assert day in page
    response = warehouse.post(
        reverse("fulfillment:stubs_archive"), {"courier": "STO", "day": day, "due": "1"}
    )
    assert response.url == reverse("fulfillment:stubs") + "?due=1"
    old.refresh_from_db()
    assert old.stubs_archived_at is not None


def test_the_warehouse_home_shows_stubs_due_and_parcels_waiting(warehouse):
    with time_machine.travel(timezone.now() - timedelta(days=16), tick=False):
        make_parcel()
        service.create_handover(actor=None, courier_id=courier().pk)
    make_parcel()
    page = warehouse.get(reverse("home")).content.decode()
    assert reverse("fulfillment:stubs") + "?due=1" in page
    assert reverse("fulfillment:handover_list") in page
