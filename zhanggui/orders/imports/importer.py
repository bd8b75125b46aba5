"""Importing a channel's order export: the seller centre's order report + item report
(Taobao, Tmall) or JD's order export, CSV or XLSX, of any size.

Good orders import and bad ones are rejected whole, each problem named by file, row and
column. An order already held is updated when the export says something new and left
alone when it does not, so the same files twice change nothing. Orders are committed a
batch at a time, each batch all or nothing: an import killed midway leaves every order
fully in or absent, and running it again finishes the job."""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.utils.translation import gettext as _

from zhanggui.channels.models import Channel
from zhanggui.core.errors import DomainError, InvalidInput, RowError
from zhanggui.core.tabular import UnreadableFile
from zhanggui.orders.imports import jd, taobao
from zhanggui.orders.imports.files import (
    Column,
    Layout,
    MissingColumns,
    SourceFile,
    match_columns,
    read_header,
)
from zhanggui.orders.imports.spill import Spill
from zhanggui.orders.imports.trades import Trade
from zhanggui.orders.imports.values import BEIJING, CellError, order_number
from zhanggui.orders.imports.writer import BatchOutcome, BatchWriter
from zhanggui.orders.services.intake import shop_for

BATCH_SIZE: Final = 1000
CHANNELS: Final = (Channel.TAOBAO, Channel.TMALL, Channel.JD)
# ExportOrderList201809011818.csv: the seller centre names its files by the export time.
_EXPORT_TIME = re.compile(r"ExportOrder(?:Detail)?List(\d{12}(?:\d{2})?)", re.IGNORECASE)
AUTO_REVIEW_MODULE: Final = "zhanggui.orders.services.rules"

Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    """What an import did. `as_json()` is the stable shape of API.md (`import-orders`)."""

    files: list[str]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    held_unmatched: int = 0
    unmatched_codes: Counter[str] = field(default_factory=Counter)
    auto_reviewed: int = 0

    def add(self, outcome: BatchOutcome) -> None:
        self.created += outcome.created
        self.updated += outcome.updated
        self.unchanged += outcome.unchanged
        self.rejected += outcome.rejected
        self.errors.extend(outcome.errors)
        self.held_unmatched += outcome.held_unmatched
        self.unmatched_codes.update(outcome.unmatched_codes)

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [
                {"row": error.row, "field": error.field, "message": str(error.message)}
                for error in self.errors
            ],
        }


class WrongFiles(DomainError):
    """The files given are not what the channel's import takes (the wrong report, one
    missing, one too many)."""

    code = "wrong_files"


def import_orders(
    *,
    actor: Any,
    channel: str,
    files: Sequence[SourceFile],
    shop_code: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    review: bool = True,
) -> ImportSummary:
    """Import one channel export into the shop (`shop_code`, else the channel's default).

    New paid orders go through the auto-review rules after each batch is committed
    (`review` False leaves them to review, as the benchmark of the import alone does).

    Raises UnreadableFile, MissingColumns or WrongFiles before anything is saved when a
    file cannot be used at all; row problems are returned in the summary instead."""
    if channel not in CHANNELS:
        raise InvalidInput({"channel": [_("Orders are imported from Taobao, Tmall or JD.")]})
    shop = shop_for(channel, shop_code)
    summary = ImportSummary(files=[source.name for source in files])
    with Spill() as spill:
        reader = _load(channel, shop.code, files, spill, summary)
        spill.finish_loading()
        conflicts = _report_conflicts(spill, reader, summary)
        _report_orphans(spill, reader, summary)
        total = spill.order_count()
        done = 0
        if progress:
            progress(done, total)
        writer = BatchWriter(actor=actor, shop=shop, note=_import_note(summary.files))
        for batch in spill.batches(batch_size):
            trades = [
                reader.trade(order, lines)
                for order, lines in batch
                if order.order_no not in conflicts
            ]
            outcome = writer.write(trades)
            summary.add(outcome)
            if review:
                summary.auto_reviewed += auto_review(outcome.to_review, actor=actor)
            done += len(batch)
            if progress:
                progress(done, total)
    order = {name: index for index, name in enumerate(summary.files)}
    summary.errors.sort(key=lambda error: (order.get(error.file, 0), error.row))
    return summary


