"""Claims (索赔) on the courier for lost or damaged parcels, DOMAIN.md §6: keep the stub and
the trade record, claim compensation. A claim names the handover stub, links the order,
holds photos, and moves open -> submitted -> paid / refused with its outcome. Opening one
makes the parcel lost or damaged and marks it for deduction from the monthly bill. Every
change is audited on the claim."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import PurePath
from typing import Any, Final

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from zhanggui.core import audit
from zhanggui.core.errors import Conflict, InvalidInput, NotFound
from zhanggui.core.models import AuditAction
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.models_after import (
    UNSETTLED_CLAIM_STATUSES,
    Claim,
    ClaimKind,
    ClaimPhoto,
    ClaimStatus,
)
from zhanggui.fulfillment.services.tracking import ParcelNotFound

MAX_PHOTO_BYTES: Final = 5 * 1024 * 1024
MAX_PHOTOS_PER_CLAIM: Final = 20
MAX_PIXELS: Final = 40_000_000  # stops decompression bombs well before Pillow's own limit
PHOTO_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_AMOUNT: Final = Decimal("100000")
# Lost: anything that left and has not arrived. Damaged: also found on delivery.
CLAIMABLE: Final[dict[str, frozenset[str]]] = {
    ClaimKind.LOST: frozenset(
        {
            ParcelStatus.SHIPPED,
            ParcelStatus.IN_TRANSIT,
            ParcelStatus.PROBLEM,
            ParcelStatus.UNDELIVERABLE,
        }
    ),
    ClaimKind.DAMAGED: frozenset(
        {
            ParcelStatus.SHIPPED,
            ParcelStatus.IN_TRANSIT,
            ParcelStatus.PROBLEM,
            ParcelStatus.UNDELIVERABLE,
            ParcelStatus.DELIVERED,
        }
    ),
}
TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    ClaimStatus.OPEN: frozenset({ClaimStatus.SUBMITTED, ClaimStatus.PAID, ClaimStatus.REFUSED}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.PAID, ClaimStatus.REFUSED}),
    ClaimStatus.PAID: frozenset(),
    ClaimStatus.REFUSED: frozenset(),
}
CLAIM_FIELDS: Final = ("kind", "status", "amount_claimed", "handover", "description")


class ClaimNotFound(NotFound):
    code = "claim_not_found"
    default_message = gettext_lazy("No such claim.")


class ParcelNotClaimable(Conflict):
    code = "parcel_not_claimable"
    default_message = gettext_lazy("This parcel cannot be claimed for.")


class InvalidClaimTransition(Conflict):
    code = "invalid_transition"
    default_message = gettext_lazy("The claim cannot move to that status.")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_amount(name: str, value: Decimal, *, positive: bool = False) -> None:
    if value < 0 or value >= MAX_AMOUNT or (positive and value == 0):
        message = (
            _("Enter an amount above 0 and below 100,000.")
            if positive
            else _("Enter an amount from 0 to below 100,000.")
        )
        raise InvalidInput({name: [message]})
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput({name: [_("At most two decimals (fen).")]})


@transaction.atomic
def open_claim(
    *, actor: Any, parcel_id: int, kind: str, amount_claimed: Decimal, description: str = ""
) -> Claim:
    """Open a claim for a lost or damaged parcel: the parcel becomes lost/damaged and is
    marked for deduction from the monthly bill; the claim keeps the parcel's handover (the
    stub). Raises ParcelNotClaimable when the parcel has not left us, is cancelled, or has
    an unsettled claim already."""
    if kind not in CLAIMABLE:
        raise InvalidInput({"kind": [_("Lost or damaged.")]})
    _check_amount("amount_claimed", amount_claimed)
    parcel = Parcel.objects.select_for_update().filter(pk=parcel_id).first()
    if parcel is None:
        raise ParcelNotFound()
    if parcel.claims.filter(status__in=UNSETTLED_CLAIM_STATUSES).exists():
        raise ParcelNotClaimable(_("This parcel has an open claim already."))
    if parcel.status not in CLAIMABLE[kind]:
        raise ParcelNotClaimable(
            _("A parcel that is %(status)s cannot be claimed as %(kind)s.")
            % {"status": parcel.get_status_display(), "kind": ClaimKind(kind).label}
        )
    claim = Claim.objects.create(
        parcel=parcel,
        kind=kind,
        amount_claimed=amount_claimed,
        description=description.strip(),
        handover_id=parcel.handover_id,
        created_by=_user(actor),
    )
    audit.record_creation(actor=actor, instance=claim, fields=CLAIM_FIELDS)
    before = audit.snapshot(parcel, ("status", "deduct_from_bill"))
    parcel.status, parcel.deduct_from_bill = kind, True
    parcel.save(update_fields=["status", "deduct_from_bill", "updated_at"])
    audit.record(
        actor=actor,
        instance=parcel,
        action=AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(parcel, ("status", "deduct_from_bill"))),
        note=_("Claim #%(number)d opened") % {"number": claim.pk},
    )
    return claim


def _move(actor: Any, claim_id: int, to: ClaimStatus, note: str = "", **fields: Any) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise ClaimNotFound()
    if to not in TRANSITIONS[claim.status]:
        raise InvalidClaimTransition(
            _("A claim that is %(status)s cannot become %(to)s.")
            % {"status": claim.get_status_display(), "to": to.label}
        )
    names = ("status", *fields)
    before = audit.snapshot(claim, names)
    updated = Claim.objects.filter(pk=claim.pk, status=claim.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if updated != 1:  # pragma: no cover (the row is locked above)
        raise InvalidClaimTransition()
    claim.refresh_from_db()
    audit.record(
        actor=actor,
        instance=claim,
        action=AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(claim, names)),
        note=note,
    )
    return claim


@transaction.atomic
def submit_claim(*, actor: Any, claim_id: int, note: str = "") -> Claim:
    """The claim was handed to the courier (with the stub, the order record, the photos)."""
    return _move(actor, claim_id, ClaimStatus.SUBMITTED, note, submitted_at=timezone.now())


@transaction.atomic
def settle_claim(
    *, actor: Any, claim_id: int, paid: bool, outcome_amount: Decimal | None, note: str = ""
) -> Claim:
    """The courier's answer: paid (the amount received, above 0) or refused (0). The parcel
    stays lost/damaged and marked for deduction either way."""
    if paid:
        if outcome_amount is None:
            raise InvalidInput({"outcome_amount": [_("Enter the amount received.")]})
        _check_amount("outcome_amount", outcome_amount, positive=True)
    amount = outcome_amount if paid and outcome_amount is not None else Decimal("0.00")
    return _move(
        actor,
        claim_id,
        ClaimStatus.PAID if paid else ClaimStatus.REFUSED,
        note,
        outcome_amount=amount,
        outcome_note=note.strip()[:255],
        settled_at=timezone.now(),
        settled_by=_user(actor),
    )


# ---------------------------------------------------------------- photos


@dataclass(frozen=True)
class PhotoFile:
    name: str
    content: bytes


def _check_photo(upload: PhotoFile) -> tuple[int, int] | str:
    name = PurePath(upload.name).name or "photo"
    if len(upload.content) > MAX_PHOTO_BYTES:
        return _("%(file)s: the file is larger than %(limit)d MB.") % {
            "file": name,
            "limit": MAX_PHOTO_BYTES // (1024 * 1024),
        }
    image_format, size = "", (0, 0)
    try:
        with Image.open(BytesIO(upload.content)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValueError("too many pixels")
            image_format = probe.format or ""
            size = (probe.width, probe.height)
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        image_format = ""
    if image_format not in PHOTO_FORMATS:
        return _("%(file)s: not a JPEG, PNG, WebP or GIF image.") % {"file": name}
    return size


@transaction.atomic
def add_photos(*, actor: Any, claim_id: int, files: Sequence[PhotoFile]) -> list[ClaimPhoto]:
    """Add photos to an unsettled claim (images only, 5 MB each, 20 per claim; all or
    nothing). Raises InvalidInput({"photos": [...]}) with one message per refused file."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise ClaimNotFound()
    if claim.status not in UNSETTLED_CLAIM_STATUSES:
        raise InvalidClaimTransition(_("The claim is settled; no more photos."))
    problems: list[str] = [] if files else [_("Choose at least one photo.")]
    sizes: list[tuple[int, int]] = []
    for upload in files:
        checked = _check_photo(upload)
        if isinstance(checked, str):
            problems.append(checked)
        else:
            sizes.append(checked)
    if claim.photos.count() + len(files) > MAX_PHOTOS_PER_CLAIM:
        problems.append(
            _("A claim holds at most %(limit)d photos.") % {"limit": MAX_PHOTOS_PER_CLAIM}
        )
    if problems:
        raise InvalidInput({"photos": problems})
    saved: list[ClaimPhoto] = []
    try:
        for upload, (width, height) in zip(files, sizes, strict=True):
            name = PurePath(upload.name).name[:120] or "photo"
            photo = ClaimPhoto(
                claim=claim, name=name, size_bytes=len(upload.content), uploaded_by=_user(actor)
            )
            photo.image.save(name, ContentFile(upload.content), save=False)
            photo.width, photo.height = width, height
            photo.save()
            saved.append(photo)
    except Exception:
        # Files are not transactional: remove what was written before the rollback.
        for photo in saved:
            photo.image.storage.delete(photo.image.name or "")
        raise
    audit.record(
        actor=actor,
        instance=claim,
        action=AuditAction.UPDATE,
        changes={"photos": {"before": None, "after": ", ".join(p.name for p in saved)}},
    )
    return saved


def get_claim(claim_id: int) -> Claim:
    claim = (
        Claim.objects.select_related(
            "parcel", "parcel__order", "parcel__courier", "handover", "created_by", "settled_by"
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise ClaimNotFound()
    return claim


def count_unsettled_claims() -> int:
    return Claim.objects.filter(status__in=UNSETTLED_CLAIM_STATUSES).count()
