"""Catalog benchmarks (`zhanggui bench`): bulk import speed and the product list page.

Each runs on a freshly flushed database, so it creates the role groups and rows it needs."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Final

from django.db import transaction
from django.urls import reverse

from zhanggui.catalog import sheet
from zhanggui.catalog.imports import import_catalog
from zhanggui.catalog.models import Product, Sku
from zhanggui.core.bench import benchmark
from zhanggui.core.bench_http import manager_client, median_get_ms
from zhanggui.core.tabular import Cell, write_xlsx

COLORS: Final = ("黑色", "白色", "红色", "藏青", "灰色")
SIZES: Final = ("S", "M", "L", "XL", "XXL")


def catalog_xlsx(products: int, skus_per_product: int) -> bytes:
    """A realistic import file: Chinese headers, repeated product columns, no barcodes."""
    header = [column.header for column in sheet.COLUMNS]
    rows: list[list[Cell]] = []
    for number in range(products):
        item_no = f"B{number:05d}"
        title = f"春季新款纯棉T恤{number}"
        line = ("引流款", "活动款", "利润款")[number % 3]
        for index in range(skus_per_product):
            color, size = COLORS[index % len(COLORS)], SIZES[index // len(COLORS) % len(SIZES)]
            code = f"{item_no}-{index:02d}"
            product: list[Cell] = [item_no, title, "T恤", line, "否", ""]
            prices: list[Cell] = [Decimal("59.00"), Decimal("55.00"), Decimal("21.50"), 180 + index]
            rows.append([*product, color, size, code, None, *prices])
    return write_xlsx(header, rows)


@benchmark(
    "catalog.import_10k_skus_xlsx",
    unit="SKUs/s",
    higher_is_better=True,
    description="import_catalog of an XLSX with 2,000 products x 5 SKUs into an empty catalog",
)
def import_10k_skus_xlsx() -> float:
    content = catalog_xlsx(2000, 5)
    started = time.perf_counter()
    summary = import_catalog(actor=None, filename="bench.xlsx", content=content)
    elapsed = time.perf_counter() - started
    if summary.skus_created != 10_000:
        raise RuntimeError(f"expected 10,000 SKUs, imported {summary.skus_created}")
    return summary.skus_created / elapsed


@transaction.atomic
def _fill_catalog(products: int) -> None:
    Product.objects.bulk_create(
        [
            Product(item_no=f"P{n:05d}", title=f"{('连衣裙', '牛仔裤', 'T恤')[n % 3]}夏季新款{n}")
            for n in range(products)
        ],
        batch_size=1000,
    )
    ids = Product.objects.order_by("id").values_list("id", "item_no")
    skus = [
        Sku(product_id=pk, merchant_code=f"{item_no}-{size}", size=size, price=Decimal("99.00"))
        for pk, item_no in ids
        for size in (("M", "L") if pk % 2 else ("M",))
    ]
    Sku.objects.bulk_create(skus, batch_size=1000)


@benchmark(
    "catalog.product_list_10k_ms",
    unit="ms",
    description="median GET of the product list over 10,000 products: the slower of the "
    "first page and a Chinese search",
)
def product_list_10k_ms() -> float:
    _fill_catalog(10_000)
    client = manager_client()
    url = reverse("catalog:product_list")
    return max(median_get_ms(client, url), median_get_ms(client, f"{url}?q=牛仔裤"))
