"""The handover manifest (交接单) as an A4 PDF for the courier and the shop to sign: every
parcel (tracking number, order number, receiver's city, weight), the totals, two signature
lines. Chinese in STSong-Light, a standard CJK PDF font: nothing to embed or download."""

from __future__ import annotations

import io
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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhanggui.fulfillment.services.handover import Manifest

FONT = "STSong-Light"
PDF_CONTENT_TYPE = "application/pdf"


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)


def _kg(grams: int) -> str:
    return f"{grams / 1000:.2f}"


def _page_number(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawRightString(
        A4[0] - 15 * mm, 8 * mm, _("Page %(number)d") % {"number": document.page}
    )
    canvas.restoreState()


def manifest_pdf(sheet: Manifest) -> bytes:
    """The manifest of one handover; the table's header repeats on every page."""
    _register_font()
    handover = sheet.handover
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    title = _("Handover manifest #%(number)d") % {"number": handover.pk}
    header = [
        "#",
        _("Tracking number"),
        _("Order number"),
        _("Receiver city"),
        _("Weight (kg)"),
    ]
    rows: list[list[str]] = [header]
    for number, row in enumerate(sheet.rows, start=1):
        weight = _kg(row.weight_g) + ("" if row.weighed else "*")
        city = " ".join(part for part in (row.province, row.city) if part)
        rows.append([str(number), row.tracking_no, row.order_no, city, weight])
    rows.append(
        [
            "",
            _("Total"),
            _("%(count)d parcels") % {"count": sheet.count},
            "",
            _kg(sheet.total_weight_g),
        ]
    )
    table = Table(rows, repeatRows=1, colWidths=[12 * mm, 45 * mm, 50 * mm, 45 * mm, 25 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#eef1f4")),
                ("ALIGN", (4, 1), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    made = timezone.localtime(handover.created_at)
    facts = [
        (_("Courier"), f"{handover.courier.name} ({handover.courier.code})"),
        (_("Handed over at"), f"{made:%Y-%m-%d %H:%M}"),
        (_("Parcels"), str(sheet.count)),
        (_("Total weight (kg)"), _kg(sheet.total_weight_g)),
    ]
    story: list[Any] = [
        Paragraph(escape(title), title_style),
        Spacer(1, 4 * mm),
        # Paragraph reads markup: names and notes are escaped so "<" or "&" print as typed.
        Paragraph("　".join(f"{escape(label)}: {escape(value)}" for label, value in facts), body),
    ]
    if handover.note:
        story.append(Paragraph(escape(f"{_('Note')}: {handover.note}"), body))
    story += [
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 2 * mm),
        Paragraph(escape(_("* estimated weight: the parcel was not weighed.")), body),
        Spacer(1, 10 * mm),
        Paragraph(
            escape(
                _("Courier (signature): ________    Date: ________")
                + "　　　　"
                + _("Shop (signature): ________    Date: ________")
            ),
            body,
        ),
    ]
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
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
