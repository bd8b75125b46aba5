from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from zhanggui.catalog import services
from zhanggui.catalog.models import Listing, Product, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.models import AuditEntry

CREATE_URL = "/catalog/products/new/"
LIST_URL = "/catalog/products/"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    # Pages are Chinese first; these tests read English messages whatever the .po files say.
    settings.LANGUAGE_CODE = "en"
    # Many logins per module: the production password hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _rows(*rows: dict[str, str], total: int = 3) -> dict[str, str]:
    data = {"skus-TOTAL_FORMS": str(max(total, len(rows))), "skus-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"skus-{index}-{name}": value for name, value in row.items()})
    return data


def _new_product(**rows: Any) -> dict[str, str]:
    return {
        "item_no": "T-100",
        "title": "春季新款纯棉圆领T恤女",
        "category": "T恤",
        "product_line": "traffic",
        "description": "纯棉",
        **rows,
    }


def _make(item_no: str, title: str, *codes: str, actor: Any = None) -> Product:
    return services.create_product(
        actor=actor,
        data=services.ProductInput(item_no=item_no, title=title),
        skus=[
            services.SkuInput(merchant_code=code, size=f"S{index}", price="59")
            for index, code in enumerate(codes)
        ],
    )


def test_create_product_with_skus_creates_rows_and_audit_entries(manager: Any, client: Any) -> None:
    client.force_login(manager)
    rows = _rows(
        {
            "color": "白色",
            "size": "M",
            "merchant_code": "T-100-W-M",
            "price": "59",
            "cost_price": "21",
        },
        {
            "color": "白色",
            "size": "L",
            "merchant_code": "T-100-W-L",
            "price": "¥59.00",
            "weight_g": "180",
        },
    )
    response = client.post(CREATE_URL, {**_new_product(), **rows})
    assert response.status_code == 302
    assert response.url == "/catalog/products/T-100/"
    product = Product.objects.get(item_no="T-100")
    assert product.title == "春季新款纯棉圆领T恤女"
    assert product.category.name == "T恤"
    skus = list(
        product.skus.order_by("size").values_list(
            "merchant_code", "price", "cost_price", "weight_g"
        )
    )
    assert skus == [
        ("T-100-W-L", Decimal("59.00"), None, 180),
        ("T-100-W-M", Decimal("59.00"), Decimal("21.00"), None),
    ]
    entries = AuditEntry.objects.filter(action="create", actor=manager)
    assert entries.count() == 3
    assert sorted(entries.values_list("object_repr", flat=True)) == [
        "T-100 春季新款纯棉圆领T恤女",
        "T-100-W-L",
        "T-100-W-M",
    ]


def test_create_product_with_bad_price_reshows_form_and_saves_nothing(
    manager: Any, client: Any
) -> None:
    client.force_login(manager)
    # The bad row is the third on the page but the second filled one: skus[1] in the service.
    rows = _rows(
        {"size": "M", "merchant_code": "T-100-M", "price": "59"},
        {},
        {"size": "L", "merchant_code": "T-100-L", "price": "-5"},
    )
    response = client.post(CREATE_URL, {**_new_product(), **rows})
    assert response.status_code == 200
    assert response.context["rows"].forms[2].errors == {
        "price": ["Enter an amount in yuan, not negative, like 59.00."]
    }
    assert response.context["rows"].forms[0].errors == {}
    assert "春季新款纯棉圆领T恤女" in response.content.decode()  # typed values are kept
    assert not Product.objects.exists()
    assert not Sku.objects.exists()
    assert not AuditEntry.objects.filter(content_type__app_label="catalog").exists()


def test_create_product_with_taken_item_no_shows_the_error_on_item_no(
    manager: Any, client: Any
) -> None:
    _make("T-100", "旧宝贝")
    client.force_login(manager)
    rows = _rows({"size": "M", "merchant_code": "T-100-NEW", "price": "59"})
    response = client.post(CREATE_URL, {**_new_product(), **rows})
    assert response.status_code == 200
    assert response.context["form"].errors == {"item_no": ["Item number T-100 already exists."]}
    assert not Sku.objects.filter(merchant_code="T-100-NEW").exists()


def test_create_product_with_taken_merchant_code_marks_that_row(manager: Any, client: Any) -> None:
    _make("OLD-1", "旧宝贝", "TAKEN-1")
    client.force_login(manager)
    rows = _rows(
        {"size": "M", "merchant_code": "FREE-1", "price": "59"},
        {"size": "L", "merchant_code": "TAKEN-1", "price": "59"},
    )
    response = client.post(CREATE_URL, {**_new_product(), **rows})
    assert response.status_code == 200
    assert response.context["rows"].forms[1].errors == {
        "merchant_code": ["Merchant code TAKEN-1 already exists."]
    }
    assert response.context["rows"].forms[0].errors == {}
    assert not Product.objects.filter(item_no="T-100").exists()


def test_create_product_rows_repeating_a_merchant_code_are_refused(
    manager: Any, client: Any
) -> None:
    client.force_login(manager)
    rows = _rows(
        {"size": "M", "merchant_code": "SAME", "price": "59"},
        {"size": "L", "merchant_code": "SAME", "price": "59"},
    )
    response = client.post(CREATE_URL, {**_new_product(), **rows})
    assert response.status_code == 200
    assert response.context["rows"].forms[1].errors == {
        "merchant_code": ["Another row has the same value."]
    }
    assert not Product.objects.exists()


def test_create_page_has_no_cost_column_for_an_editor(client_for: Any) -> None:
    response = client_for("editor").get(CREATE_URL)
    assert response.status_code == 200
    assert 'name="skus-0-cost_price"' not in response.content.decode()
    assert 'name="skus-0-weight_g"' in response.content.decode()


def test_create_page_offers_an_add_row_button_and_an_empty_row_template(client_for: Any) -> None:
    html = client_for("manager").get(CREATE_URL).content.decode()
    assert 'data-add-row="skus"' in html
    assert 'name="skus-__prefix__-merchant_code"' in html
    assert 'name="skus-2-merchant_code"' in html


def test_product_list_finds_a_product_by_part_of_its_chinese_title(client_for: Any) -> None:
    _make("A-1", "春季新款纯棉圆领T恤女", "A-1-M")
    _make("B-1", "加绒牛仔裤男", "B-1-M")
    response = client_for("cs_presale").get(LIST_URL, {"q": "纯棉圆领"})
    assert [product.item_no for product in response.context["products"]] == ["A-1"]


@pytest.mark.parametrize("q", ["B-1-XL", "b-1-xl", "XL"])
def test_product_list_finds_a_product_by_merchant_code(client_for: Any, q: str) -> None:
    _make("A-1", "春季新款纯棉圆领T恤女", "A-1-M")
    _make("B-1", "加绒牛仔裤男", "B-1-XL")
    response = client_for("warehouse").get(LIST_URL, {"q": q})
    assert [product.item_no for product in response.context["products"]] == ["B-1"]


def test_product_list_finds_a_product_by_barcode(client_for: Any) -> None:
    _make("A-1", "春季新款纯棉圆领T恤女", "A-1-M")
    product = _make("B-1", "加绒牛仔裤男", "B-1-M")
    barcode = product.skus.get().barcode
    response = client_for("warehouse").get(LIST_URL, {"q": barcode})
    assert [product.item_no for product in response.context["products"]] == ["B-1"]


def test_product_list_shows_counts_price_range_and_listings(client_for: Any) -> None:
    product = _make("A-1", "春季新款", "A-1-M", "A-1-L")
    services.update_sku(
        actor=None, sku_id=product.skus.get(merchant_code="A-1-L").pk, changes={"price": "79"}
    )
    shop = Shop.objects.create(channel="taobao", code="tb", name="淘宝旗舰店")
    services.set_listing_status(
        actor=None, product_id=product.pk, shop_id=shop.pk, status="on_sale"
    )
    response = client_for("editor").get(LIST_URL)
    row = response.context["products"][0]
    assert (row.sku_count, row.min_price, row.max_price) == (2, Decimal("59.00"), Decimal("79.00"))
    html = response.content.decode()
    assert "¥59.00–¥79.00" in html
    assert "淘宝旗舰店: On sale" in html


def test_product_list_filters_by_queue_and_says_so(client_for: Any) -> None:
    _make("A-1", "有规格", "A-1-M")
    _make("B-1", "没有规格")
    response = client_for("editor").get(LIST_URL, {"missing": "sku"})
    assert [product.item_no for product in response.context["products"]] == ["B-1"]
    assert "Products without any SKU" in response.content.decode()


def test_product_list_filters_by_shop_and_listing_status(client_for: Any) -> None:
    first, second = _make("A-1", "一"), _make("B-1", "二")
    shop = Shop.objects.create(channel="jd", code="jd", name="京东店")
    services.set_listing_status(actor=None, product_id=first.pk, shop_id=shop.pk, status="on_sale")
    services.set_listing_status(
        actor=None, product_id=second.pk, shop_id=shop.pk, status="sold_out"
    )
    client = client_for("editor")
    on_sale = client.get(LIST_URL, {"shop": shop.pk, "status": "on_sale"}).context["products"]
    assert [product.item_no for product in on_sale] == ["A-1"]


def test_product_list_query_count_stays_flat_with_a_full_page(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    shop = Shop.objects.create(channel="taobao", code="tb", name="淘宝店")
    products = Product.objects.bulk_create(
        Product(item_no=f"P{index:03d}", title=f"宝贝{index}") for index in range(60)
    )
    Sku.objects.bulk_create(
        Sku(product=product, merchant_code=f"{product.item_no}-{size}", size=size, price="59")
        for product in products
        for size in ("M", "L")
    )
    Listing.objects.bulk_create(Listing(product=product, shop=shop) for product in products)
    client = client_for("manager")
    # session, user, roles, permissions (2), categories, shops, count, page, listings
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert len(response.context["products"]) == 50
    assert response.context["paginator"].count == 60


def test_product_title_with_a_script_is_escaped_on_list_and_detail(client_for: Any) -> None:
    _make("X-1", "<script>alert(1)</script>", "X-1-M")
    client = client_for("manager")
    for url in (LIST_URL, "/catalog/products/X-1/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_product_detail_resolves_item_numbers_with_dots_dashes_and_underscores(
    client_for: Any,
) -> None:
    _make("A.1-b_2", "奇怪的货号", "A.1-b_2-M")
    assert (
        reverse("catalog:product_detail", kwargs={"item_no": "A.1-b_2"})
        == "/catalog/products/A.1-b_2/"
    )
    response = client_for("cs_aftersale").get("/catalog/products/A.1-b_2/")
    assert response.status_code == 200
    assert "A.1-b_2-M" in response.content.decode()


def test_product_detail_of_an_unknown_item_number_is_404(client_for: Any) -> None:
    assert client_for("editor").get("/catalog/products/NOPE/").status_code == 404


def test_product_detail_shows_skus_listings_and_history(manager: Any, client: Any) -> None:
    product = _make("A-1", "春季新款", "A-1-M", "A-1-L", actor=manager)
    shop = Shop.objects.create(channel="tmall", code="tm", name="天猫店")
    services.set_listing_status(
        actor=manager, product_id=product.pk, shop_id=shop.pk, status="sold_out"
    )
    client.force_login(manager)
    response = client.get("/catalog/products/A-1/")
    html = response.content.decode()
    assert "A-1-M" in html
    assert "A-1-L" in html
    assert "天猫店" in html
    assert "Sold out" in html
    reprs = [entry.object_repr for entry in response.context["audit_entries"]]
    assert sorted(reprs) == ["A-1 @ Tmall · 天猫店", "A-1 春季新款", "A-1-L", "A-1-M"]


def test_product_history_hides_cost_changes_from_an_editor(manager: Any, client_for: Any) -> None:
    product = _make("A-1", "春季新款", "A-1-M")
    sku = product.skus.get()
    services.update_sku(
        actor=manager, sku_id=sku.pk, changes={"cost_price": "12.34", "price": "66"}
    )
    html = client_for("editor").get("/catalog/products/A-1/").content.decode()
    assert "12.34" not in html
    assert "hidden (you may not see this field)" in html
    assert "66.00" in html
    manager_html = client_for("manager").get("/catalog/products/A-1/").content.decode()
    assert "12.34" in manager_html


def test_product_edit_saves_changed_fields_and_audits_them(manager: Any, client: Any) -> None:
    product = _make("A-1", "春季新款", "A-1-M")
    client.force_login(manager)
    response = client.post(
        "/catalog/products/A-1/edit/",
        {
            "title": "夏季新款",
            "category": "",
            "product_line": "profit",
            "is_hero": "on",
            "description": "",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.is_hero) == ("夏季新款", True)
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {
        "title": {"before": "春季新款", "after": "夏季新款"},
        "is_hero": {"before": "false", "after": "true"},
    }


def test_product_edit_with_a_too_long_title_saves_nothing(manager: Any, client: Any) -> None:
    product = _make("A-1", "春季新款", "A-1-M")
    client.force_login(manager)
    response = client.post(
        "/catalog/products/A-1/edit/", {"title": "长" * 31, "product_line": "profit"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["title"]
    product.refresh_from_db()
    assert product.title == "春季新款"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_product_list_ignores_a_bad_filter_but_keeps_the_others(client_for: Any) -> None:
    _make("A-1", "春季新款纯棉圆领T恤女")
    _make("B-1", "加绒牛仔裤男")
    response = client_for("editor").get(LIST_URL, {"q": "牛仔", "category": "abc", "sort": "x"})
    assert response.status_code == 200
    assert [product.item_no for product in response.context["products"]] == ["B-1"]
