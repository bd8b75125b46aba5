from __future__ import annotations

import logging

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Listing, Product, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.audit import entries_for
from zhanggui.inventory import services
from zhanggui.inventory.listing_sync import ListingChange, sync_listings
from zhanggui.inventory.models import MoveKind, Warehouse
from zhanggui.inventory.services import MoveInput


def _product(item_no: str, sizes: str = "SM") -> Product:
    return catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no=item_no, title="同步"),
        skus=[catalog.SkuInput(merchant_code=f"{item_no}-{s}", size=s, price="9") for s in sizes],
    )


@pytest.fixture
def shops(db):
    return [
        Shop.objects.create(channel="taobao", code="tb", name="淘宝店"),
        Shop.objects.create(channel="jd", code="jd", name="京东店"),
        Shop.objects.create(channel="tmall", code="tm", name="天猫店"),
    ]


@pytest.fixture
def product(shops) -> Product:
    product = _product("L1")
    for shop, status in zip(shops, ["on_sale", "on_sale", "in_warehouse"], strict=True):
        Listing.objects.create(product=product, shop=shop, status=status)
    return product


def _skus(product: Product) -> list[Sku]:
    return list(product.skus.order_by("merchant_code"))


def _statuses(product: Product) -> list[str]:
    return list(product.listings.order_by("shop__code").values_list("status", flat=True))


def _move(sku: Sku, quantity: int, kind: str = MoveKind.RECEIPT, warehouse=None) -> None:
    warehouse_id = warehouse.pk if warehouse else None
    services.post_move(
        actor=None, move=MoveInput(sku.pk, quantity, kind, warehouse_id=warehouse_id)
    )


def test_product_with_no_stock_is_marked_sold_out_but_in_warehouse_stays(product):
    changes = sync_listings(actor=None, sku_ids=[sku.pk for sku in _skus(product)])
    # shops by code: jd, tb, tm (tm was taken off sale by a person)
    assert _statuses(product) == ["sold_out", "sold_out", "in_warehouse"]
    assert sorted((c.before, c.after) for c in changes) == [("on_sale", "sold_out")] * 2


def test_sold_out_is_audited_as_the_system(product):
    sync_listings(actor=None, sku_ids=[_skus(product)[0].pk])
    listing = product.listings.get(shop__code="tb")
    entry = entries_for(listing).get(action="update")
    assert (entry.actor, entry.actor_name) == (None, "system")
    assert entry.changes == {"status": {"before": "on_sale", "after": "sold_out"}}


def test_one_sku_in_stock_keeps_the_product_on_sale(product):
    small, _medium = _skus(product)
    _move(small, 1)
    assert sync_listings(actor=None, sku_ids=[small.pk]) == []
    assert _statuses(product) == ["on_sale", "on_sale", "in_warehouse"]


def test_selling_the_last_unit_then_receiving_goes_sold_out_and_back_on_sale(product):
    small, _medium = _skus(product)
    _move(small, 1)
    _move(small, -1, MoveKind.SALE)
    sync_listings(actor=None, sku_ids=[small.pk])
    assert _statuses(product) == ["sold_out", "sold_out", "in_warehouse"]
    _move(small, 5)  # the stock services sync listings themselves
    assert _statuses(product) == ["on_sale", "on_sale", "in_warehouse"]
    assert sync_listings(actor=None, sku_ids=[small.pk]) == []


def test_reserved_stock_is_not_available_for_sale(product):
    small, _medium = _skus(product)
    _move(small, 2)
    services.reserve(actor=None, sku_id=small.pk, quantity=2, source_type="o", source_id="1")
    sync_listings(actor=None, sku_ids=[small.pk])
    assert _statuses(product) == ["sold_out", "sold_out", "in_warehouse"]


def test_stock_in_an_unsellable_warehouse_does_not_count(product):
    annex = Warehouse.objects.create(code="defect", name="次品仓", is_sellable=False)
    small, _medium = _skus(product)
    _move(small, 4, warehouse=annex)
    sync_listings(actor=None, sku_ids=[small.pk])
    assert _statuses(product) == ["sold_out", "sold_out", "in_warehouse"]


def test_stock_of_an_inactive_sku_does_not_count(product):
    small, _medium = _skus(product)
    _move(small, 4)
    catalog.update_sku(actor=None, sku_id=small.pk, changes={"is_active": False})
    sync_listings(actor=None, sku_ids=[small.pk])
    assert _statuses(product) == ["sold_out", "sold_out", "in_warehouse"]


