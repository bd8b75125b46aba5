"""The demo tables and plans, at full size, without a database."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from zhanggui.catalog.rules import is_valid_merchant_code, title_bytes
from zhanggui.channels.models import Channel
from zhanggui.demo.data_people import STAFF
from zhanggui.demo.data_places import PROVINCES
from zhanggui.demo.data_products import COLORS, GARMENTS
from zhanggui.demo.plan_catalog import garment_counts, plan_catalog, vip_price
from zhanggui.demo.plan_parties import plan_customers, plan_suppliers
from zhanggui.demo.runner import CUSTOMERS, PRODUCTS, SUPPLIERS
from zhanggui.staff.roles import Role

OFFICIAL_NAMES = {
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "内蒙古自治区", "辽宁省",
    "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
    "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
}  # fmt: skip
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def test_places_table_has_the_31_provinces_by_official_name():
    assert {province.name for province in PROVINCES} == OFFICIAL_NAMES
    assert len(PROVINCES) == 31


def test_places_table_municipality_is_its_own_city():
    for province in PROVINCES:
        if province.name in MUNICIPALITIES:
            assert [city.name for city in province.cities] == [province.name]
        else:
            assert all(city.name != province.name for city in province.cities)


def test_places_table_cities_have_postcode_prefix_and_districts():
    for province in PROVINCES:
        for city in province.cities:
            assert re.fullmatch(r"\d{3}", city.postcode), city.name
            assert city.districts, city.name
            assert all(district.endswith(("区", "市", "县")) for district in city.districts)


def test_full_customer_plan_covers_all_31_provinces():
    customers = plan_customers(seed=1, count=CUSTOMERS)
    assert {customer.province for customer in customers} == OFFICIAL_NAMES
    assert len(customers) == 300


def test_customer_plan_receivers_are_consistent_with_the_places_table():
    cities = {
        (province.name, city.name): city for province in PROVINCES for city in province.cities
    }
    for customer in plan_customers(seed=1, count=CUSTOMERS):
        city = cities[(customer.province, customer.city)]
        assert customer.district in city.districts
        assert re.fullmatch(city.postcode + r"\d{3}", customer.postcode)
        assert MOBILE.match(customer.phone), customer.phone
        assert re.search(r"[路街道]\d+号", customer.address), customer.address


def test_customer_plan_nicks_are_unique_per_channel_and_channels_are_mixed():
    customers = plan_customers(seed=1, count=CUSTOMERS)
    pairs = [(customer.channel, customer.buyer_nick) for customer in customers]
    assert len(set(pairs)) == len(pairs)
    assert {customer.channel for customer in customers} == {
        Channel.TAOBAO.value,
        Channel.TMALL.value,
        Channel.JD.value,
    }
    assert any(re.fullmatch(r"tb\d{10}", nick) for _channel, nick in pairs)


def test_plans_same_seed_give_the_same_data():
    assert plan_catalog(seed=3, count=PRODUCTS) == plan_catalog(seed=3, count=PRODUCTS)
    assert plan_customers(seed=3, count=CUSTOMERS) == plan_customers(seed=3, count=CUSTOMERS)
    assert plan_suppliers(seed=3, count=SUPPLIERS) == plan_suppliers(seed=3, count=SUPPLIERS)


def test_plans_other_seed_give_other_data():
    assert plan_catalog(seed=1, count=PRODUCTS) != plan_catalog(seed=2, count=PRODUCTS)
    assert plan_customers(seed=1, count=CUSTOMERS) != plan_customers(seed=2, count=CUSTOMERS)


def test_full_catalog_titles_fit_60_bytes():
    titles = [plan.product.title for plan in plan_catalog(seed=1, count=PRODUCTS)]
    assert max(title_bytes(title) for title in titles) <= 60
    assert min(title_bytes(title) for title in titles) >= 40


def test_full_catalog_has_200_products_and_about_1000_unique_skus():
    plans = plan_catalog(seed=1, count=PRODUCTS)
    codes = [sku.merchant_code for plan in plans for sku in plan.skus]
    assert len(plans) == 200
    assert len({plan.product.item_no for plan in plans}) == 200
    assert 900 <= len(codes) <= 1100
    assert len(set(codes)) == len(codes)
    assert all(is_valid_merchant_code(code) for code in codes)


def test_catalog_codes_follow_the_shop_scheme():
    for plan in plan_catalog(seed=1, count=PRODUCTS):
        assert re.fullmatch(r"[A-Z]{2}2[45][SAW]\d{3}", plan.product.item_no)
        for sku in plan.skus:
            color, size = COLORS[sku.color], {"均码": "F"}.get(sku.size, sku.size)
            assert sku.merchant_code == f"{plan.product.item_no}-{color}-{size}"


def test_catalog_prices_end_in_9_or_90_with_vip_and_cost_in_range():
    for plan in plan_catalog(seed=1, count=PRODUCTS):
        for sku in plan.skus:
            assert str(sku.price).endswith(("9.00", "8.90")), sku.price
            assert sku.vip_price == vip_price(sku.price)
            assert Decimal("0.34") <= sku.cost_price / sku.price <= Decimal("0.46")
            assert 100 <= sku.weight_g <= 1500


def test_vip_price_is_95_percent_cut_to_the_jiao():
    assert vip_price(Decimal("89.00")) == Decimal("84.50")
    assert vip_price(Decimal("128.90")) == Decimal("122.40")


def test_catalog_has_3_to_5_heroes_and_every_product_line():
    plans = plan_catalog(seed=1, count=PRODUCTS)
    assert 3 <= sum(plan.product.is_hero for plan in plans) <= 5
    lines = Counter(plan.product.product_line for plan in plans)
    assert set(lines) == {"traffic", "promo", "profit"}
    assert lines["profit"] > lines["promo"] > lines["traffic"]


def test_catalog_listings_mix_statuses_and_heroes_are_on_sale_everywhere():
    plans = plan_catalog(seed=1, count=PRODUCTS)
    statuses = Counter(listing.status for plan in plans for listing in plan.listings)
    assert set(statuses) == {"on_sale", "in_warehouse", "sold_out"}
    assert statuses["on_sale"] > statuses["in_warehouse"] + statuses["sold_out"]
    for plan in plans:
        if plan.product.is_hero:
            assert [listing.status for listing in plan.listings] == ["on_sale"] * 3


def test_garment_counts_split_exactly():
    assert sum(count for _garment, count in garment_counts(200)) == 200
    assert sum(count for _garment, count in garment_counts(7)) == 7
    assert len(garment_counts(200)) == len(GARMENTS)


def test_supplier_plan_has_15_suppliers_with_phones():
    suppliers = plan_suppliers(seed=1, count=SUPPLIERS)
    assert len({supplier.name for supplier in suppliers}) == 15
    for supplier in suppliers:
        assert MOBILE.match(supplier.phone) or re.fullmatch(r"0\d{2,3}-\d{8}", supplier.phone)


def test_staff_table_covers_every_role_with_one_person_holding_two():
    assert {role for _username, _name, roles in STAFF for role in roles} == set(Role)
    assert [username for username, _name, roles in STAFF if len(roles) == 2] == ["editor1"]
