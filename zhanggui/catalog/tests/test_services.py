from __future__ import annotations

from decimal import Decimal

import pytest

from zhanggui.catalog import services
from zhanggui.catalog.models import Sku
from zhanggui.core.errors import InvalidInput, NotAllowed
from zhanggui.core.models import AuditEntry


@pytest.fixture
def product(manager):
    return services.create_product(
        actor=manager,
        data=services.ProductInput(item_no="A1001", title="春季新款纯棉T恤女短袖"),
        skus=[
            services.SkuInput(merchant_code="A1001-BK-M", color="黑色", size="M", price="59"),
            services.SkuInput(merchant_code="A1001-BK-L", color="黑色", size="L", price="59.00"),
        ],
    )


def test_create_product_with_skus_generates_ean13_barcodes(product):
    barcodes = list(product.skus.order_by("id").values_list("barcode", flat=True))
    assert [len(code) for code in barcodes] == [13, 13]
    assert all(code.startswith("20") for code in barcodes)


def test_create_product_rejects_title_over_60_bytes_and_saves_nothing(manager):
    with pytest.raises(InvalidInput) as error:
        services.create_product(
            actor=manager, data=services.ProductInput(item_no="B1", title="长" * 31)
        )
    assert "title" in error.value.fields
    assert not Sku.objects.exists()


def test_price_change_is_audited_with_before_and_after(product, manager):
    sku = product.skus.get(size="M")
    services.update_sku(actor=manager, sku_id=sku.pk, changes={"price": "69.90"})
    sku.refresh_from_db()
    assert sku.price == Decimal("69.90")
    entry = AuditEntry.objects.filter(object_id=str(sku.pk), action="update").get()
    assert entry.changes == {"price": {"before": "59.00", "after": "69.90"}}
    assert entry.actor == manager


def test_warehouse_cannot_change_price(product, make_user):
    sku = product.skus.get(size="M")
    with pytest.raises(NotAllowed):
        services.update_sku(actor=make_user("warehouse"), sku_id=sku.pk, changes={"price": "1"})
    sku.refresh_from_db()
    assert sku.price == Decimal("59.00")


def test_promotion_changes_a_price_but_not_the_weight(product, make_user):
    promoter = make_user("promotion")
    sku = product.skus.get(size="M")
    services.update_sku(actor=promoter, sku_id=sku.pk, changes={"price": "49.90"})
    with pytest.raises(NotAllowed):
        services.update_sku(actor=promoter, sku_id=sku.pk, changes={"weight_g": 300})
    sku.refresh_from_db()
    assert (sku.price, sku.weight_g) == (Decimal("49.90"), None)
