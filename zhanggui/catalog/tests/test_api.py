from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from zhanggui.catalog import services
from zhanggui.catalog.models import Product, Sku
from zhanggui.core.audit import entries_for

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


# --- products: reading ---------------------------------------------------------------------


def test_product_list_is_paged(manager_api, product):
    response = manager_api.get(PRODUCTS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["next"] is None
    assert [item["item_no"] for item in body["results"]] == ["A1001.v2"]


def test_product_list_pages_by_page_size(manager_api, db):
    for number in range(3):
        services.create_product(
            actor=None, data=services.ProductInput(item_no=f"P{number}", title=f"款{number}")
        )
    body = manager_api.get(PRODUCTS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("/api/v1/products/?page=2&page_size=2")


def test_product_detail_renders_every_field(manager_api, product):
    response = manager_api.get(f"{PRODUCTS}A1001.v2/")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("item_no", "title", "category", "product_line")} == {
        "item_no": "A1001.v2",
        "title": "春季新款纯棉T恤女短袖",
        "category": "T恤",
        "product_line": "profit",
    }
    assert body["is_hero"] is False
    assert body["description"] == ""
    assert [sku["merchant_code"] for sku in body["skus"]] == ["A1001-BK-L", "A1001-BK-M"]


def test_times_are_iso_8601_in_shanghai_time(manager_api, product):
    body = manager_api.get(f"{PRODUCTS}A1001.v2/").json()
    assert body["created_at"].endswith("+08:00")
    assert body["skus"][0]["updated_at"].endswith("+08:00")


def test_money_is_a_string_with_two_places(manager_api, product):
    body = manager_api.get(f"{SKUS}A1001-BK-M/").json()
    assert body["price"] == "59.00"
    assert body["cost_price"] == "21.50"
    assert body["vip_price"] is None


def test_product_detail_unknown_item_no_is_json_404(manager_api, product):
    response = manager_api.get(f"{PRODUCTS}NOPE-1/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "hero"}, ["H-1"]),
        ({"q": "p-2"}, ["P-2"]),
        ({"item_no": "P-2"}, ["P-2"]),
        ({"item_no": "P"}, []),
        ({"product_line": "traffic"}, ["P-2"]),
        ({"is_hero": "true"}, ["H-1"]),
        ({"is_hero": "false"}, ["P-2", "P-1"]),
        ({"product_line": ""}, ["P-2", "H-1", "P-1"]),
    ],
)
def test_product_list_filters(manager_api, params, expected):
    for item_no, title, line, hero in [
        ("P-1", "Plain tee", "profit", False),
        ("H-1", "Hero jacket", "promo", True),
        ("P-2", "Cheap socks", "traffic", False),
    ]:
        services.create_product(
            actor=None,
            data=services.ProductInput(
                item_no=item_no, title=title, product_line=line, is_hero=hero
            ),
        )
    body = manager_api.get(PRODUCTS, params).json()
    assert [item["item_no"] for item in body["results"]] == expected