def auto_review(order_ids: list[int], *, actor: Any = None) -> int:
    """Hand newly paid orders to the review rules (services/rules.py), when that module is
    installed. Returns how many orders were handed over."""
    if not order_ids or importlib.util.find_spec(AUTO_REVIEW_MODULE) is None:
        return 0
    rules = importlib.import_module(AUTO_REVIEW_MODULE)
    rules.auto_review(order_ids, actor=actor)
    return len(order_ids)


def _import_note(names: list[str]) -> str:
    return _("Imported from %(files)s") % {"files": " + ".join(names)}


def export_time(names: Sequence[str]) -> datetime | None:
    """When the seller centre wrote the export, from its file name (Beijing time)."""
    for name in names:
        found = _EXPORT_TIME.search(name)
        if found:
            digits = found.group(1)
            try:
                moment = datetime.strptime(  # noqa: DTZ007 (Beijing time, attached below)
                    digits, "%Y%m%d%H%M%S" if len(digits) == 14 else "%Y%m%d%H%M"
                )
            except ValueError:
                continue
            return moment.replace(tzinfo=BEIJING)
    return None


# ---------------------------------------------------------------- reading the files

Reader = taobao.TaobaoReader | jd.JdReader


@dataclass
class _Opened:
    source: SourceFile
    header_row: int
    header: list[str]
    records: Iterator[tuple[int, list[str]]]


def _load(
    channel: str, shop_code: str, files: Sequence[SourceFile], spill: Spill, summary: ImportSummary
) -> Reader:
    opened = [_Opened(source, *read_header(source)) for source in files]
    modified_at = export_time([source.name for source in files])
    if channel == Channel.JD:
        if len(opened) != 1:
            raise WrongFiles(_("A JD import takes one file: the order export."))
        (only,) = opened
        layout = _layout(only, jd.COLUMNS)
        spill.add_rows(_jd_rows(only, layout, summary))
        return jd.JdReader(channel, shop_code, layout, modified_at)
    orders_file, items_file = _taobao_pair(opened)
    orders = _layout(orders_file, taobao.ORDER_COLUMNS)
    items = _layout(items_file, taobao.LINE_COLUMNS)
    spill.add_rows(_rows("orders", orders_file, orders, taobao.ORDER_KEYS, summary))
    spill.add_rows(_rows("lines", items_file, items, taobao.LINE_KEYS, summary))
    return taobao.TaobaoReader(channel, shop_code, orders, items, modified_at)


def _score(header: Sequence[str], columns: Sequence[Column]) -> float:
    _layout, missing = match_columns("", 1, header, columns)
    required = [column for column in columns if column.required]
    return (len(required) - len(missing)) / len(required)


def _taobao_pair(opened: list[_Opened]) -> tuple[_Opened, _Opened]:
    """The order report and the item report, whichever order they were given in."""
    if len(opened) != 2:
        raise WrongFiles(
            _(
                "A Taobao or Tmall import takes two files: the order report "
                "(ExportOrderList…) and the item report (ExportOrderDetailList…)."
            )
        )
    scores = [
        (_score(item.header, taobao.ORDER_COLUMNS), _score(item.header, taobao.LINE_COLUMNS))
        for item in opened
    ]
    (first_orders, first_items), (second_orders, second_items) = scores
    if first_items > first_orders and second_orders > second_items:
        return opened[1], opened[0]
    for kind, which in ((0, _("order reports")), (1, _("item reports"))):
        if scores[0][kind] == scores[1][kind] == 1:
            raise WrongFiles(
                _("Both files are %(which)s; give one order report and one item report.")
                % {"which": which}
            )
    # Otherwise as given: a wrong or damaged file is named by its missing columns.
    return opened[0], opened[1]


