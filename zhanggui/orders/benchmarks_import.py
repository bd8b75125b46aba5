"""Import benchmark (`zhanggui bench --only orders.import`): a seller-centre export of
100,000 orders with 1-5 lines each (GBK CSV, order report + item report) imported on the
bench's fresh database. `ZHANGGUI_BENCH_IMPORT_ORDERS` scales it down (e.g. 10000).

The figures: orders per second from reading the files to the last commit, and the peak
memory the import added to the process (ru_maxrss after minus before, in MB): the files
are streamed, so it stays flat however big they are. The new orders are left to review
(auto-review has its own benchmark)."""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Final

from zhanggui.catalog.models import Product, Sku
from zhanggui.core.bench import benchmark
from zhanggui.orders.imports import SourceFile, import_orders
from zhanggui.orders.imports.samples import (
    SampleLine,
    SampleOrder,
    write_item_report,
    write_order_report,
)
from zhanggui.orders.models import Order

DEFAULT_ORDERS: Final = 100_000
SKU_COUNT: Final = 2_000
ADDRESSES: Final = (
    "浙江省 杭州市 西湖区 文三路90号东部软件园3号楼(310012)",
    "广东省 广州市 越秀区 北京路步行街188号(000000)",
    "广东省 深圳市 南山区 科技园科苑路15号(518057)",
    "北京 北京市 朝阳区 望京街道阜通东大街6号院(100102)",
    "上海 上海市 浦东新区 张江路665号(201203)",
    "江苏省 南京市 鼓楼区 中山北路30号(210008)",
    "四川省 成都市 武侯区 人民南路四段11号(610041)",
    "湖北省 武汉市 洪山区 珞喻路1037号(430074)",
    "广西壮族自治区 南宁市 青秀区 民族大道100号(530022)",
    "河南省 济源市 其它区 沁园路街道宣化街(000000)",
    "山东省 青岛市 市南区 香港中路76号(266071)",
    "福建省 厦门市 思明区 莲前西路2号(361008)",
)
STATUSES: Final = (
    ("买家已付款，等待卖家发货", 80),
    ("交易成功", 8),
    ("卖家已发货，等待买家确认", 6),
    ("等待买家付款", 4),
    ("交易关闭", 2),
)
_memory: dict[str, float] = {}


def order_count() -> int:
    return int(os.environ.get("ZHANGGUI_BENCH_IMPORT_ORDERS", DEFAULT_ORDERS))


def make_catalog(count: int) -> list[str]:
    """`count` SKUs (ten per product), inserted in bulk; returns their merchant codes."""
    products = Product.objects.bulk_create(
        [Product(item_no=f"IM{n:05d}", title=f"导入压测{n}") for n in range(count // 10)],
        batch_size=1000,
    )
    skus = Sku.objects.bulk_create(
        [
            Sku(
                product_id=product.pk,
                merchant_code=f"{product.item_no}-{size}",
                size=str(size),
                price=Decimal("59.00"),
            )
            for product in products
            for size in range(10)
        ],
        batch_size=1000,
    )
    return [sku.merchant_code for sku in skus]


def sample_orders(count: int, codes: list[str], seed: int = 11) -> Iterator[SampleOrder]:
    """Orders as a busy shop sells them: 1-5 lines, mostly paid, some messages and memos,
    one line in a hundred with a merchant code we do not know."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    statuses = [status for status, _weight in STATUSES]
    weights = [weight for _status, weight in STATUSES]
    for n in range(count):
        status = rng.choices(statuses, weights)[0]
        lines = [
            SampleLine(
                merchant_code=rng.choice(codes) if rng.random() > 0.01 else f"NEW-{n % 50}",
                quantity=rng.randint(1, 3),
                price=Decimal(rng.choice(("59.00", "89.90", "129.00", "239.00"))),
                oid=f"{4000000000000000000 + n * 10 + index}",
            )
            for index in range(rng.randint(1, 5))
        ]
        yield SampleOrder(
            order_no=f"{3000000000000000000 + n}",
            lines=lines,
            status=status,
            buyer_nick=f"tb_{rng.randrange(count // 2 + 1):07d}",
            address=rng.choice(ADDRESSES),
            mobile=f"13{rng.randrange(10**9):09d}",
            paid="" if status == "等待买家付款" else "2026-11-11 00:02:11",
            created="2026-11-11 00:01:05",
            post_fee=Decimal("0.00") if rng.random() < 0.8 else Decimal("8.00"),
            buyer_message="麻烦发顺丰，谢谢" if rng.random() < 0.05 else "",
            memo="送小样" if rng.random() < 0.03 else "",
        )


def write_export(directory: Path, count: int, codes: list[str]) -> tuple[Path, Path]:
    orders_path = directory / "ExportOrderList202611110930.csv"
    items_path = directory / "ExportOrderDetailList202611110930.csv"
    with orders_path.open("wb") as stream:
        write_order_report(stream, sample_orders(count, codes))
    with items_path.open("wb") as stream:
        write_item_report(stream, sample_orders(count, codes))
    return orders_path, items_path


def _proc_status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Start the peak (VmHWM) afresh at the current size: Linux's clear_refs 5."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def _max_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes / KiB


class PeakMemory:
    """Peak resident memory a block adds to the process, in MB: VmHWM after the block
    minus VmRSS before it on Linux; elsewhere the growth of ru_maxrss (which misses a
    block that stays below an earlier peak)."""

    def __enter__(self) -> PeakMemory:
        self.exact = _reset_peak()
        self.before = (_proc_status_mb("VmRSS") if self.exact else None) or _max_rss_mb()
        self.added = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        after = (_proc_status_mb("VmHWM") if self.exact else None) or _max_rss_mb()
        self.added = max(after - self.before, 0.0)


def run_import() -> tuple[float, float]:
    """(orders per second, peak MB added) of one import of a fresh export."""
    count = order_count()
    codes = make_catalog(SKU_COUNT)
    with tempfile.TemporaryDirectory(prefix="zhanggui-bench-import-") as directory:
        orders_path, items_path = write_export(Path(directory), count, codes)
        with (
            PeakMemory() as memory,
            orders_path.open("rb") as orders,
            items_path.open("rb") as items,
        ):
            started = time.perf_counter()
            cpu_started = time.process_time()
            summary = import_orders(
                actor=None,
                channel="taobao",
                files=[SourceFile(orders_path.name, orders), SourceFile(items_path.name, items)],
                review=False,
            )
            elapsed = time.perf_counter() - started
            _memory["cpu_rate"] = count / (time.process_time() - cpu_started)
        peak = memory.added
    if summary.created != count or Order.objects.count() != count:
        raise AssertionError(f"imported {summary.created} of {count} orders: {summary.errors[:3]}")
    return count / elapsed, peak


@benchmark(
    "orders.import_taobao_export",
    unit="orders/s",
    higher_is_better=True,
    description="seller-centre export (GBK CSV, 100,000 orders of 1-5 lines) imported, end to end",
)
def import_speed() -> float:
    rate, peak = run_import()
    _memory["peak"] = peak
    return rate


@benchmark(
    "orders.import_taobao_export_peak_memory",
    unit="MB",
    description="peak resident memory the 100,000-order import added to the process",
)
def import_memory() -> float:
    # Measured by the speed run just before (the names sort together); on its own, run it.
    if "peak" not in _memory:
        _rate, _memory["peak"] = run_import()
    return _memory.pop("peak")