def test_in_warehouse_listing_is_not_put_on_sale_when_stock_returns(product):
    small, _medium = _skus(product)
    product.listings.filter(status="on_sale").update(status="sold_out")
    _move(small, 3)
    sync_listings(actor=None, sku_ids=[small.pk])
    assert _statuses(product) == ["on_sale", "on_sale", "in_warehouse"]


def test_channels_are_told_after_commit_only_when_something_changed(
    product, django_capture_on_commit_callbacks, caplog
):
    small, _medium = _skus(product)
    with caplog.at_level(logging.INFO, logger="zhanggui.inventory.listing_sync"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            changes = sync_listings(actor=None, sku_ids=[small.pk])
        assert len(callbacks) == 1
        assert len(changes) == 2
        assert all(isinstance(change, ListingChange) for change in changes)
        assert caplog.text.count("on_sale -> sold_out; channel not told yet") == 2
        with django_capture_on_commit_callbacks() as callbacks:
            assert sync_listings(actor=None, sku_ids=[small.pk]) == []
        assert callbacks == []


def _listed_products(shop, count, status):
    products = [_product(f"B{n}", sizes="S") for n in range(count)]
    for product in products:
        Listing.objects.create(product=product, shop=shop, status=status)
    return products


def test_batch_in_step_with_stock_costs_the_same_few_queries(shops, django_assert_num_queries):
    products = _listed_products(shops[0], 30, "sold_out")
    sku_ids = list(Sku.objects.values_list("pk", flat=True))
    # savepoint, products, locked listings, availability (one query for all), release
    with django_assert_num_queries(5):
        assert sync_listings(actor=None, sku_ids=sku_ids) == []
    assert len(products) == 30


def test_batch_changes_only_the_products_whose_stock_changed(shops, django_assert_max_num_queries):
    products = _listed_products(shops[0], 30, "sold_out")
    stocked = products[:10]
    services.post_moves(
        actor=None, moves=[MoveInput(p.skus.get().pk, 1, MoveKind.RECEIPT) for p in stocked]
    )
    # post_moves relisted them; put them out of step again to test the sync on its own.
    Listing.objects.filter(product__in=stocked).update(status="sold_out")
    sku_ids = list(Sku.objects.values_list("pk", flat=True))
    # 5 to decide, then each change goes through catalog's audited set_listing_status
    with django_assert_max_num_queries(5 + 10 * 10):
        changes = sync_listings(actor=None, sku_ids=sku_ids)
    assert len(changes) == 10
    on_sale = Listing.objects.filter(status="on_sale").values_list("product_id", flat=True)
    assert sorted(on_sale) == sorted(p.pk for p in stocked)


def test_sync_after_moves_posted_in_one_batch(product, shops):
    other = _product("L2", sizes="S")
    Listing.objects.create(product=other, shop=shops[0], status="sold_out")
    small, medium = _skus(product)
    services.post_moves(
        actor=None,
        moves=[
            MoveInput(medium.pk, 2, MoveKind.RECEIPT),
            MoveInput(other.skus.get().pk, 1, MoveKind.RECEIPT),
        ],
    )
    sync_listings(actor=None, sku_ids=[medium.pk, other.skus.get().pk, small.pk])
    assert _statuses(product) == ["on_sale", "on_sale", "in_warehouse"]
    assert _statuses(other) == ["on_sale"]


def test_stock_services_delist_on_the_last_unit_and_relist_on_return(manager):
    """The wiring: no caller has to remember to sync listings."""
    from zhanggui.catalog import services as catalog
    from zhanggui.channels.models import Shop
    from zhanggui.inventory import services as stock
    from zhanggui.inventory.models import MoveKind

    product = catalog.create_product(
        actor=manager,
        data=catalog.ProductInput(item_no="W1", title="测试"),
        skus=[catalog.SkuInput(merchant_code="W1-M", price="10")],
    )
    sku = product.skus.get()
    shop = Shop.objects.create(channel="taobao", code="tb-w", name="店")
    stock.post_move(actor=manager, move=stock.MoveInput(sku.pk, 1, MoveKind.RECEIPT))
    catalog.set_listing_status(
        actor=manager, product_id=product.pk, shop_id=shop.pk, status="on_sale"
    )

    held = stock.reserve(actor=manager, sku_id=sku.pk, quantity=1, source_type="o", source_id="1")
    assert product.listings.get().status == "sold_out"

    stock.release_reservation(actor=manager, reservation_id=held.pk)
    assert product.listings.get().status == "on_sale"

    stock.post_move(actor=manager, move=stock.MoveInput(sku.pk, -1, MoveKind.ADJUSTMENT))
    assert product.listings.get().status == "sold_out"
