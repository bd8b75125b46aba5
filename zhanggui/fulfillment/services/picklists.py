"""The pick list (拣货单) of a label batch: every SKU the batch's parcels carry, summed, in
the order a picker walks the shelves (the primary bin in the default warehouse; SKUs
without a bin last), as PDF (A4, STSong-Light) and XLSX.

"Orders" counts the parcels (labels) of the batch that carry the SKU: orders merged into
one parcel count once, as the picker sorts the goods into parcels."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhanggui.catalog.models import Sku
from zhanggui.core.tabular import write_xlsx
from zhanggui.fulfillment.models import LabelBatch, LabelBatchEntry
from zhanggui.fulfillment.services.label_data import shanghai_time
from zhanggui.inventory.models import SkuBin, Warehouse
from zhanggui.orders.models import OrderLine, RefundStatus

FONT: Final = "STSong-Light"
READ_CHUNK: Final = 900  # ids per IN (): under SQLite's bound-parameter limit
ROWS_PER_TABLE: Final = 40  # one table per page: reportlab splits long tables slowly
TITLE_CHARS: Final = 22


@dataclass(frozen=True)
class PickRow:
    bin: str  # "" when the SKU has no bin in the default warehouse
    merchant_code: str
    title: str
    color: str
    size: str
    quantity: int
    orders: int  # parcels of the batch carrying it


def _natural(code: str) -> tuple[Any, ...]:
    """Shelf codes in walking order: A-2 before A-10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))


def _sort_key(row: PickRow) -> tuple[Any, ...]:
    return (row.bin == "", _natural(row.bin), row.merchant_code)


def pick_rows(batch: LabelBatch) -> list[PickRow]:
    """The batch's SKUs (unmatched merchant codes on their own) summed over the lines that
    ship (refunded ones do not), sorted by bin."""
    carriers = LabelBatchEntry.objects.filter(batch=batch).values("parcel__order_id")
    lines = OrderLine.objects.exclude(refund_status=RefundStatus.REFUNDED).order_by()
    quantities: dict[tuple[int | None, str], int] = defaultdict(int)
    parcels: dict[tuple[int | None, str], set[int]] = defaultdict(set)
    # Two reads, not one OR over a join: each walks its own index.
    for rows in (
        lines.filter(order_id__in=carriers).values_list(
            "order_id", "sku_id", "merchant_code", "quantity"
        ),
        lines.filter(order__merged_into_id__in=carriers).values_list(
            "order__merged_into_id", "sku_id", "merchant_code", "quantity"
        ),
    ):
        # Not .iterator(): PostgreSQL plans a server-side cursor for its first rows and
        # picks a nested loop that takes seconds; four small columns per line fit in memory.
        for carrier_id, line_sku, line_code, quantity in rows:
            key: tuple[int | None, str] = (line_sku, "" if line_sku else line_code)
            quantities[key] += quantity
            if carrier_id is not None:  # always, by the filters
                parcels[key].add(carrier_id)
    sku_ids = [sku_id for sku_id, _code in quantities if sku_id is not None]
    skus, bins = _skus(sku_ids), _bins(sku_ids)
    rows_out = []
    for (sku_id, code), quantity in quantities.items():
        count = len(parcels[(sku_id, code)])
        if sku_id is None:
            rows_out.append(PickRow("", code, _("(not matched to a SKU)"), "", "", quantity, count))
            continue
        merchant_code, title, color, size = skus[sku_id]
        bin_code = bins.get(sku_id, "")
        rows_out.append(PickRow(bin_code, merchant_code, title, color, size, quantity, count))
    return sorted(rows_out, key=_sort_key)


def _skus(sku_ids: Sequence[int]) -> dict[int, tuple[str, str, str, str]]:
    found: dict[int, tuple[str, str, str, str]] = {}
    for start in range(0, len(sku_ids), READ_CHUNK):
        rows = Sku.objects.filter(pk__in=sku_ids[start : start + READ_CHUNK]).values_list(
            "pk", "merchant_code", "product__title", "color", "size"
        )
        for pk, code, title, color, size in rows:
            found[pk] = (code, title, color, size)
    return found


def _bins(sku_ids: Sequence[int]) -> dict[int, str]:
    """Each SKU's primary bin in the default warehouse (the first by walking order when a
    SKU has several)."""
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        return {}
    found: dict[int, str] = {}
    for start in range(0, len(sku_ids), READ_CHUNK):
        places = SkuBin.objects.filter(
            sku_id__in=sku_ids[start : start + READ_CHUNK],
            is_primary=True,
            bin__warehouse=warehouse,
        ).values_list("sku_id", "bin__code")
        for sku_id, code in places:
            if sku_id not in found or _natural(code) < _natural(found[sku_id]):
                found[sku_id] = code
    return found


def _header() -> list[str]:
    return [
        _("Bin"),
        _("Merchant code"),
        _("Product"),
        _("Colour"),
        _("Size"),
        _("Quantity"),
        _("Orders"),
    ]


def pick_list_xlsx(batch: LabelBatch) -> bytes:
    rows = pick_rows(batch)
    return write_xlsx(
        _header(),
        ([r.bin, r.merchant_code, r.title, r.color, r.size, r.quantity, r.orders] for r in rows),
        sheet_title=_("Pick list"),
    )


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # Paragraphs look the font up by family; the CJK font has no bold or italic face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], numeric_from: int) -> Table:
    """A grid in the CJK font, header row shaded, numbers right-aligned."""
    grid = Table([[str(cell) for cell in row] for row in rows], colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


def cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def pick_list_pdf(batch: LabelBatch) -> bytes:
    """A4, one table per page with the header repeated; totals at the end."""
    register_font()
    rows = pick_rows(batch)
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    labels = batch.entries.count()
    title = _("Pick list of label batch #%(batch)d") % {"batch": batch.pk}
    story: list[Any] = [
        Paragraph(escape(title), title_style),
        Paragraph(
            escape(
                _("%(labels)d parcels · %(skus)d SKUs · %(units)d units · printed %(when)s")
                % {
                    "labels": labels,
                    "skus": len(rows),
                    "units": sum(row.quantity for row in rows),
                    "when": shanghai_time(batch.created_at),
                }
            ),
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    widths = [w * mm for w in (22, 34, 52, 20, 14, 15, 15)]
    for chunk in _chunks(rows, ROWS_PER_TABLE):
        body_rows = [
            [r.bin or "—", r.merchant_code, cut(r.title, TITLE_CHARS), cut(r.color, 8),
             cut(r.size, 6), r.quantity, r.orders]
            for r in chunk
        ]  # fmt: skip
        story.append(table([_header(), *body_rows], widths, numeric_from=5))
    if not rows:
        story.append(Paragraph(escape(_("Nothing to pick.")), body))
    return build_pdf(story, title, A4)


def _chunks(rows: Sequence[PickRow], size: int) -> Iterable[Sequence[PickRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def build_pdf(story: list[Any], title: str, pagesize: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=title,
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
    )
    document.build(story)
    return buffer.getvalue()
