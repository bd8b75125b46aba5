from __future__ import annotations

from typing import Any

import pytest

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Sku
from zhanggui.core.audit import entries_for
from zhanggui.inventory.models import Bin, SkuBin, StockPolicy, Warehouse
from zhanggui.inventory.tests.test_warehouses import _policy


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def main(db: Any) -> Warehouse:
    return Warehouse.objects.get(code="main")


@pytest.fixture
def sku(db: Any) -> Sku:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="P1", title="衬衫"),
        skus=[catalog.SkuInput(merchant_code="P1-L", size="L", price="79")],
    )
    return product.skus.get()


def test_warehouse_is_created_from_the_page(client_for: Any, main: Warehouse) -> None:
    data = {"code": "annex", "name": "二号仓", "is_active": "on"}
    response = client_for("warehouse").post("/stock/warehouses/new/", data)
    assert (response.status_code, response.url) == (302, "/stock/warehouses/annex/")
    annex = Warehouse.objects.get(code="annex")
    assert (annex.name, annex.is_sellable, annex.is_default) == ("二号仓", False, False)


def test_warehouse_code_taken_is_shown_on_the_field(client_for: Any, main: Warehouse) -> None:
    response = client_for("manager").post(
        "/stock/warehouses/new/", {"code": "main", "name": "又一个"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Another warehouse has this code."]}
    assert Warehouse.objects.count() == 1


def test_warehouse_edit_refuses_to_drop_the_default(client_for: Any, main: Warehouse) -> None:
    response = client_for("manager").post(
        "/stock/warehouses/main/edit/", {"name": "主仓", "is_sellable": "on", "is_active": "on"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["is_default"]
    main.refresh_from_db()
    assert main.is_default is True


def test_warehouse_list_counts_bins_and_stock(client_for: Any, main: Warehouse) -> None:
    Bin.objects.create(warehouse=main, code="A-1")
    Bin.objects.create(warehouse=main, code="A-2")
    response = client_for("editor").get("/stock/warehouses/")
    (row,) = response.context["warehouses"]
    assert (row.code, row.bin_count, row.on_hand) == ("main", 2, None)
    assert "New warehouse" not in response.content.decode()


def test_bin_is_added_and_renamed(client_for: Any, main: Warehouse) -> None:
    client = client_for("warehouse")
    response = client.post("/stock/warehouses/main/bins/", {"code": "a-01"})
    assert response.status_code == 302
    bin_ = Bin.objects.get()
    assert bin_.code == "A-01"
    response = client.post(f"/stock/bins/{bin_.pk}/edit/", {"code": "B-01"})
    assert (response.status_code, response.url) == (302, f"/stock/bins/{bin_.pk}/")
    bin_.refresh_from_db()
    assert bin_.code == "B-01"
    assert entries_for(bin_).filter(action="update").count() == 1


def test_duplicate_bin_is_refused_on_the_warehouse_page(client_for: Any, main: Warehouse) -> None:
    Bin.objects.create(warehouse=main, code="A-01")
    response = client_for("warehouse").post("/stock/warehouses/main/bins/", {"code": "A-01"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["This warehouse already has a bin with this code."]
    }
    assert Bin.objects.count() == 1


def test_scanning_a_sku_and_a_bin_places_it(client_for: Any, main: Warehouse, sku: Sku) -> None:
    Bin.objects.create(warehouse=main, code="A-01")
    client = client_for("warehouse")
    response = client.post("/stock/places/", {"sku": "P1-L", "warehouse": "main", "bin": "a-01"})
    assert (response.status_code, response.url) == (302, "/stock/places/?warehouse=main")
    place = SkuBin.objects.get()
    assert (place.sku, place.bin.code, place.is_primary) == (sku, "A-01", True)
    assert "P1-L is in bin main/A-01." in client.get(response.url).content.decode()


def test_placing_in_an_unknown_bin_is_shown_on_the_field(
    client_for: Any, main: Warehouse, sku: Sku
) -> None:
    response = client_for("warehouse").post(
        "/stock/places/", {"sku": "P1-L", "warehouse": "main", "bin": "Q-9"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"bin": ["This warehouse has no bin with this code."]}
    assert not SkuBin.objects.exists()


def test_primary_and_take_out_buttons_return_to_the_page(
    client_for: Any, main: Warehouse, sku: Sku
) -> None:
    first = SkuBin.objects.create(sku=sku, bin=Bin.objects.create(warehouse=main, code="A"))
    second = SkuBin.objects.create(
        sku=sku, bin=Bin.objects.create(warehouse=main, code="B"), is_primary=False
    )
    client = client_for("warehouse")
    back = f"/stock/sku/{sku.pk}/"
    response = client.post(f"/stock/places/{second.pk}/primary/", {"next": back})
    assert (response.status_code, response.url) == (302, back)
    assert list(SkuBin.objects.filter(is_primary=True)) == [second]
    response = client.post(f"/stock/places/{second.pk}/remove/", {"next": "https://evil.example/"})
    assert (response.status_code, response.url) == (302, back)
    assert list(SkuBin.objects.all()) == [first]
    first.refresh_from_db()
    assert first.is_primary is True


def test_sku_page_offers_bin_buttons_only_to_who_may_use_them(
    client_for: Any, main: Warehouse, sku: Sku
) -> None:
    SkuBin.objects.create(sku=sku, bin=Bin.objects.create(warehouse=main, code="A"))
    assert "Take out" in client_for("warehouse").get(f"/stock/sku/{sku.pk}/").content.decode()
    assert "Take out" not in client_for("buyer").get(f"/stock/sku/{sku.pk}/").content.decode()


def test_policy_page_saves_and_audits(client_for: Any, db: Any) -> None:
    data = {name: str(value) for name, value in vars(_policy(warning_steady=12)).items()}
    response = client_for("manager").post("/stock/policy/", data)
    assert (response.status_code, response.url) == (302, "/stock/policy/")
    policy = StockPolicy.objects.get(pk=1)
    assert policy.warning_steady == 12
    assert entries_for(policy).get().changes == {"warning_steady": {"before": "8", "after": "12"}}


def test_policy_page_shows_a_broken_rule_on_its_field(client_for: Any, db: Any) -> None:
    data = {name: str(value) for name, value in vars(_policy(hot_min_units=2)).items()}
    response = client_for("manager").post("/stock/policy/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["hot_min_units"]
    assert StockPolicy.objects.filter(hot_min_units=2).count() == 0


def test_menu_shows_stock_entries_to_readers_not_to_the_designer(client_for: Any, db: Any) -> None:
    labels = [str(item["label"]) for item in client_for("buyer").get("/").context["nav_items"]]
    assert [
        label for label in labels if label in {"Stock", "Stock moves", "Warehouses", "Stock alerts"}
    ] == ["Stock", "Stock moves", "Warehouses", "Stock alerts"]
    labels = [str(item["label"]) for item in client_for("designer").get("/").context["nav_items"]]
    assert "Stock" not in labels
