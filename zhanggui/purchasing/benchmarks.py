"""Purchasing and stocktake benchmarks (`zhanggui bench`). Each runs on a freshly flushed
database, so it creates the warehouse and rows it needs, in bulk."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Final

from django.db import transaction

from zhanggui.catalog.models import Product, Sku
from zhanggui.core.bench import benchmark
from zhanggui.core.tabular import Cell, write_csv, write_xlsx
from zhanggui.inventory.models import MoveKind, StockLevel, StockMove, Warehouse
from zhanggui.inventory.stocktake_sheets import COLUMNS, import_counts
from zhanggui.inventory.stocktakes import create_stocktake, post_stocktake, start_counting

SIZES: Final = ("S", "M", "L", "XL", "XXL")
BATCH: Final = 2000


@transaction.atomic
def _stocked_warehouse(skus: int) -> tuple[Warehouse, list[tuple[int, str, int]]]:
    """A default warehouse holding `skus` SKUs, each with a receipt and its balance; returns
    (sku id, merchant code, on hand) per SKU."""
    warehouse, _created = Warehouse.objects.get_or_create(
        code="main", defaults={"name": "主仓", "is_default": True}
    )
    products = Product.objects.bulk_create(
        [Product(item_no=f"ST{n:05d}", title=f"盘点基准款{n}") for n in range(skus // len(SIZES))],
        batch_size=BATCH,
    )
    Sku.objects.bulk_create(
        [
            Sku(
                product_id=product.pk,
                merchant_code=f"{product.item_no}-{size}",
                size=size,
                price=Decimal("99.00"),
                cost_price=Decimal("31.50"),
            )
            for product in products
            for size in SIZES
        ],
        batch_size=BATCH,
    )
    stocked = [
        (pk, code, 5 + pk % 20)
        for pk, code in Sku.objects.order_by("pk").values_list("pk", "merchant_code")
    ]
    StockMove.objects.bulk_create(
        [
            StockMove(sku_id=pk, warehouse=warehouse, kind=MoveKind.RECEIPT, quantity=quantity)
            for pk, _code, quantity in stocked
        ],
        batch_size=BATCH,
    )
    StockLevel.objects.bulk_create(
        [
            StockLevel(sku_id=pk, warehouse=warehouse, on_hand=quantity)
            for pk, _c, quantity in stocked
        ],
        batch_size=BATCH,
    )
    return warehouse, stocked


def _filled_sheet(stocked: list[tuple[int, str, int]], *, xlsx: bool) -> tuple[bytes, int]:
    """The count sheet as people hand it back: every column of the blind export, the
    counted column filled, one SKU in ten off by one (up or down)."""
    header = [column.header for column in COLUMNS if column.field != "expected"]
    rows: list[list[Cell]] = []
    differing = 0
    for index, (_pk, code, quantity) in enumerate(stocked):
        counted = quantity
        if index % 10 == 0:
            counted += 1 if index % 20 == 0 else -1
            differing += 1
        rows.append([code, "", "盘点基准款", "", code.rsplit("-", 1)[1], "", counted])
    content = write_xlsx(header, rows) if xlsx else write_csv(header, rows, encoding="gbk")
    return content, differing


def _import_and_post(*, xlsx: bool) -> float:
    warehouse, stocked = _stocked_warehouse(20_000)
    draft = create_stocktake(actor=None, warehouse_id=warehouse.pk)
    stocktake = start_counting(actor=None, stocktake_id=draft.pk)
    content, differing = _filled_sheet(stocked, xlsx=xlsx)
    started = time.perf_counter()
    summary = import_counts(
        actor=None,
        stocktake_id=stocktake.pk,
        filename="count.xlsx" if xlsx else "count.csv",
        content=content,
    )
    result = post_stocktake(actor=None, stocktake_id=stocktake.pk)
    elapsed = time.perf_counter() - started
    if (summary.counted, result.moves) != (20_000, differing):
        raise RuntimeError(f"counted {summary.counted}, posted {result.moves} of {differing}")
    return elapsed


@benchmark(
    "inventory.stocktake_20k_skus_s",
    unit="s",
    description="import a filled-in count sheet of 20,000 SKUs (CSV, GBK; 10% differ) and post it",
)
def stocktake_20k_skus_s() -> float:
    return _import_and_post(xlsx=False)


@benchmark(
    "inventory.stocktake_20k_skus_xlsx_s",
    unit="s",
    description="the same from an XLSX sheet; most of it is openpyxl reading 20,000 rows",
)
def stocktake_20k_skus_xlsx_s() -> float:
    return _import_and_post(xlsx=True)
