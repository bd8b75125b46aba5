from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from zhanggui.catalog import services as catalog
from zhanggui.catalog.models import Sku
from zhanggui.inventory import services
from zhanggui.inventory.alerts import StockAlert, count_stock_alerts, list_stock_alerts
from zhanggui.inventory.models import MoveKind, StockPolicy, Warehouse
from zhanggui.inventory.services import MoveInput


@pytest.fixture
def skus(db) -> dict[str, Sku]:
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="AL", title="预警"),
        skus=[catalog.SkuInput(merchant_code=f"AL-{s}", size=s, price="9") for s in "SMLX"],
    )
    return {sku.size: sku for sku in product.skus.all()}


def _receive(sku: Sku, quantity: int, warehouse: Warehouse | None = None) -> None:
    warehouse_id = warehouse.pk if warehouse else None
    services.post_move(
        actor=None, move=MoveInput(sku.pk, quantity, MoveKind.RECEIPT, warehouse_id=warehouse_id)
    )


def _sell(sku: Sku, units: int, days_ago: int = 1) -> None:
    # A back-dated clock dates the move and its daily sales roll-up together.
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        services.post_move(actor=None, move=MoveInput(sku.pk, -units, MoveKind.SALE))


def _alerts() -> list[tuple[str, int, str, int, int]]:
    codes = dict(Sku.objects.values_list("pk", "merchant_code"))
    return [
        (codes[a.sku_id], a.available, a.velocity, a.warning_level, a.shortfall)
        for a in list_stock_alerts()
    ]


def test_sku_under_its_class_level_is_listed_with_units_to_reach_it(skus):
    # default policy: slow <= 3 sold, warning slow 2, steady 8, hot 20
    _receive(skus["S"], 2)
    _receive(skus["M"], 1)
    _receive(skus["L"], 50)
    _receive(skus["X"], 2)
    assert _alerts() == [("AL-M", 1, "slow", 2, 1)]


def test_sku_with_no_stock_at_all_is_listed(skus):
    for size in "SML":
        _receive(skus[size], 5)
    assert _alerts() == [("AL-X", 0, "slow", 2, 2)]


def test_hot_sku_uses_the_hot_level_and_comes_first(skus):
    _receive(skus["S"], 60)
    _sell(skus["S"], 45)  # hot: 15 left, level 20
    _receive(skus["M"], 10)
    _sell(skus["M"], 5)  # steady: 5 left, level 8
    _receive(skus["L"], 2)
    _receive(skus["X"], 1)  # slow: 1 left, level 2
    assert _alerts() == [
        ("AL-S", 15, "hot", 20, 5),
        ("AL-M", 5, "steady", 8, 3),
        ("AL-X", 1, "slow", 2, 1),
    ]


def test_sales_before_the_window_do_not_make_a_sku_hot(skus):
    for size in "SMLX":
        _receive(skus[size], 60)
    _sell(skus["S"], 45, days_ago=40)
    assert _alerts() == []


def test_reserved_and_unsellable_stock_do_not_count(skus):
    defects = Warehouse.objects.create(code="defect", name="次品仓", is_sellable=False)
    for size in "LX":
        _receive(skus[size], 5)
    _receive(skus["S"], 3)
    services.reserve(actor=None, sku_id=skus["S"].pk, quantity=2, source_type="o", source_id="1")
    _receive(skus["M"], 9, warehouse=defects)
    assert _alerts() == [("AL-M", 0, "slow", 2, 2), ("AL-S", 1, "slow", 2, 1)]


def test_stock_across_sellable_warehouses_adds_up(skus):
    annex = Warehouse.objects.create(code="annex", name="二号仓")
    for size in "LX":
        _receive(skus[size], 5)
    _receive(skus["S"], 1)
    _receive(skus["S"], 1, warehouse=annex)
    _receive(skus["M"], 1, warehouse=annex)
    assert _alerts() == [("AL-M", 1, "slow", 2, 1)]


def test_inactive_skus_are_not_alerted(skus):
    for size in "SML":
        _receive(skus[size], 5)
    catalog.update_sku(actor=None, sku_id=skus["X"].pk, changes={"is_active": False})
    assert _alerts() == []


def test_levels_follow_the_policy(skus):
    for size in "SMLX":
        _receive(skus[size], 5)
    assert count_stock_alerts() == 0
    StockPolicy.objects.update_or_create(pk=1, defaults={"warning_slow": 6})
    assert count_stock_alerts() == 4
    StockPolicy.objects.filter(pk=1).update(warning_slow=0, warning_steady=0, warning_hot=0)
    assert _alerts() == []


def test_alerts_cost_three_queries_however_many_skus(skus, django_assert_num_queries):
    assert count_stock_alerts() == 4  # creates the policy
    with django_assert_num_queries(3):  # policy, velocity (window sales), candidates
        assert count_stock_alerts() == 4


def test_shortfall_is_level_less_available():
    alert = StockAlert(sku_id=1, available=3, velocity="steady", warning_level=8)
    with translation.override("en"):
        assert (alert.shortfall, alert.velocity_label) == (5, "Steady")


def test_buyer_home_page_shows_the_alert_queue(client_for: Any, skus, settings) -> None:
    settings.LANGUAGE_CODE = "en"
    _receive(skus["S"], 9)
    response = client_for("buyer").get("/")
    buyer = {str(s.role.label): s.queues for s in response.context["sections"]}["Buyer"]
    rows = {str(q.label): (q.count, q.url) for q in buyer}
    assert rows["SKUs under their stock warning level"] == (3, "/stock/?below_warning=1")


@pytest.mark.parametrize("role", ["warehouse", "editor"])
def test_other_roles_do_not_get_the_alert_queue(client_for: Any, role: str, db) -> None:
    response = client_for(role).get("/")
    labels = [str(q.label) for s in response.context["sections"] for q in s.queues]
    assert "SKUs under their stock warning level" not in labels
