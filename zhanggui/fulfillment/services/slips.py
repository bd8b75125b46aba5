"""Packing slips (发货单) of a label batch: one A5 page per parcel, in the batch's page
order, so the slips come off the printer in the same order as the labels. Each names the
order numbers, the receiver, the courier and tracking number, the items with quantities
and the buyer's message (printed as typed: it is escaped, never read as markup)."""

from __future__ import annotations

from html import escape
from typing import Any, Final

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from zhanggui.fulfillment.models import LabelBatch
from zhanggui.fulfillment.services.label_data import ParcelPage, batch_pages
from zhanggui.fulfillment.services.picklists import FONT, build_pdf, cut, register_font, table

TITLE_CHARS: Final = 18
MESSAGE_CHARS: Final = 500


def _styles() -> dict[str, ParagraphStyle]:
    register_font()
    return {
        "title": ParagraphStyle("slip-title", fontName=FONT, fontSize=14, leading=19),
        "body": ParagraphStyle("slip-body", fontName=FONT, fontSize=9, leading=13),
        "note": ParagraphStyle("slip-note", fontName=FONT, fontSize=9, leading=12),
    }


def _slip(page: ParcelPage, styles: dict[str, ParagraphStyle]) -> list[Any]:
    order, parcel = page.order, page.parcel
    header: list[Any] = [_("Merchant code"), _("Product"), _("Colour"), _("Size"), _("Qty")]
    rows = [header] + [
        [item.merchant_code, cut(item.title, TITLE_CHARS), cut(item.color, 6),
         cut(item.size, 6), item.quantity]
        for item in page.items
    ]  # fmt: skip
    rows.append([_("Total"), "", "", "", sum(item.quantity for item in page.items)])
    lines = [
        (_("Order"), page.order_numbers),
        (_("Receiver"), f"{order.receiver_name}  {order.receiver_phone}"),
        (_("Address"), order.receiver_full_address),
        (_("Courier"), f"{parcel.courier.name}  {parcel.tracking_no}"),
    ]
    story: list[Any] = [
        Paragraph(escape(_("Packing slip")) + f"　{page.page}", styles["title"]),
        Spacer(1, 2 * mm),
        *(Paragraph(f"{escape(label)}: {escape(value)}", styles["body"]) for label, value in lines),
        Spacer(1, 3 * mm),
        table(rows, [w * mm for w in (30, 46, 20, 17, 12)], numeric_from=4),
    ]
    for message in page.buyer_messages:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(
                f"{escape(_('Buyer message'))}: {escape(cut(message, MESSAGE_CHARS))}",
                styles["note"],
            ),
        ]
    story += [
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Packed by")) + ": ________", styles["body"]),
    ]
    return story


def packing_slips_pdf(batch: LabelBatch) -> bytes:
    """One A5 page per parcel of the batch, in page order."""
    styles = _styles()
    story: list[Any] = []
    for page in batch_pages(batch):
        if story:
            story.append(PageBreak())
        story += _slip(page, styles)
    if not story:
        story.append(Paragraph(escape(_("No parcels in this batch.")), styles["body"]))
    return build_pdf(story, _("Packing slips of label batch #%(batch)d") % {"batch": batch.pk}, A5)
