"""Printable purchasing documents: the receipt note (入库单) and the exchange list (换货单,
two copies: one for the buyer, one for the warehouse). A4, reportlab's built-in CJK font
STSong-Light (a standard PDF font: nothing to embed, nothing to download)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhanggui.purchasing.models import ExchangeList, Receipt
from zhanggui.purchasing.rules import line_amount

FONT = "STSong-Light"
PDF_CONTENT_TYPE = "application/pdf"


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # Paragraphs look fonts up by family (another module may have registered the font
    # alone); the CJK font has no bold or italic face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    _register_font()  # before any Paragraph: they resolve their font when built
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11)
    return title, body, small


def _table(rows: Sequence[Sequence[Any]], numeric_from: int) -> Table:
    table = Table([[str(cell) for cell in row] for row in rows], repeatRows=1)
    table.setStyle(
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
    return table


def _header(pairs: Sequence[tuple[str, str]], style: ParagraphStyle) -> Paragraph:
    # Paragraph reads markup: names and notes are escaped so "<" or "&" print as typed.
    return Paragraph(
        "　".join(f"{escape(label)}: {escape(value)}" for label, value in pairs), style
    )


def _signatures(labels: Sequence[str], style: ParagraphStyle) -> Paragraph:
    return Paragraph("　　".join(f"{label}: ________" for label in labels), style)


def _build(story: list[Any], title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def receipt_pdf(receipt: Receipt, *, show_cost: bool) -> bytes:
    """The receipt note of one delivery: each SKU counted, defective, good; with unit cost
    and amount only for people who may see costs."""
    title_style, body, small = _styles()
    order = receipt.purchase_order
    header = [_("Merchant code"), _("Item number"), _("Colour"), _("Size")]
    header += [_("Received"), _("Defective"), _("Good")]
    if show_cost:
        header += [_("Unit cost"), _("Amount")]
    rows: list[list[Any]] = [header]
    lines = receipt.lines.select_related("sku", "sku__product").order_by(
        "sku__product__item_no", "sku__color", "sku_id"
    )
    for line in lines:
        row = [line.sku.merchant_code, line.sku.product.item_no, line.sku.color, line.sku.size]
        row += [line.quantity, line.defective_quantity, line.good_quantity]
        if show_cost:
            row += [f"{line.unit_cost:,.2f}", f"{line_amount(line.quantity, line.unit_cost):,.2f}"]
        rows.append(row)
    totals = [_("Total"), "", "", "", sum(r[4] for r in rows[1:]), sum(r[5] for r in rows[1:])]
    totals.append(sum(r[6] for r in rows[1:]))
    if show_cost:
        amount = sum(line_amount(line.quantity, line.unit_cost) for line in lines)
        totals += ["", f"{amount:,.2f}"]
    rows.append(totals)
    title = _("Receipt note %(number)s") % {"number": receipt.number}
    story = [
        Paragraph(escape(title), title_style),
        Spacer(1, 4 * mm),
        _header(
            [
                (_("Purchase order"), order.number or ""),
                (_("Supplier"), order.supplier.name),
                (_("Warehouse"), str(receipt.warehouse)),
                (_("Received at"), f"{timezone.localtime(receipt.created_at):%Y-%m-%d %H:%M}"),
            ],
            body,
        ),
        Spacer(1, 4 * mm),
        _table(rows, numeric_from=4),
        Spacer(1, 4 * mm),
        Paragraph(escape(receipt.note), small),
        Spacer(1, 8 * mm),
        _signatures([_("Received by"), _("Checked by"), _("Buyer")], body),
    ]
    return _build(story, title)


def exchange_pdf(exchange: ExchangeList, *, show_cost: bool) -> bytes:
    """The exchange list twice, one page per copy: the buyer's and the warehouse's."""
    title_style, body, small = _styles()
    receipt = exchange.receipt
    header = [_("Merchant code"), _("Item number"), _("Colour"), _("Size"), _("Defective")]
    header += [_("Exchanged back"), _("Kept, not exchanged")]
    if show_cost:
        header += [_("Unit cost")]
    rows: list[list[Any]] = [header]
    lines = exchange.lines.select_related("sku", "sku__product")
    for line in lines:
        row = [line.sku.merchant_code, line.sku.product.item_no, line.sku.color, line.sku.size]
        row += [line.quantity, line.returned_quantity, line.kept_quantity]
        if show_cost:
            row.append(f"{line.unit_cost:,.2f}")
        rows.append(row)
    title = _("Supplier exchange list %(number)s") % {"number": exchange.number}
    story: list[Any] = []
    for copy in (_("Buyer's copy"), _("Warehouse copy")):
        story += [
            Paragraph(escape(f"{title}（{copy}）"), title_style),
            Spacer(1, 4 * mm),
            _header(
                [
                    (_("Supplier"), exchange.supplier.name),
                    (_("Purchase order"), receipt.purchase_order.number or ""),
                    (_("Receipt"), receipt.number or ""),
                    (_("Date"), f"{timezone.localtime(exchange.created_at):%Y-%m-%d}"),
                    (_("Status"), exchange.get_status_display()),
                ],
                body,
            ),
            Spacer(1, 4 * mm),
            _table(rows, numeric_from=4),
            Spacer(1, 4 * mm),
            Paragraph(
                _("Defective goods found at the quality check, sent back for exchange."), small
            ),
            Spacer(1, 8 * mm),
            _signatures([_("Warehouse"), _("Buyer"), _("Supplier")], body),
            PageBreak(),
        ]
    return _build(story[:-1], title)
