"""`zhanggui demo` on a real database, at a tenth of the full size."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from zhanggui.catalog import services as catalog_services
from zhanggui.catalog.models import Product, Sku
from zhanggui.catalog.rules import is_valid_ean13, title_bytes
from zhanggui.channels.models import Shop
from zhanggui.customers.models import Customer
from zhanggui.demo.plan_catalog import plan_catalog
from zhanggui.demo.tests.helpers import run_demo, wipe
from zhanggui.inventory.models import Bin, StockMove
from zhanggui.orders.models import Order, OrderStatus
from zhanggui.purchasing.models import PurchaseOrder, Supplier
from zhanggui.staff.roles import Role

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, set[str]]:
    return {
        "item_nos": set(Product.objects.values_list("item_no", flat=True)),
        "merchant_codes": set(Sku.objects.values_list("merchant_code", flat=True)),
        "customers": set(Customer.objects.values_list("name", "buyer_nick")),
        "suppliers": set(Supplier.objects.values_list("name", "phone")),
    }


def test_demo_same_seed_gives_the_same_shop():
    run_demo("--seed", "7")
    first = snapshot()
    wipe()
    run_demo("--seed", "7")
    assert snapshot() == first
    assert len(first["item_nos"]) == 20


def test_demo_other_seed_gives_other_customers():
    run_demo("--seed", "1")
    first = snapshot()
    wipe()
    run_demo("--seed", "2")
    assert snapshot()["customers"] != first["customers"]


def test_demo_json_prints_the_counts():
    result = json.loads(run_demo("--json", "--seed", "5", with_orders=True))
    plans = plan_catalog(seed=5, count=20)
    assert result == {
        "seed": 5,
        "shops": 3,
        "staff": 11,
        "categories": len({plan.product.category for plan in plans}),
        "products": 20,
        "skus": sum(len(plan.skus) for plan in plans),
        "listings": sum(len(plan.listings) for plan in plans),
        "suppliers": 2,
        "customers": 30,
        "bins": Bin.objects.count(),
        "stock_moves": StockMove.objects.count(),
        "purchase_orders": {
            "draft": 1,
            "ordered": 2,
            "partly_received": 1,
            "received": 2,
            "closed": 2,
            "cancelled": 2,
        },
        "stocktakes": 1,
        "orders": 30,  # runner.ORDERS at a tenth
        "order_statuses": result["order_statuses"],
    }
    assert set(result["order_statuses"]) == set(OrderStatus.values)
    assert Order.objects.filter(part=0).count() == 30
    assert Sku.objects.count() == result["skus"]
    assert PurchaseOrder.objects.count() == 10
    assert result["bins"] > 0
    assert result["stock_moves"] > result["skus"]


def test_demo_makes_three_shops_one_per_channel():
    run_demo()
    assert list(Shop.objects.order_by("code").values_list("code", "channel")) == [
        ("jd-main", "jd"),
        ("taobao-main", "taobao"),
        ("tmall-main", "tmall"),
    ]


def test_demo_titles_fit_60_bytes():
    run_demo()
    assert (
        max(title_bytes(title) for title in Product.objects.values_list("title", flat=True)) <= 60
    )


def test_demo_skus_have_unique_merchant_codes_and_ean13_barcodes():
    run_demo()
    codes = list(Sku.objects.values_list("merchant_code", flat=True))
    barcodes = list(Sku.objects.values_list("barcode", flat=True))
    assert len(set(codes)) == len(codes)
    assert len(set(barcodes)) == len(barcodes)
    assert all(is_valid_ean13(barcode) for barcode in barcodes)


def test_demo_gives_every_role_a_person_who_can_log_in():
    run_demo()
    users = get_user_model().objects
    for role in Role:
        assert users.filter(groups__name=role.value).exists(), role
    manager = users.get(username="manager")
    assert manager.first_name == "周晓琳"
    assert manager.check_password("zhanggui-demo")
    assert sorted(users.get(username="editor1").groups.values_list("name", flat=True)) == [
        "designer",
        "editor",
    ]


def test_demo_prints_the_password_and_the_orders():
    out = run_demo("--orders", "25")
    assert "zhanggui-demo" in out
    assert "Orders of the last 90 days: 25 (Awaiting payment " in out
    assert "20 products" in out
    assert "stocktakes: 1." in out
    assert "Partly received 1" in out


def test_demo_refuses_a_database_with_products_and_changes_nothing():
    catalog_services.create_product(
        actor=None, data=catalog_services.ProductInput(item_no="A1", title="纯棉T恤")
    )
    with pytest.raises(CommandError, match="already has products"):
        run_demo()
    assert Shop.objects.count() == 0
    assert Customer.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_demo_refuses_a_second_run():
    run_demo()
    with pytest.raises(CommandError, match="only fills an empty database"):
        run_demo()
    assert Product.objects.count() == 20


def test_demo_rejects_negative_orders():
    with pytest.raises(CommandError, match="--orders"):
        run_demo("--orders", "-1")
    assert Product.objects.count() == 0
