"""Product images: upload (named 货号+编号), replace, reorder, delete. Every change is
permission-checked and audited on the product, so the product's trail keeps the history of
images that no longer exist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any, Final

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from zhanggui.catalog import rules
from zhanggui.catalog.exceptions import ProductNotFound
from zhanggui.catalog.models import Product, ProductImage
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput, NotAllowed, NotFound
from zhanggui.core.models import AuditAction

MANAGE_IMAGES: Final = "catalog.manage_images"
# Taobao accepts at most 3 MB per picture; 10 MB leaves room for the shop's originals.
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
ACCEPTED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
# Far above any product photo; stops decompression bombs long before Pillow's own limit.
MAX_PIXELS: Final = 40_000_000


@dataclass(frozen=True)
class ImageFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class _Checked:
    name: str
    content: bytes
    sequence: int
    width: int
    height: int


def _require_permission(actor: Any) -> None:
    if actor is not None and not actor.has_perm(MANAGE_IMAGES):
        raise NotAllowed(_("You may not change product images."))


def _describe(name: str, width: int, height: int) -> str:
    return f"{name} {width}×{height}"


def _dimensions(content: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a real image, or None for anything else."""
    try:
        with Image.open(BytesIO(content)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                return None
            probe.verify()
        # verify() leaves the image unusable; open again for the header values.
        with Image.open(BytesIO(content)) as image:
            return (image.format or "", image.width, image.height)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _check(item_no: str, upload: ImageFile) -> _Checked | str:
    """The checked file, or the reason it is refused (naming the file)."""
    name = PurePath(upload.name).name
    sequence = rules.image_sequence(item_no, name)
    if sequence is None:
        return _(
            "%(file)s: name it item number + sequence, like %(example)s-01.jpg (01 is the main image)."
        ) % {"file": name, "example": item_no}
    if len(upload.content) > MAX_IMAGE_BYTES:
        return _("%(file)s: the file is larger than %(limit)d MB.") % {
            "file": name,
            "limit": MAX_IMAGE_BYTES // (1024 * 1024),
        }
    found = _dimensions(upload.content)
    if found is None or found[0] not in ACCEPTED_FORMATS:
        return _("%(file)s: not a JPEG, PNG, WebP or GIF image.") % {"file": name}
    _format, width, height = found
    wanted = settings.ZHANGGUI["MAIN_IMAGE_WIDTH_PX"]
    if sequence == 1 and width != wanted:
        return _(
            "%(file)s: the main image must be %(wanted)d px wide, this one is %(width)d px."
        ) % {
            "file": name,
            "wanted": wanted,
            "width": width,
        }
    return _Checked(name, upload.content, sequence, width, height)


def _check_all(item_no: str, files: Sequence[ImageFile]) -> list[_Checked]:
    problems: list[str] = []
    checked: list[_Checked] = []
    seen: dict[int, str] = {}
    for upload in files:
        result = _check(item_no, upload)
        if isinstance(result, str):
            problems.append(result)
        elif result.sequence in seen:
            problems.append(
                _("%(file)s: sequence %(sequence)d is also used by %(other)s.")
                % {"file": result.name, "sequence": result.sequence, "other": seen[result.sequence]}
            )
        else:
            seen[result.sequence] = result.name
            checked.append(result)
    if not files:
        problems.append(_("Choose at least one image."))
    if problems:
        raise InvalidInput({"images": problems})
    return checked


def _delete_file_after_commit(file_name: str | None) -> None:
    # Files are not transactional: remove the old file only once the row change is kept.
    if file_name:
        storage = ProductImage._meta.get_field("image").storage
        transaction.on_commit(lambda: storage.delete(file_name))


@transaction.atomic
def upload_images(*, actor: Any, product_id: int, files: Sequence[ImageFile]) -> list[ProductImage]:
    """Add or replace images of a product (all or nothing).

    Raises InvalidInput({"images": [...]}) with one message per refused file, each naming
    it: a wrong name, not an image, too large, or a main image of the wrong width."""
    _require_permission(actor)
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound()
    checked = _check_all(product.item_no, files)
    existing = {image.sequence: image for image in product.images.all()}
    changes: dict[str, dict[str, str | None]] = {}
    saved: list[ProductImage] = []
    for upload in checked:
        image = existing.get(upload.sequence)
        before = _describe(image.name, image.width, image.height) if image else None
        if image is None:
            image = ProductImage(product=product, sequence=upload.sequence)
        else:
            _delete_file_after_commit(image.image.name)
        image.name = upload.name
        image.image.save(upload.name, ContentFile(upload.content), save=False)
        image.width, image.height = upload.width, upload.height
        image.save()
        saved.append(image)
        after = _describe(upload.name, upload.width, upload.height)
        changes[f"image_{upload.sequence}"] = {"before": before, "after": after}
    audit.record(actor=actor, instance=product, action=AuditAction.UPDATE, changes=changes)
    return saved


def _locked_images(image_id: int) -> tuple[ProductImage, list[ProductImage]]:
    image = ProductImage.objects.filter(pk=image_id).select_related("product").first()
    if image is None:
        raise NotFound()
    siblings = list(
        ProductImage.objects.select_for_update().filter(product=image.product).order_by("sequence")
    )
    return image, siblings


@transaction.atomic
def move_image(*, actor: Any, image_id: int, direction: str) -> ProductImage:
    """Swap an image with its neighbour ("up" = earlier, "down" = later). Audited.

    Raises InvalidInput when there is no neighbour that way, or when the move would make
    an image of the wrong width the main image."""
    _require_permission(actor)
    if direction not in ("up", "down"):
        raise InvalidInput({"direction": [_("Move up or down.")]})
    image, siblings = _locked_images(image_id)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == image.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        raise InvalidInput({"direction": [_("The image cannot move further that way.")]})
    mine, other = siblings[index], siblings[other_index]
    width = settings.ZHANGGUI["MAIN_IMAGE_WIDTH_PX"]
    for coming, going_to in ((mine, other.sequence), (other, mine.sequence)):
        if going_to == 1 and coming.width != width:
            raise InvalidInput(
                {
                    "direction": [
                        _(
                            "%(file)s cannot be the main image: it is %(width)d px wide, not %(wanted)d."
                        )
                        % {"file": coming.name, "width": coming.width, "wanted": width}
                    ]
                }
            )
    first, second = mine.sequence, other.sequence
    # (product, sequence) is unique: park one image on 0 while the other takes its place.
    ProductImage.objects.filter(pk=mine.pk).update(sequence=0)
    ProductImage.objects.filter(pk=other.pk).update(sequence=first)
    ProductImage.objects.filter(pk=mine.pk).update(sequence=second)
    changes = {
        f"image_{first}": {
            "before": _describe(mine.name, mine.width, mine.height),
            "after": _describe(other.name, other.width, other.height),
        },
        f"image_{second}": {
            "before": _describe(other.name, other.width, other.height),
            "after": _describe(mine.name, mine.width, mine.height),
        },
    }
    audit.record(actor=actor, instance=image.product, action=AuditAction.UPDATE, changes=changes)
    mine.sequence = second
    return mine


@transaction.atomic
def delete_image(*, actor: Any, image_id: int) -> None:
    """Remove one image and, once committed, its file. Audited."""
    _require_permission(actor)
    image, _siblings = _locked_images(image_id)
    product, file_name = image.product, image.image.name
    before = _describe(image.name, image.width, image.height)
    image.delete()
    _delete_file_after_commit(file_name)
    audit.record(
        actor=actor,
        instance=product,
        action=AuditAction.UPDATE,
        changes={f"image_{image.sequence}": {"before": before, "after": None}},
    )
