from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhanggui.catalog import images, services
from zhanggui.catalog.images import ImageFile
from zhanggui.catalog.models import Product, ProductImage
from zhanggui.core.errors import InvalidInput, NotAllowed
from zhanggui.core.models import AuditEntry


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def product(db: Any) -> Product:
    return services.create_product(
        actor=None, data=services.ProductInput(item_no="A1001", title="春季新款")
    )


def png(width: int, height: int = 20) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _sequences(product: Product) -> list[tuple[int, str]]:
    return list(product.images.order_by("sequence").values_list("sequence", "name"))


def _image_audit(product: Product) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(object_id=str(product.pk), action="update")
    return [entry.changes for entry in entries.order_by("id")]


def test_upload_saves_main_and_detail_images_and_audits(
    manager: Any, product: Product, media: Path
) -> None:
    saved = images.upload_images(
        actor=manager,
        product_id=product.pk,
        files=[ImageFile("A1001-01.png", png(710)), ImageFile("a1001_2.png", png(300, 40))],
    )
    assert [(image.sequence, image.width, image.height) for image in saved] == [
        (1, 710, 20),
        (2, 300, 40),
    ]
    assert _sequences(product) == [(1, "A1001-01.png"), (2, "a1001_2.png")]
    assert (media / "products" / "A1001" / "A1001-01.png").read_bytes() == png(710)
    assert _image_audit(product) == [
        {
            "image_1": {"before": None, "after": "A1001-01.png 710×20"},
            "image_2": {"before": None, "after": "a1001_2.png 300×40"},
        }
    ]


def test_upload_with_a_wrong_name_names_the_file_and_saves_nothing(
    manager: Any, product: Product, media: Path
) -> None:
    with pytest.raises(InvalidInput) as error:
        images.upload_images(
            actor=manager,
            product_id=product.pk,
            files=[ImageFile("A1001-02.png", png(300)), ImageFile("photo.png", png(300))],
        )
    assert error.value.fields == {
        "images": [
            "photo.png: name it item number + sequence, like A1001-01.jpg (01 is the main image)."
        ]
    }
    assert _sequences(product) == []
    assert not (media / "products").exists()
    assert _image_audit(product) == []


def test_upload_of_a_main_image_of_the_wrong_width_names_file_and_width(
    manager: Any, product: Product
) -> None:
    with pytest.raises(InvalidInput) as error:
        images.upload_images(
            actor=manager, product_id=product.pk, files=[ImageFile("A1001-1.png", png(700))]
        )
    assert error.value.fields == {
        "images": ["A1001-1.png: the main image must be 710 px wide, this one is 700 px."]
    }
    assert _sequences(product) == []


def test_main_image_width_follows_the_setting(
    manager: Any, product: Product, settings: Any
) -> None:
    settings.ZHANGGUI = {**settings.ZHANGGUI, "MAIN_IMAGE_WIDTH_PX": 800}
    images.upload_images(
        actor=manager, product_id=product.pk, files=[ImageFile("A1001-1.png", png(800))]
    )
    assert _sequences(product) == [(1, "A1001-1.png")]


def test_upload_of_something_that_is_not_an_image_is_refused(
    manager: Any, product: Product
) -> None:
    with pytest.raises(InvalidInput) as error:
        images.upload_images(
            actor=manager,
            product_id=product.pk,
            files=[ImageFile("A1001-03.jpg", b"<html>not a picture</html>")],
        )
    assert error.value.fields == {"images": ["A1001-03.jpg: not a JPEG, PNG, WebP or GIF image."]}
    assert _sequences(product) == []


def test_upload_of_a_truncated_image_is_refused(manager: Any, product: Product) -> None:
    broken = png(300)[:60]
    with pytest.raises(InvalidInput):
        images.upload_images(
            actor=manager, product_id=product.pk, files=[ImageFile("A1001-03.png", broken)]
        )
    assert _sequences(product) == []


def test_upload_over_the_size_cap_is_refused(
    manager: Any, product: Product, monkeypatch: Any
) -> None:
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 100)
    with pytest.raises(InvalidInput) as error:
        images.upload_images(
            actor=manager, product_id=product.pk, files=[ImageFile("A1001-03.png", png(300))]
        )
    assert error.value.fields == {"images": ["A1001-03.png: the file is larger than 0 MB."]}


def test_two_files_with_the_same_sequence_are_refused(manager: Any, product: Product) -> None:
    with pytest.raises(InvalidInput) as error:
        images.upload_images(
            actor=manager,
            product_id=product.pk,
            files=[ImageFile("A1001-02.png", png(300)), ImageFile("A1001_2.png", png(300))],
        )
    assert error.value.fields == {
        "images": ["A1001_2.png: sequence 2 is also used by A1001-02.png."]
    }
    assert _sequences(product) == []


