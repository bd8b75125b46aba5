from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from zhanggui.catalog import services as catalog
from zhanggui.inventory import services
from zhanggui.inventory.models import MoveKind, StockLevel, Warehouse
from zhanggui.inventory.services import MoveInput
from zhanggui.inventory.tasks import check_stock_ledger

CONSISTENT = {
    "checked": 2,
    "differences": [],
    "daily_sales_checked": 0,
    "daily_sales_differences": [],
}
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture
def skus(db):
    product = catalog.create_product(
        actor=None,
        data=catalog.ProductInput(item_no="C1", title="盘点"),
        skus=[catalog.SkuInput(merchant_code=f"C1-{size}", size=size, price="10") for size in "SM"],
    )
    stocked = list(product.skus.order_by("merchant_code"))
    for sku in stocked:
        services.post_move(actor=None, move=MoveInput(sku.pk, 5, MoveKind.RECEIPT))
    services.reserve(actor=None, sku_id=stocked[0].pk, quantity=2, source_type="o", source_id="1")
    return stocked


def check_stock(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("check_stock", *args, stdout=out)
    return out.getvalue()


def check_stock_failing(*args):
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("check_stock", *args, stdout=out)
    assert error.value.returncode == 1
    return out.getvalue(), str(error.value)


def test_check_stock_passes_when_balances_equal_the_ledger(skus):
    assert check_stock() == (
        "Balances checked: 2. Differences from the ledger: 0.\n"
        "Daily sales totals checked: 0. Differences from the ledger: 0.\n"
    )


def test_check_stock_json_is_one_object(skus):
    assert json.loads(check_stock("--json")) == CONSISTENT


def test_check_stock_on_an_empty_database_checks_nothing(db):
    assert json.loads(check_stock("--json")) == {**CONSISTENT, "checked": 0}


def test_check_stock_fails_on_a_corrupted_balance_and_names_it(skus):
    StockLevel.objects.filter(sku=skus[1]).update(on_hand=7)
    out, message = check_stock_failing()
    assert out.splitlines() == [
        "Balances checked: 2. Differences from the ledger: 1.",
        "Daily sales totals checked: 0. Differences from the ledger: 0.",
        "merchant code  warehouse  on hand  ledger  reserved  reservations",
        "C1-S           main       7        5       0         0",
    ]
    assert message == "1 balance differs from the ledger."


def test_check_stock_json_lists_each_difference(skus):
    StockLevel.objects.filter(sku=skus[0]).update(reserved=0)
    main = Warehouse.objects.get(code="main")
    out, _ = check_stock_failing("--json")
    assert json.loads(out) == {
        **CONSISTENT,
        "differences": [
            {
                "sku_id": skus[0].pk,
                "warehouse_id": main.pk,
                "merchant_code": "C1-M",
                "warehouse": "main",
                "on_hand": 5,
                "ledger_on_hand": 5,
                "reserved": 0,
                "active_reserved": 2,
            }
        ],
    }


def test_check_stock_finds_a_ledger_without_a_balance(skus):
    StockLevel.objects.filter(sku=skus[1]).delete()
    out, _ = check_stock_failing("--json")
    [difference] = json.loads(out)["differences"]
    assert (difference["merchant_code"], difference["on_hand"], difference["ledger_on_hand"]) == (
        "C1-S",
        0,
        5,
    )


def test_nightly_task_runs_the_same_check(skus, caplog):
    assert check_stock_ledger.call() == CONSISTENT
    StockLevel.objects.filter(sku=skus[1]).update(on_hand=4)
    with caplog.at_level(logging.ERROR, logger="zhanggui.inventory.tasks"):
        result = check_stock_ledger.call()
    assert [(d["merchant_code"], d["on_hand"]) for d in result["differences"]] == [("C1-S", 4)]
    assert len(caplog.records) == 1
    assert "C1-S" in caplog.records[0].getMessage()


def test_nightly_task_can_be_queued(skus):
    with override_settings(TASKS=IMMEDIATE_TASKS):
        result = check_stock_ledger.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == CONSISTENT
