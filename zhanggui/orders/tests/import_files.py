"""Export files for the import tests, written as the channels write them, and a helper to
import them."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from zhanggui.orders.imports import ImportSummary, SourceFile, import_orders
from zhanggui.orders.imports.samples import (
    ITEM_HEADER_CLASSIC,
    ORDER_HEADER_2021,
    SampleLine,
    SampleOrder,
    item_report,
    line_values,
    order_report,
    order_values,
)

DATA = Path(__file__).parent / "data"
HEADER_VERSIONS: dict[str, list[str]] = json.loads(
    (DATA / "taobao_order_report_header_versions.json").read_text(encoding="utf-8")
)
ORDERS_NAME = "ExportOrderList201809011818.csv"
ITEMS_NAME = "ExportOrderDetailList201809011818.csv"

Files = list[tuple[str, bytes]]


def sample(number: int, *lines: tuple[str, int], **fields: Any) -> SampleOrder:
    """An order of the seller centre: sample(1, ("K-S", 2), ("K-M", 1), memo="...")."""
    return SampleOrder(
        order_no=f"{3515313147329357900 + number}",
        lines=[
            SampleLine(
                merchant_code=code,
                quantity=quantity,
                oid=f"{4515313147329357900 + number * 10 + index}",
            )
            for index, (code, quantity) in enumerate(lines or (("K-S", 1),))
        ],
        **fields,
    )


def taobao_files(
    orders: Sequence[SampleOrder],
    *,
    header: Sequence[str] = ORDER_HEADER_2021,
    items_header: Sequence[str] = ITEM_HEADER_CLASSIC,
    encoding: str = "gbk",
    stamp: str = "201809011818",
) -> Files:
    return [
        (f"ExportOrderList{stamp}.csv", order_report(orders, header=header, encoding=encoding)),
        (
            f"ExportOrderDetailList{stamp}.csv",
            item_report(orders, header=items_header, encoding=encoding),
        ),
    ]


def xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def taobao_xlsx_orders(
    orders: Sequence[SampleOrder], header: Sequence[str] = ORDER_HEADER_2021
) -> bytes:
    """The order report as the seller centre's XLSX: plain text cells, no ="…" marks."""
    rows = []
    for order in orders:
        values = order_values(order)
        values["联系手机"] = order.mobile
        rows.append([values.get(name.strip(), "") for name in header])
    return xlsx(header, rows)


def taobao_xlsx_items(
    orders: Sequence[SampleOrder], header: Sequence[str] = ITEM_HEADER_CLASSIC
) -> bytes:
    rows = [
        [line_values(order, line).get(name, "") for name in header]
        for order in orders
        for line in order.lines
    ]
    return xlsx(header, rows)


def run_import(
    files: Files, *, channel: str = "taobao", actor: Any = None, **options: Any
) -> ImportSummary:
    options.setdefault("review", False)
    return import_orders(
        actor=actor,
        channel=channel,
        files=[SourceFile(name, io.BytesIO(content)) for name, content in files],
        **options,
    )


def errors_of(summary: ImportSummary) -> list[tuple[str, int, str]]:
    return [(error.file, error.row, error.field) for error in summary.errors]


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "gbk") -> bytes:
    """A CSV with every field quoted, as the seller centre writes its files."""
    text = "".join(",".join(f'"{cell}"' for cell in row) + "\r\n" for row in rows)
    return text.encode(encoding)