def test_upload_with_an_existing_sequence_replaces_that_image(
    manager: Any, product: Product
) -> None:
    images.upload_images(
        actor=manager, product_id=product.pk, files=[ImageFile("A1001-02.png", png(300))]
    )
    first_id = product.images.get().pk
    images.upload_images(
        actor=manager, product_id=product.pk, files=[ImageFile("A1001-2.png", png(500))]
    )
    image = product.images.get()
    assert (image.pk, image.sequence, image.name, image.width) == (first_id, 2, "A1001-2.png", 500)
    assert _image_audit(product)[-1] == {
        "image_2": {"before": "A1001-02.png 300×20", "after": "A1001-2.png 500×20"}
    }


def test_warehouse_may_not_upload_images(make_user: Any, product: Product) -> None:
    with pytest.raises(NotAllowed):
        images.upload_images(
            actor=make_user("warehouse"),
            product_id=product.pk,
            files=[ImageFile("A1001-02.png", png(300))],
        )
    assert _sequences(product) == []


@pytest.fixture
def three_images(manager: Any, product: Product) -> list[ProductImage]:
    return images.upload_images(
        actor=manager,
        product_id=product.pk,
        files=[
            ImageFile("A1001-01.png", png(710)),
            ImageFile("A1001-02.png", png(710)),
            ImageFile("A1001-03.png", png(300)),
        ],
    )


def test_move_down_swaps_with_the_next_image_and_audits(
    manager: Any, product: Product, three_images: list[ProductImage]
) -> None:
    images.move_image(actor=manager, image_id=three_images[0].pk, direction="down")
    assert _sequences(product) == [(1, "A1001-02.png"), (2, "A1001-01.png"), (3, "A1001-03.png")]
    assert _image_audit(product)[-1] == {
        "image_1": {"before": "A1001-01.png 710×20", "after": "A1001-02.png 710×20"},
        "image_2": {"before": "A1001-02.png 710×20", "after": "A1001-01.png 710×20"},
    }


def test_move_up_at_the_top_is_refused(
    manager: Any, product: Product, three_images: list[ProductImage]
) -> None:
    with pytest.raises(InvalidInput):
        images.move_image(actor=manager, image_id=three_images[0].pk, direction="up")
    assert _sequences(product)[0] == (1, "A1001-01.png")


def test_an_image_of_the_wrong_width_cannot_become_the_main_image(
    manager: Any, product: Product, three_images: list[ProductImage]
) -> None:
    images.move_image(actor=manager, image_id=three_images[2].pk, direction="up")
    with pytest.raises(InvalidInput) as error:
        images.move_image(actor=manager, image_id=three_images[2].pk, direction="up")
    assert error.value.fields == {
        "direction": ["A1001-03.png cannot be the main image: it is 300 px wide, not 710."]
    }
    assert _sequences(product) == [(1, "A1001-01.png"), (2, "A1001-03.png"), (3, "A1001-02.png")]


def test_delete_removes_the_image_and_audits_it(
    manager: Any, product: Product, three_images: list[ProductImage]
) -> None:
    images.delete_image(actor=manager, image_id=three_images[1].pk)
    assert _sequences(product) == [(1, "A1001-01.png"), (3, "A1001-03.png")]
    assert _image_audit(product)[-1] == {
        "image_2": {"before": "A1001-02.png 710×20", "after": None}
    }


def test_delete_removes_the_file_once_committed(
    manager: Any,
    product: Product,
    three_images: list[ProductImage],
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    path = media / "products" / "A1001" / "A1001-02.png"
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        images.delete_image(actor=manager, image_id=three_images[1].pk)
    assert not path.exists()


def test_upload_page_saves_several_files(client_for: Any, product: Product) -> None:
    client = client_for("designer")
    files = [
        SimpleUploadedFile("A1001-01.png", png(710), content_type="image/png"),
        SimpleUploadedFile("A1001-02.png", png(300), content_type="image/png"),
    ]
    response = client.post("/catalog/products/A1001/images/", {"images": files})
    assert response.status_code == 302
    assert response.url == "/catalog/products/A1001/#images"
    assert _sequences(product) == [(1, "A1001-01.png"), (2, "A1001-02.png")]
    page = client.get("/catalog/products/A1001/").content.decode()
    assert "Images saved: A1001-01.png, A1001-02.png" in page
    assert 'src="/media/products/A1001/A1001-01.png"' in page


def test_upload_page_shows_why_a_file_was_refused(client_for: Any, product: Product) -> None:
    client = client_for("designer")
    upload = SimpleUploadedFile("A1001-01.png", png(640), content_type="image/png")
    client.post("/catalog/products/A1001/images/", {"images": [upload]})
    page = client.get("/catalog/products/A1001/").content.decode()
    assert "A1001-01.png: the main image must be 710 px wide, this one is 640 px." in page
    assert _sequences(product) == []


def test_move_and_delete_buttons_work_from_the_page(
    client_for: Any, product: Product, three_images: list[ProductImage]
) -> None:
    client = client_for("editor")
    client.post(f"/catalog/images/{three_images[1].pk}/move/", {"direction": "up"})
    assert _sequences(product)[:2] == [(1, "A1001-02.png"), (2, "A1001-01.png")]
    client.post(f"/catalog/images/{three_images[2].pk}/delete/")
    assert _sequences(product) == [(1, "A1001-02.png"), (2, "A1001-01.png")]
