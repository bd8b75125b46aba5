"""Claims: opened for lost or damaged parcels with their stub, photos checked and stored,
open -> submitted -> paid / refused, each step audited."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.fulfillment.models import ParcelStatus
from zhanggui.fulfillment.models_after import Claim, ClaimPhoto, ClaimStatus
from zhanggui.fulfillment.services import claims, handover
from zhanggui.fulfillment.services.claims import (
    InvalidClaimTransition,
    ParcelNotClaimable,
    PhotoFile,
)
from zhanggui.fulfillment.tests.factories_dispatch import courier, make_parcel

pytestmark = pytest.mark.django_db


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_lost_parcel_claim_keeps_the_stub_and_marks_the_parcel(manager):
    parcel = make_parcel()
    pickup = handover.create_handover(actor=manager, courier_id=courier().pk)
    claim = claims.open_claim(
        actor=manager,
        parcel_id=parcel.pk,
        kind="lost",
        amount_claimed=Decimal("59.00"),
        description="三天没有物流更新",
    )
    assert claim.handover == pickup
    assert (claim.status, claim.created_by) == (ClaimStatus.OPEN, manager)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.deduct_from_bill) == (ParcelStatus.LOST, True)
    assert entries_for(claim).get().action == "create"
    assert entries_for(parcel).get().changes["status"]["after"] == "lost"


def test_a_delivered_parcel_can_be_claimed_damaged_not_lost(manager):
    parcel = make_parcel(status=ParcelStatus.DELIVERED)
    with pytest.raises(ParcelNotClaimable):
        claims.open_claim(
            actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal("10")
        )
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("10")
    )
    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.DAMAGED
    assert claim.handover is None  # no stub on file: the page says so


@pytest.mark.parametrize("status", [ParcelStatus.PACKED, ParcelStatus.CANCELLED])
def test_a_parcel_that_never_left_cannot_be_claimed(manager, status):
    parcel = make_parcel(status=status)
    with pytest.raises(ParcelNotClaimable):
        claims.open_claim(
            actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("10")
        )
    assert not Claim.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == status


def test_one_unsettled_claim_per_parcel(manager):
    parcel = make_parcel()
    claims.open_claim(actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal("5"))
    with pytest.raises(ParcelNotClaimable):
        claims.open_claim(
            actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal("5")
        )
    assert Claim.objects.count() == 1


@pytest.mark.parametrize("amount", ["-1", "100000", "1.005"])
def test_a_bad_amount_is_refused(manager, amount):
    parcel = make_parcel()
    with pytest.raises(InvalidInput) as refused:
        claims.open_claim(
            actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal(amount)
        )
    assert "amount_claimed" in refused.value.fields
    assert not Claim.objects.exists()


def test_a_claim_is_submitted_then_paid_with_the_amount_received(manager):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal("59")
    )
    claims.submit_claim(actor=manager, claim_id=claim.pk)
    claim = claims.settle_claim(
        actor=manager,
        claim_id=claim.pk,
        paid=True,
        outcome_amount=Decimal("45.00"),
        note="按保价赔付",
    )
    assert (claim.status, claim.outcome_amount) == (ClaimStatus.PAID, Decimal("45.00"))
    assert claim.settled_by == manager
    assert claim.submitted_at is not None
    steps = [
        entry.changes["status"]["after"] for entry in entries_for(claim).filter(action="update")
    ]
    assert sorted(steps) == ["paid", "submitted"]


def test_a_refused_claim_receives_nothing_and_is_final(manager):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("59")
    )
    claim = claims.settle_claim(actor=manager, claim_id=claim.pk, paid=False, outcome_amount=None)
    assert (claim.status, claim.outcome_amount) == (ClaimStatus.REFUSED, Decimal("0.00"))
    with pytest.raises(InvalidClaimTransition):
        claims.submit_claim(actor=manager, claim_id=claim.pk)
    with pytest.raises(InvalidClaimTransition):
        claims.settle_claim(actor=manager, claim_id=claim.pk, paid=True, outcome_amount=Decimal(1))


def test_paid_needs_an_amount_above_zero(manager):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="lost", amount_claimed=Decimal("59")
    )
    for amount in (None, Decimal("0")):
        with pytest.raises(InvalidInput):
            claims.settle_claim(actor=manager, claim_id=claim.pk, paid=True, outcome_amount=amount)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


def test_photos_are_stored_under_media_with_their_size(manager, media):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("59")
    )
    saved = claims.add_photos(
        actor=manager, claim_id=claim.pk, files=[PhotoFile("破损 1.png", png(40, 30))]
    )
    photo = saved[0]
    assert (photo.name, photo.width, photo.height) == ("破损 1.png", 40, 30)
    assert photo.image.name.startswith(f"claims/{claim.pk}/")
    assert (media / photo.image.name).read_bytes()[:4] == b"\x89PNG"
    assert photo.image.url.startswith("/media/claims/")


def test_a_file_that_is_no_image_or_too_large_is_refused_with_nothing_saved(
    manager, media, monkeypatch
):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("59")
    )
    monkeypatch.setattr(claims, "MAX_PHOTO_BYTES", 200)
    with pytest.raises(InvalidInput) as refused:
        claims.add_photos(
            actor=manager,
            claim_id=claim.pk,
            files=[
                PhotoFile("ok.png", png(4, 4)),
                PhotoFile("invoice.pdf", b"%PDF-1.4 not an image"),
                PhotoFile("big.png", png(400, 400) + b"0" * 300),
            ],
        )
    messages = refused.value.fields["photos"]
    assert len(messages) == 2
    assert "invoice.pdf" in messages[0]
    assert "big.png" in messages[1]
    assert not ClaimPhoto.objects.exists()
    assert not (media / "claims").exists()


def test_a_settled_claim_takes_no_more_photos(manager, media):
    parcel = make_parcel()
    claim = claims.open_claim(
        actor=manager, parcel_id=parcel.pk, kind="damaged", amount_claimed=Decimal("59")
    )
    claims.settle_claim(actor=manager, claim_id=claim.pk, paid=False, outcome_amount=None)
    with pytest.raises(InvalidClaimTransition):
        claims.add_photos(actor=manager, claim_id=claim.pk, files=[PhotoFile("a.png", png())])
