from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhanggui.catalog import selectors, services
from zhanggui.catalog.models import Listing, Product, ProductImage, Sku
from zhanggui.channels.models import Shop

pytestmark = pytest.mark.django_db


def _product(item_no: str, title: str = "宝贝", description: str = "", **flags: Any) -> Product:
    return Product.objects.create(item_no=item_no, title=title, description=description, **flags)


def _sku(product: Product, code: str, price: str = "59", **values: Any) -> Sku:
    return Sku.objects.create(product=product, merchant_code=code, size=code, price=price, **values)


def _images(product: Product, *widths: int) -> None:
    for sequence, width in enumerate(widths, start=1):
        ProductImage.objects.create(
            product=product,
            image=f"p/{product.item_no}-{sequence}.jpg",
            name=f"{sequence}.jpg",
            sequence=sequence,
            width=width,
            height=100,
        )


def _item_nos(products: Any) -> list[str]:
    return sorted(product.item_no for product in products)


def _filtered(**filters: Any) -> list[str]:
    return _item_nos(selectors.list_products(selectors.ProductFilters(**filters)))


def test_search_matches_title_item_no_merchant_code_and_barcode() -> None:
    first, second = _product("A-1", "春季新款纯棉圆领T恤女"), _product("B-2", "加绒牛仔裤")
    _sku(first, "TEE-WHITE-M", barcode="6901234567892")
    _sku(second, "JEANS-29")
    assert _filtered(q="纯棉圆领") == ["A-1"]
    assert _filtered(q="b-2") == ["B-2"]
    assert _filtered(q="jeans") == ["B-2"]
    assert _filtered(q="690123") == ["A-1"]
    assert _filtered(q="  ") == ["A-1", "B-2"]


def test_search_does_not_repeat_a_product_with_several_matching_skus() -> None:
    product = _product("A-1")
    _sku(product, "A-1-M")
    _sku(product, "A-1-L")
    assert _filtered(q="A-1") == ["A-1"]


def test_list_annotates_sku_count_and_price_range() -> None:
    product = _product("A-1")
    _product("B-1")
    _sku(product, "A-1-M", price="59")
    _sku(product, "A-1-L", price="79.50")
    rows = {row.item_no: row for row in selectors.list_products(selectors.ProductFilters())}
    assert (rows["A-1"].sku_count, rows["A-1"].min_price, rows["A-1"].max_price) == (
        2,
        Decimal("59.00"),
        Decimal("79.50"),
    )
    assert (rows["B-1"].sku_count, rows["B-1"].min_price) == (0, None)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("item_no", ["A", "B", "C"]),
        ("-item_no", ["C", "B", "A"]),
        ("price", ["B", "C", "A"]),
        ("-price", ["A", "C", "B"]),
    ],
)
def test_list_sorts(sort: str, expected: list[str]) -> None:
    for item_no, price in (("A", "90"), ("B", "10"), ("C", "50")):
        _sku(_product(item_no), f"{item_no}-1", price=price)
    found = selectors.list_products(selectors.ProductFilters(sort=sort))
    assert [product.item_no for product in found] == expected


def test_gap_filters_find_exactly_the_products_missing_something() -> None:
    complete = _product("DONE", description="好")
    _sku(complete, "DONE-1")
    _images(complete, 710, 700, 700, 700, 700, 700)
    shop = Shop.objects.create(channel="taobao", code="tb", name="店")
    Listing.objects.create(product=complete, shop=shop)
    _product("BARE")
    narrow = _product("NARROW", description="好")
    _images(narrow, 640, 700)
    assert _filtered(missing="sku") == ["BARE", "NARROW"]
    assert _filtered(missing="listing") == ["BARE", "NARROW"]
    assert _filtered(missing="description") == ["BARE"]
    assert _filtered(missing="main_image") == ["BARE"]
    assert _filtered(missing="images") == ["BARE", "NARROW"]
    assert _filtered(missing="main_width") == ["NARROW"]
    assert selectors.count_products_with_gap("main_width") == 1
    assert selectors.count_products_with_gap("images") == 2


def test_filters_combine_category_line_hero_shop_and_status() -> None:
    hero = _product("H", is_hero=True, product_line="promo")
    plain = _product("P")
    shop = Shop.objects.create(channel="jd", code="jd", name="京东")
    Listing.objects.create(product=hero, shop=shop, status="on_sale")
    Listing.objects.create(product=plain, shop=shop, status="in_warehouse")
    assert _filtered(is_hero=True) == ["H"]
    assert _filtered(is_hero=False) == ["P"]
    assert _filtered(product_line="promo") == ["H"]
    assert _filtered(shop_id=shop.pk) == ["H", "P"]
    assert _filtered(listing_status="in_warehouse") == ["P"]


def test_sku_gaps_count_active_skus_only() -> None:
    product = _product("A")
    _sku(product, "A-1")
    _sku(product, "A-2", weight_g=100, cost_price="10")
    _sku(product, "A-3", is_active=False)
    assert selectors.count_skus_with_gap("weight") == 1
    assert selectors.count_skus_with_gap("cost") == 1
    assert [sku.merchant_code for sku in selectors.list_skus(missing="weight")] == ["A-1"]
    assert [sku.merchant_code for sku in selectors.list_skus(q="a-2")] == ["A-2"]


def test_product_audit_entries_cover_product_skus_and_listings(manager: Any) -> None:
    product = services.create_product(
        actor=manager,
        data=services.ProductInput(item_no="A-1", title="春"),
        skus=[services.SkuInput(merchant_code="A-1-M", price="59")],
    )
    services.create_product(actor=manager, data=services.ProductInput(item_no="B-1", title="夏"))
    shop = Shop.objects.create(channel="jd", code="jd", name="京东")
    services.set_listing_status(
        actor=manager, product_id=product.pk, shop_id=shop.pk, status="on_sale"
    )
    page = selectors.get_product_page("A-1")
    entries = selectors.product_audit_entries(page)
    listing = str(product.listings.get())  # "A-1 @ <channel> · 京东", in the active language
    assert sorted(entry.object_repr for entry in entries) == sorted([listing, "A-1 春", "A-1-M"])


def test_taken_codes_reports_only_codes_in_use() -> None:
    _sku(_product("A"), "USED-1", barcode="B-1")
    assert selectors.taken_codes("merchant_code", ["USED-1", "FREE", ""]) == {"USED-1"}
    assert selectors.taken_codes("barcode", ["B-1"]) == {"B-1"}
    assert selectors.taken_codes("title", ["x"]) == set()