def _layout(opened: _Opened, columns: Sequence[Column]) -> Layout:
    layout, missing = match_columns(opened.source.name, opened.header_row, opened.header, columns)
    if len(missing) == len([column for column in columns if column.required]):
        raise UnreadableFile(
            _(
                "%(file)s: the header is not one of this channel's order exports (is it the "
                "right file, saved as CSV in GBK or UTF-8, or as XLSX?). Columns needed: "
                "%(columns)s."
            )
            % {"file": opened.source.name, "columns": "、".join(missing)}
        )
    if missing:
        raise MissingColumns(file=opened.source.name, columns=missing, row=opened.header_row)
    return layout


def _keyed(
    opened: _Opened, layout: Layout, summary: ImportSummary
) -> Iterator[tuple[str, int, list[str]]]:
    """(order number, row, record) of every non-blank record; a record whose order number
    cannot be read is an error, and rejected."""
    index = layout.positions["order_no"]
    for number, record in opened.records:
        if not any(value.strip() for value in record):
            continue
        try:
            order_no = order_number(record[index] if index < len(record) else "")
        except CellError as error:
            summary.rejected += 1
            summary.errors.append(
                RowError(
                    file=layout.file, row=number, field=layout.label("order_no"), message=str(error)
                )
            )
            continue
        yield order_no, number, record


def _rows(
    table: str, opened: _Opened, layout: Layout, keys: Sequence[str], summary: ImportSummary
) -> Iterator[tuple[str, str, int, list[str | None]]]:
    for order_no, number, record in _keyed(opened, layout, summary):
        yield table, order_no, number, layout.pick(record, keys)


def _jd_rows(
    opened: _Opened, layout: Layout, summary: ImportSummary
) -> Iterator[tuple[str, str, int, list[str | None]]]:
    """JD repeats the order's columns on each of its lines: each row gives the order's part
    (rows that disagree on it are a conflict, like a repeated order) and a line."""
    for order_no, number, record in _keyed(opened, layout, summary):
        order = layout.pick(record, jd.ORDER_KEYS)
        # A row that leaves the order's columns blank continues the order above it.
        if any(value and value.strip() for value in order[1:]):
            yield "orders", order_no, number, order
        yield "lines", order_no, number, layout.pick(record, jd.LINE_KEYS)


def _report_conflicts(spill: Spill, reader: Reader, summary: ImportSummary) -> set[str]:
    """An order number given twice with different content: neither can be trusted."""
    conflicts = spill.conflicts()
    if isinstance(reader, taobao.TaobaoReader):
        layout = reader.orders
        message = _(
            "Order %(order_no)s appears %(count)d times in this file with different content "
            "(rows %(rows)s); none of them was imported."
        )
    else:
        layout = reader.layout
        message = _(
            "The %(count)d rows of order %(order_no)s (rows %(rows)s) disagree on the order's "
            "own columns; the order was not imported."
        )
    for order_no, rows in conflicts.items():
        summary.rejected += 1
        for row in rows:
            summary.errors.append(
                RowError(
                    file=layout.file,
                    row=row,
                    field=layout.label("order_no"),
                    message=message
                    % {
                        "order_no": order_no,
                        "count": len(rows),
                        "rows": ", ".join(str(number) for number in rows),
                    },
                )
            )
    return set(conflicts)


def _report_orphans(spill: Spill, reader: Reader, summary: ImportSummary) -> None:
    if not isinstance(reader, taobao.TaobaoReader):
        return  # JD's order and its lines are the same rows
    orphans: set[str] = set()
    for order_no, row in spill.orphan_lines():
        orphans.add(order_no)
        summary.errors.append(
            RowError(
                file=reader.items.file,
                row=row,
                field=reader.items.label("order_no"),
                message=_("Order %(order_no)s is not in the order report %(file)s.")
                % {"order_no": order_no, "file": reader.orders.file},
            )
        )
    summary.rejected += len(orphans)


__all__ = ["ImportSummary", "Trade", "WrongFiles", "import_orders"]
