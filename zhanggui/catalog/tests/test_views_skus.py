from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhanggui.catalog import services
from zhanggui.catalog.models import Listing, Product, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.models import AuditEntry


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    # Many logins per module: the production password hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def product(db: Any) -> Product:
    return services.create_product(
        actor=None,
        data=services.ProductInput(item_no="A-1", title="春季新款纯棉T恤"),
        skus=[
            services.SkuInput(merchant_code="A-1-M", size="M", price="59", cost_price="20.50"),
        ],
    )


@pytest.fixture
def sku(product: Product) -> Sku:
    return product.skus.get()


def _edit_data(sku: Sku, **changes: str) -> dict[str, str]:
    data = {
        "color": sku.color,
        "size": sku.size,
        "merchant_code": sku.merchant_code,
        "barcode": sku.barcode or "",
        "price": f"{sku.price}",
        "vip_price": "",
        "cost_price": f"{sku.cost_price}",
        "weight_g": "",
        "is_active": "on",
    }
    return {**data, **changes}


def _sku_updates() -> list[dict[str, Any]]:
    return [entry.changes for entry in AuditEntry.objects.filter(action="update")]


def test_editor_cannot_see_the_cost_on_sku_edit(client_for: Any, sku: Sku) -> None:
    response = client_for("editor").get(f"/catalog/skus/{sku.pk}/edit/")
    assert response.status_code == 200
    assert "cost_price" not in response.context["form"].fields
    assert "20.50" not in response.content.decode()


def test_editor_posting_a_cost_changes_nothing(client_for: Any, sku: Sku) -> None:
    data = _edit_data(sku, cost_price="1.00", weight_g="200")
    response = client_for("editor").post(f"/catalog/skus/{sku.pk}/edit/", data)
    assert response.status_code == 302
    sku.refresh_from_db()
    assert (sku.cost_price, sku.weight_g) == (Decimal("20.50"), 200)
    assert _sku_updates() == [{"weight_g": {"before": None, "after": "200"}}]


def test_warehouse_sees_prices_read_only_and_no_cost(client_for: Any, sku: Sku) -> None:
    form = client_for("warehouse").get(f"/catalog/skus/{sku.pk}/edit/").context["form"]
    assert form.fields["price"].disabled
    assert form.fields["vip_price"].disabled
    assert "cost_price" not in form.fields
    assert not form.fields["weight_g"].disabled


def test_warehouse_posting_a_price_keeps_the_old_price(client_for: Any, sku: Sku) -> None:
    data = _edit_data(sku, price="1.00", weight_g="180")
    response = client_for("warehouse").post(f"/catalog/skus/{sku.pk}/edit/", data)
    assert response.status_code == 302
    sku.refresh_from_db()
    assert (sku.price, sku.weight_g) == (Decimal("59.00"), 180)
    assert _sku_updates() == [{"weight_g": {"before": None, "after": "180"}}]


def test_buyer_sees_and_changes_the_cost(client_for: Any, sku: Sku) -> None:
    client = client_for("buyer")
    form = client.get(f"/catalog/skus/{sku.pk}/edit/").context["form"]
    assert not form.fields["cost_price"].disabled
    assert form.fields["price"].disabled
    response = client.post(f"/catalog/skus/{sku.pk}/edit/", _edit_data(sku, cost_price="18"))
    assert response.status_code == 302
    sku.refresh_from_db()
    assert sku.cost_price == Decimal("18.00")
    assert _sku_updates() == [{"cost_price": {"before": "20.50", "after": "18.00"}}]


def test_analyst_would_see_the_cost_read_only(make_user: Any, sku: Sku) -> None:
    from zhanggui.catalog.forms import SkuEditForm, sku_initial

    form = SkuEditForm(initial=sku_initial(sku), user=make_user("analyst"))
    assert form.fields["cost_price"].disabled


def test_sku_edit_without_changes_records_nothing(client_for: Any, sku: Sku) -> None:
    response = client_for("manager").post(f"/catalog/skus/{sku.pk}/edit/", _edit_data(sku))
    assert response.status_code == 302
    assert _sku_updates() == []


