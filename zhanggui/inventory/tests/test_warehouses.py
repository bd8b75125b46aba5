from __future__ import annotations

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Listing, Sku
from zhanggui.channels.models import Shop
from zhanggui.core.audit import entries_for
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditEntry
from zhanggui.inventory import services, warehouses
from zhanggui.inventory.models import Bin, MoveKind, SkuBin, StockPolicy, Warehouse
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.warehouses import PolicyInput, WarehouseInput


@pytest.fixture
def main(db):
    return Warehouse.objects.get(code="main")


@pytest.fixture
def sku(db) -> Sku:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="W1", title="仓库测试"),
        skus=[catalog.SkuInput(merchant_code="W1-M", size="M", barcode="BCW1M0001", price="9")],
    )
    return product.skus.get()


def _inventory_audits() -> int:
    # Creating people is audited too; only the stock records matter here.
    return AuditEntry.objects.filter(content_type__app_label="inventory").count()


def _bins(warehouse, *codes):
    return [Bin.objects.create(warehouse=warehouse, code=code) for code in codes]


def _places(sku):
    return sorted(
        (place.bin.warehouse.code, place.bin.code, place.is_primary)
        for place in SkuBin.objects.filter(sku=sku).select_related("bin__warehouse")
    )


def test_create_warehouse_lowercases_the_code_and_is_audited(manager):
    warehouse = warehouses.create_warehouse(
        actor=manager, code=" Annex ", data=WarehouseInput(name="二号仓", is_sellable=False)
    )
    assert (warehouse.code, warehouse.name, warehouse.is_sellable, warehouse.is_default) == (
        "annex",
        "二号仓",
        False,
        False,
    )
    entry = entries_for(warehouse).get()
    assert (entry.action, entry.actor, entry.changes["code"]["after"]) == (
        "create",
        manager,
        "annex",
    )


@pytest.mark.parametrize("code", ["main", "has space", "", "x" * 33, "中文"])
def test_create_warehouse_refuses_a_taken_or_bad_code_and_creates_nothing(manager, code):
    with pytest.raises(InvalidInput) as caught:
        warehouses.create_warehouse(actor=manager, code=code, data=WarehouseInput(name="仓"))
    assert list(caught.value.fields) == ["code"]
    assert list(Warehouse.objects.values_list("code", flat=True)) == ["main"]
    assert _inventory_audits() == 0


def test_new_default_warehouse_takes_over_the_default(manager, main):
    annex = warehouses.create_warehouse(
        actor=manager, code="annex", data=WarehouseInput(name="二号仓", is_default=True)
    )
    assert list(Warehouse.objects.filter(is_default=True)) == [annex]
    main.refresh_from_db()
    assert main.is_default is False


def test_update_warehouse_moves_the_default_and_is_audited(manager, main):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    warehouses.update_warehouse(
        actor=manager, warehouse_id=annex.pk, data=WarehouseInput(name="新仓", is_default=True)
    )
    assert list(Warehouse.objects.filter(is_default=True).values_list("code", flat=True)) == [
        "annex"
    ]
    assert entries_for(annex).get().changes == {
        "name": {"before": "二号仓", "after": "新仓"},
        "is_default": {"before": "false", "after": "true"},
    }


def test_unticking_the_default_is_refused(manager, main):
    with pytest.raises(InvalidInput) as caught:
        warehouses.update_warehouse(
            actor=manager, warehouse_id=main.pk, data=WarehouseInput(name="主仓", is_default=False)
        )
    assert list(caught.value.fields) == ["is_default"]
    main.refresh_from_db()
    assert main.is_default is True
    assert _inventory_audits() == 0


def test_closing_a_warehouse_with_stock_is_refused(manager, sku):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    services.post_move(
        actor=manager, move=MoveInput(sku.pk, 2, MoveKind.RECEIPT, warehouse_id=annex.pk)
    )
    with pytest.raises(InvalidInput) as caught:
        warehouses.update_warehouse(
            actor=manager,
            warehouse_id=annex.pk,
            data=WarehouseInput(name="二号仓", is_active=False),
        )
    assert list(caught.value.fields) == ["is_active"]
    annex.refresh_from_db()
    assert annex.is_active is True


def test_making_a_warehouse_unsellable_marks_its_only_stock_sold_out(manager, sku):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    services.post_move(
        actor=manager, move=MoveInput(sku.pk, 2, MoveKind.RECEIPT, warehouse_id=annex.pk)
    )
    shop = Shop.objects.create(channel="taobao", code="tb", name="淘宝店")
    Listing.objects.create(product=sku.product, shop=shop, status="on_sale")
    warehouses.update_warehouse(
        actor=manager, warehouse_id=annex.pk, data=WarehouseInput(name="二号仓", is_sellable=False)
    )
    assert Listing.objects.get().status == "sold_out"


