from __future__ import annotations

import pytest

from zhanggui.catalog import services
from zhanggui.catalog.models import Sku

PRODUCTS = "/api/v1/products/"
SKUS = "/api/v1/skus/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def product(db):
    return services.create_product(
        actor=None,
        data=services.ProductInput(
            item_no="A1001.v2", title="春季新款纯棉T恤女短袖", category="T恤"
        ),
        skus=[
            services.SkuInput(
                merchant_code="A1001-BK-M", color="黑色", size="M", price="59", cost_price="21.5"
            ),
            services.SkuInput(merchant_code="A1001-BK-L", color="黑色", size="L", price="59.00"),
        ],
    )


@pytest.fixture
def manager_api(api_client_for):
    return api_client_for("manager")


def test_create_sku_returns_it_with_generated_barcode(manager_api, product):
    response = manager_api.post(
        SKUS,
        {
            "merchant_code": "A1001-WH-M",
            "product": "A1001.v2",
            "price": "59",
            "color": "白色",
            "size": "M",
            "weight_g": 180,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["merchant_code"], body["product"], body["price"]) == (
        "A1001-WH-M",
        "A1001.v2",
        "59.00",
    )
    assert (body["color"], body["size"], body["weight_g"], body["is_active"]) == (
        "白色",
        "M",
        180,
        True,
    )
    assert len(body["barcode"]) == 13


def test_create_sku_missing_fields_is_400_naming_them(manager_api, product):
    response = manager_api.post(SKUS, {"color": "白色"}, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["merchant_code", "price", "product"]
    assert Sku.objects.count() == 2


def test_create_sku_unknown_product_is_400_naming_product(manager_api, product):
    response = manager_api.post(
        SKUS, {"merchant_code": "X-1", "product": "NOPE", "price": "1"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["product"]


def test_create_sku_negative_price_is_400_from_service(manager_api, product):
    response = manager_api.post(
        SKUS, {"merchant_code": "X-1", "product": "A1001.v2", "price": "-1"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["price"]
    assert Sku.objects.count() == 2


def test_create_sku_duplicate_merchant_code_is_409(manager_api, product):
    response = manager_api.post(
        SKUS,
        {"merchant_code": "A1001-BK-M", "product": "A1001.v2", "price": "1", "size": "XL"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate"
    assert Sku.objects.count() == 2


def test_create_sku_with_cost_without_change_cost_is_403(api_client_for, product):
    response = api_client_for("editor").post(
        SKUS,
        {"merchant_code": "X-1", "product": "A1001.v2", "price": "1", "cost_price": "0.50"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert not Sku.objects.filter(merchant_code="X-1").exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"merchant_code": "A1001-BK-M"}, ["A1001-BK-M"]),
        ({"product": "A1001.v2"}, ["A1001-BK-L", "A1001-BK-M"]),
        ({"product": "B-2"}, ["B-2-S"]),
        ({"barcode": "6901234567892"}, ["B-2-S"]),
        ({}, ["A1001-BK-L", "A1001-BK-M", "B-2-S"]),
    ],
)
def test_sku_list_filters(manager_api, product, params, expected):
    services.create_product(
        actor=None,
        data=services.ProductInput(item_no="B-2", title="袜子"),
        skus=[services.SkuInput(merchant_code="B-2-S", price="9", barcode="6901234567892")],
    )
    body = manager_api.get(SKUS, params).json()
    assert sorted(item["merchant_code"] for item in body["results"]) == expected


def test_sku_detail_by_merchant_code_with_slash_and_dot(manager_api, product):
    services.create_sku(
        actor=None,
        product_id=product.pk,
        data=services.SkuInput(merchant_code="A1001/WH.XL", size="XL", price="1"),
    )
    response = manager_api.get(f"{SKUS}A1001/WH.XL/")
    assert response.status_code == 200
    assert response.json()["merchant_code"] == "A1001/WH.XL"


@pytest.mark.parametrize("role", ["warehouse", "cs_presale", "designer", "editor", "promotion"])
def test_cost_is_hidden_from_roles_without_view_cost(api_client_for, product, role):
    client = api_client_for(role)
    assert "cost_price" not in client.get(f"{SKUS}A1001-BK-M/").json()
    assert "cost_price" not in client.get(SKUS).json()["results"][0]
    assert "cost_price" not in client.get(f"{PRODUCTS}A1001.v2/").json()["skus"][0]


@pytest.mark.parametrize("role", ["manager", "buyer", "finance", "analyst"])
def test_cost_is_shown_to_roles_with_view_cost(api_client_for, product, role):
    assert api_client_for(role).get(f"{SKUS}A1001-BK-M/").json()["cost_price"] == "21.50"


def test_warehouse_patches_weight(api_client_for, product):
    response = api_client_for("warehouse").patch(
        f"{SKUS}A1001-BK-M/", {"weight_g": 210}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["weight_g"] == 210
    assert Sku.objects.get(merchant_code="A1001-BK-M").weight_g == 210


def test_warehouse_cannot_guess_cost_by_patching_the_same_value(api_client_for, product):
    response = api_client_for("warehouse").patch(
        f"{SKUS}A1001-BK-M/", {"cost_price": "21.50", "weight_g": 5}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert Sku.objects.get(merchant_code="A1001-BK-M").weight_g is None


def test_patch_sku_merchant_code_answers_under_the_new_code(manager_api, product):
    response = manager_api.patch(
        f"{SKUS}A1001-BK-M/", {"merchant_code": "A1001-BK-M2"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["merchant_code"] == "A1001-BK-M2"
    assert manager_api.get(f"{SKUS}A1001-BK-M2/").status_code == 200


def test_patch_sku_cannot_move_it_to_another_product(manager_api, product):
    response = manager_api.patch(f"{SKUS}A1001-BK-M/", {"product": "OTHER"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["product"]


def test_patch_sku_duplicate_barcode_is_409(manager_api, product):
    other = Sku.objects.get(merchant_code="A1001-BK-L")
    response = manager_api.patch(f"{SKUS}A1001-BK-M/", {"barcode": other.barcode}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate"