def test_sku_edit_with_a_bad_price_shows_the_error_and_saves_nothing(
    client_for: Any, sku: Sku
) -> None:
    response = client_for("manager").post(
        f"/catalog/skus/{sku.pk}/edit/", _edit_data(sku, price="abc", weight_g="100")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "price": ["Enter an amount in yuan, not negative, like 59.00."]
    }
    sku.refresh_from_db()
    assert (sku.price, sku.weight_g) == (Decimal("59.00"), None)


def test_add_sku_to_an_existing_product(client_for: Any, product: Product) -> None:
    response = client_for("editor").post(
        "/catalog/products/A-1/skus/new/",
        {"color": "黑色", "size": "L", "merchant_code": "A-1-BK-L", "price": "69"},
    )
    assert response.status_code == 302
    added = product.skus.get(merchant_code="A-1-BK-L")
    assert (added.color, added.size, added.price) == ("黑色", "L", Decimal("69.00"))
    assert AuditEntry.objects.filter(action="create", object_repr="A-1-BK-L").count() == 1


def test_add_sku_with_a_taken_merchant_code_marks_the_field(
    client_for: Any, product: Product
) -> None:
    response = client_for("editor").post(
        "/catalog/products/A-1/skus/new/", {"size": "L", "merchant_code": "A-1-M", "price": "69"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "merchant_code": ["Merchant code A-1-M already exists."]
    }
    assert product.skus.count() == 1


def test_add_sku_with_a_taken_colour_and_size_marks_the_size(
    client_for: Any, product: Product
) -> None:
    response = client_for("editor").post(
        "/catalog/products/A-1/skus/new/", {"size": "M", "merchant_code": "A-1-M2", "price": "69"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["size"]
    assert product.skus.count() == 1


def test_listing_status_is_set_per_shop(client_for: Any, product: Product) -> None:
    taobao = Shop.objects.create(channel="taobao", code="tb", name="淘宝店")
    jd = Shop.objects.create(channel="jd", code="jd", name="京东店")
    client = client_for("editor")
    response = client.post("/catalog/products/A-1/listings/", {"shop": jd.pk, "status": "on_sale"})
    assert response.status_code == 302
    assert response.url == "/catalog/products/A-1/#listings"
    assert list(Listing.objects.values_list("shop__code", "status")) == [("jd", "on_sale")]
    client.post("/catalog/products/A-1/listings/", {"shop": jd.pk, "status": "sold_out"})
    assert Listing.objects.get(shop=jd).status == "sold_out"
    assert not Listing.objects.filter(shop=taobao).exists()


def test_listing_status_with_an_unknown_status_changes_nothing(
    client_for: Any, product: Product
) -> None:
    shop = Shop.objects.create(channel="taobao", code="tb", name="淘宝店")
    response = client_for("editor").post(
        "/catalog/products/A-1/listings/", {"shop": shop.pk, "status": "gone"}
    )
    assert response.status_code == 302
    assert not Listing.objects.exists()


def test_sku_list_queue_shows_skus_without_weight(client_for: Any, product: Product) -> None:
    services.create_sku(
        actor=None,
        product_id=product.pk,
        data=services.SkuInput(merchant_code="A-1-L", size="L", price="59", weight_g="200"),
    )
    response = client_for("warehouse").get("/catalog/skus/", {"missing": "weight"})
    assert [sku.merchant_code for sku in response.context["skus"]] == ["A-1-M"]


def test_sku_list_cost_queue_is_ignored_without_view_cost(
    client_for: Any, product: Product
) -> None:
    services.create_sku(
        actor=None,
        product_id=product.pk,
        data=services.SkuInput(merchant_code="A-1-L", size="L", price="59"),
    )
    warehouse = client_for("warehouse").get("/catalog/skus/", {"missing": "cost"})
    assert [sku.merchant_code for sku in warehouse.context["skus"]] == ["A-1-L", "A-1-M"]
    assert "20.50" not in warehouse.content.decode()


def test_sku_list_cost_queue_for_a_buyer(client_for: Any, product: Product) -> None:
    services.create_sku(
        actor=None,
        product_id=product.pk,
        data=services.SkuInput(merchant_code="A-1-L", size="L", price="59"),
    )
    buyer = client_for("buyer").get("/catalog/skus/", {"missing": "cost"})
    assert [sku.merchant_code for sku in buyer.context["skus"]] == ["A-1-L"]