def test_create_bin_uppercases_and_refuses_a_duplicate(manager, main):
    bin_ = warehouses.create_bin(actor=manager, warehouse_id=main.pk, code=" a-01 ")
    assert bin_.code == "A-01"
    assert entries_for(bin_).get().changes == {"code": {"before": None, "after": "A-01"}}
    with pytest.raises(InvalidInput):
        warehouses.create_bin(actor=manager, warehouse_id=main.pk, code="A-01")
    assert Bin.objects.count() == 1


def test_rename_bin_is_audited_and_keeps_its_skus(manager, main, sku):
    (bin_,) = _bins(main, "A-01")
    SkuBin.objects.create(sku=sku, bin=bin_)
    warehouses.rename_bin(actor=manager, bin_id=bin_.pk, code="b-02")
    assert _places(sku) == [("main", "B-02", True)]
    assert entries_for(bin_).get().changes == {"code": {"before": "A-01", "after": "B-02"}}


def test_first_place_in_a_warehouse_is_primary_and_the_next_is_not(manager, main, sku):
    _bins(main, "A-01", "A-02")
    warehouses.place_sku(actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="a-01")
    warehouses.place_sku(actor=manager, sku_code="BCW1M0001", warehouse_id=main.pk, bin_code="A-02")
    assert _places(sku) == [("main", "A-01", True), ("main", "A-02", False)]


def test_each_warehouse_has_its_own_primary_place(manager, main, sku):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    _bins(main, "A-01")
    _bins(annex, "X-01")
    warehouses.place_sku(actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="A-01")
    warehouses.place_sku(actor=manager, sku_code="W1-M", warehouse_id=annex.pk, bin_code="X-01")
    assert _places(sku) == [("annex", "X-01", True), ("main", "A-01", True)]


def test_placing_as_primary_moves_the_primary(manager, main, sku):
    _bins(main, "A-01", "A-02")
    warehouses.place_sku(actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="A-01")
    warehouses.place_sku(
        actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="A-02", primary=True
    )
    assert _places(sku) == [("main", "A-01", False), ("main", "A-02", True)]


def test_scanning_the_same_place_twice_changes_nothing(manager, main, sku):
    _bins(main, "A-01")
    first = warehouses.place_sku(
        actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="A-01"
    )
    audited = _inventory_audits()
    again = warehouses.place_sku(
        actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code="A-01"
    )
    assert again.pk == first.pk
    assert SkuBin.objects.count() == 1
    assert _inventory_audits() == audited


@pytest.mark.parametrize(
    ("sku_code", "bin_code", "field"), [("NOPE", "A-01", "sku"), ("W1-M", "Z-99", "bin")]
)
def test_placing_with_an_unknown_code_is_refused(manager, main, sku, sku_code, bin_code, field):
    _bins(main, "A-01")
    with pytest.raises(InvalidInput) as caught:
        warehouses.place_sku(
            actor=manager, sku_code=sku_code, warehouse_id=main.pk, bin_code=bin_code
        )
    assert list(caught.value.fields) == [field]
    assert not SkuBin.objects.exists()


def test_removing_the_primary_place_promotes_the_next_bin(manager, main, sku):
    _bins(main, "A-01", "A-03", "A-02")
    for code in ("A-01", "A-03", "A-02"):
        warehouses.place_sku(actor=manager, sku_code="W1-M", warehouse_id=main.pk, bin_code=code)
    primary = SkuBin.objects.get(is_primary=True)
    warehouses.remove_place(actor=manager, place_id=primary.pk)
    assert _places(sku) == [("main", "A-02", True), ("main", "A-03", False)]
    assert AuditEntry.objects.filter(action="delete", object_id=str(primary.pk)).count() == 1


def _policy(**changes: int) -> PolicyInput:
    values = {
        "window_days": 30,
        "hot_min_units": 30,
        "slow_max_units": 3,
        "warning_hot": 20,
        "warning_steady": 8,
        "warning_slow": 2,
        "safety_hot": 10,
        "safety_steady": 4,
        "safety_slow": 0,
        "review_days": 7,
    }
    return PolicyInput(**{**values, **changes})


def test_policy_change_is_saved_and_audited_field_by_field(manager):
    policy = warehouses.update_policy(actor=manager, data=_policy(window_days=14, warning_hot=25))
    assert (policy.window_days, policy.warning_hot) == (14, 25)
    assert StockPolicy.objects.get(pk=1).warning_hot == 25
    assert entries_for(policy).get().changes == {
        "window_days": {"before": "30", "after": "14"},
        "warning_hot": {"before": "20", "after": "25"},
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hot_min_units": 3}, "hot_min_units"),
        ({"window_days": 0}, "window_days"),
        ({"warning_slow": -1}, "warning_slow"),
        ({"review_days": 0}, "review_days"),
    ],
)
def test_policy_that_breaks_a_rule_is_refused_and_unchanged(manager, changes, field):
    with pytest.raises(InvalidInput) as caught:
        warehouses.update_policy(actor=manager, data=_policy(**changes))
    assert field in caught.value.fields
    policy = StockPolicy.objects.filter(pk=1).first()
    assert policy is None or (policy.hot_min_units, policy.window_days) == (30, 30)
    assert _inventory_audits() == 0