def test_product_list_bad_filter_value_is_400_naming_it(manager_api, product):
    response = manager_api.get(PRODUCTS, {"product_line": "luxury"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert list(body["fields"]) == ["product_line"]


@pytest.mark.parametrize(("url", "queries"), [(PRODUCTS, 6), (SKUS, 5)])
def test_list_query_count_does_not_grow_with_rows(
    manager_api, db, django_assert_num_queries, url, queries
):
    for number in range(5):
        services.create_product(
            actor=None,
            data=services.ProductInput(item_no=f"Q{number}", title="款"),
            skus=[services.SkuInput(merchant_code=f"Q{number}-1", price="1")],
        )
    # token + user's and groups' permissions (2) + count + rows (+ the products' SKUs)
    with django_assert_num_queries(queries):
        response = manager_api.get(url)
    assert response.json()["count"] == 5


# --- products: writing ---------------------------------------------------------------------


def test_create_product_with_required_fields_uses_defaults(manager_api):
    response = manager_api.post(PRODUCTS, {"item_no": "N-1", "title": "新款"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["item_no"], body["title"], body["category"]) == ("N-1", "新款", None)
    assert (body["product_line"], body["is_hero"], body["description"], body["skus"]) == (
        "profit",
        False,
        "",
        [],
    )
    product = Product.objects.get(item_no="N-1")
    entry = entries_for(product).get(action="create")
    assert entry.actor.username == "manager-1"


def test_create_product_with_nested_skus(manager_api):
    response = manager_api.post(
        PRODUCTS,
        {
            "item_no": "N-2",
            "title": "新款",
            "category": "衬衫",
            "product_line": "promo",
            "is_hero": True,
            "skus": [
                {"merchant_code": "N-2-M", "size": "M", "price": "79.9"},
                {"merchant_code": "N-2-L", "size": "L", "price": 79, "cost_price": "30"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["category"], body["product_line"], body["is_hero"]) == ("衬衫", "promo", True)
    assert {sku["merchant_code"]: sku["price"] for sku in body["skus"]} == {
        "N-2-M": "79.90",
        "N-2-L": "79.00",
    }
    assert Sku.objects.get(merchant_code="N-2-L").cost_price == Decimal("30.00")


def test_create_product_missing_fields_is_400_naming_them(manager_api):
    response = manager_api.post(PRODUCTS, {"description": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert sorted(body["fields"]) == ["item_no", "title"]
    assert not Product.objects.exists()


def test_create_product_rule_breach_from_service_is_400_naming_field(manager_api):
    response = manager_api.post(PRODUCTS, {"item_no": "N-3", "title": "长" * 31}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert list(body["fields"]) == ["title"]
    assert body["detail"].startswith("title: ")
    assert not Product.objects.exists()


def test_create_product_bad_nested_sku_names_its_index(manager_api):
    response = manager_api.post(
        PRODUCTS,
        {
            "item_no": "N-4",
            "title": "新款",
            "skus": [{"merchant_code": "N-4-M", "price": "1"}, {"merchant_code": "N-4-L"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["skus[1].price"]
    assert not Product.objects.exists()


def test_create_product_nested_sku_rule_breach_names_its_index(manager_api):
    response = manager_api.post(
        PRODUCTS,
        {"item_no": "N-5", "title": "新款", "skus": [{"merchant_code": "has space", "price": "1"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["skus[0].merchant_code"]
    assert not Product.objects.exists()


def test_create_product_duplicate_item_no_is_409(manager_api, product):
    response = manager_api.post(PRODUCTS, {"item_no": "A1001.v2", "title": "again"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate"
    assert Product.objects.count() == 1


def test_patch_product_changes_only_given_fields(manager_api, product):
    response = manager_api.patch(
        f"{PRODUCTS}A1001.v2/", {"title": "夏季款", "is_hero": True}, format="json"
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.title, product.is_hero, product.category.name) == ("夏季款", True, "T恤")
    entry = entries_for(product).get(action="update")
    assert entry.changes["title"] == {"before": "春季新款纯棉T恤女短袖", "after": "夏季款"}


def test_patch_product_accepts_its_own_item_no_back(manager_api, product):
    response = manager_api.patch(
        f"{PRODUCTS}A1001.v2/", {"item_no": "A1001.v2", "description": "棉"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["description"] == "棉"


def test_patch_product_cannot_change_item_no(manager_api, product):
    response = manager_api.patch(f"{PRODUCTS}A1001.v2/", {"item_no": "B-1"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["item_no"]
    product.refresh_from_db()
    assert product.item_no == "A1001.v2"


def test_put_product_is_405(manager_api, product):
    response = manager_api.put(f"{PRODUCTS}A1001.v2/", {"title": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_create_product_with_skus_needs_add_sku(make_user):
    # No role has add_product without add_sku today: grant add_product alone.
    user = make_user()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="catalog", codename="add_product")
    )
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        PRODUCTS,
        {"item_no": "N-6", "title": "新款", "skus": [{"merchant_code": "N-6-M", "price": "1"}]},
        format="json",
    )
    assert response.status_code == 403
    assert not Product.objects.exists()
