"""E-waybill labels as PDF, one page per parcel, laid out in the zones of the national
e-waybill standard (GB/T 41833-2022): code, destination, receiver, sender, contents and
signature, with the tracking number as a Code 128 barcode.

Chinese prints with STSong-Light, one of the standard CJK PDF fonts every PDF reader and
printer driver knows, so no font file has to travel with the PDF or sit on the shop's PC."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"


@dataclass(frozen=True)
class LabelSize:
    width_mm: int
    height_mm: int
    # Two- and three-part labels carry a tear-off stub (底单联) for the shop below the main part.
    has_stub: bool

    @property
    def code(self) -> str:
        return f"{self.width_mm}x{self.height_mm}"


SIZES: dict[str, LabelSize] = {
    size.code: size
    for size in (
        LabelSize(76, 130, has_stub=False),
        LabelSize(100, 130, has_stub=False),
        LabelSize(100, 110, has_stub=False),
        LabelSize(100, 150, has_stub=True),
        LabelSize(100, 180, has_stub=True),
        LabelSize(100, 203, has_stub=True),
        LabelSize(100, 210, has_stub=True),
    )
}


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str  # full: province city district street
    postcode: str = ""


@dataclass(frozen=True)
class LabelData:
    tracking_no: str
    courier_name: str
    destination: str  # sorting / destination code area (大头笔): e.g. "杭州 西湖区"
    receiver: Party
    sender: Party
    contents: str  # items as model/colour/size joined by ';'
    order_no: str
    packer: str = ""  # left blank for the packer to sign when unknown
    printed_at: str = ""


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class _Page:
    """Draws one label. Coordinates in mm from the top-left, as label templates are drawn."""

    def __init__(self, canvas: Canvas, size: LabelSize) -> None:
        self.canvas = canvas
        self.width = size.width_mm
        self.height = size.height_mm

    def y(self, top_mm: float) -> float:
        return (self.height - top_mm) * mm

    def rule(self, top_mm: float, *, dashed: bool = False) -> None:
        if dashed:
            self.canvas.setDash(2, 2)
        self.canvas.line(0, self.y(top_mm), self.width * mm, self.y(top_mm))
        if dashed:
            self.canvas.setDash()

    def text(self, left_mm: float, top_mm: float, value: str, size: float) -> None:
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(left_mm * mm, self.y(top_mm) - size * 0.8, value)

    def wrapped(
        self, left_mm: float, top_mm: float, value: str, size: float, width_mm: float, lines: int
    ) -> None:
        """Text wrapped by width (CJK has no spaces to break on), at most `lines` lines; the
        last line ends with … when cut, so nobody mistakes a cut address for a whole one."""
        self.canvas.setFont(FONT, size)
        limit = width_mm * mm / size  # compare widths at size 1: one cache for every size
        rows: list[str] = []
        current, width = "", 0.0
        for char in value:
            char_width = _char_width(char)
            if width + char_width > limit and current:
                rows.append(current)
                current, width = "", 0.0
            current += char
            width += char_width
        if current:
            rows.append(current)
        if len(rows) > lines:
            rows = rows[:lines]
            rows[-1] = rows[-1][:-1] + "…"
        for index, row in enumerate(rows):
            self.canvas.drawString(
                left_mm * mm, self.y(top_mm) - size * 0.8 - index * size * 1.15, row
            )

    def fitted(
        self, left_mm: float, top_mm: float, value: str, size: float, width_mm: float
    ) -> None:
        """One line when it fits; else two smaller lines (merged parcels list every order
        number), cut visibly with … beyond that."""
        if pdfmetrics.stringWidth(value, FONT, size) <= width_mm * mm:
            self.text(left_mm, top_mm, value, size)
        else:
            self.wrapped(left_mm, top_mm - 0.3, value, size * 0.8, width_mm, 2)

    def barcode(
        self, left_mm: float, top_mm: float, value: str, height_mm: float, width_mm: float
    ) -> None:
        """Code 128 filling the zone's width: drawn at one unit per module and stretched,
        within the bar widths a 203 dpi thermal printer resolves (0.25-0.5 mm)."""
        symbol = Code128(value, barWidth=1, barHeight=height_mm * mm, humanReadable=False)
        stretch = max(min(width_mm * mm / symbol.width, 0.5 * mm), 0.25 * mm)
        offset = max((width_mm * mm - symbol.width * stretch) / 2, 0)
        self.canvas.saveState()
        self.canvas.translate(left_mm * mm + offset, self.y(top_mm + height_mm))
        self.canvas.scale(stretch, 1)
        symbol.drawOn(self.canvas, 0, 0)
        self.canvas.restoreState()


@cache
def _char_width(char: str) -> float:
    return pdfmetrics.stringWidth(char, FONT, 1)


def _draw_main(page: _Page, label: LabelData, top: float, height: float) -> None:
    """The main part: code zone, destination, receiver, sender, contents, signature."""
    w = page.width
    # Zones grow with the label: 37 mm of fixed rows plus 59 mm that scale with the height.
    scale = (height - 37) / 59
    # Code zone (码号区): courier name, barcode and the number in digits.
    page.text(3, top + 2, label.courier_name, 11)
    page.text(w - 3 - len(label.printed_at) * 1.6, top + 3, label.printed_at, 6)
    bar_height = min(14 * scale, 20)
    page.barcode(3, top + 8, label.tracking_no, bar_height, w - 6)
    page.text(w / 2 - len(label.tracking_no) * 1.4, top + 9 + bar_height, label.tracking_no, 10)
    y = top + 15 + 14 * scale
    page.rule(y)
    # Destination zone (目的地信息区).
    page.wrapped(3, y + 1.5, label.destination, 16, w - 6, 1)
    y += 9
    page.rule(y)
    # Receiver zone (收件人信息区): the largest type after the destination.
    page.text(3, y + 1.5, "收", 10)
    page.text(10, y + 1.5, f"{label.receiver.name}  {label.receiver.phone}", 10)
    page.wrapped(10, y + 6.5, _with_postcode(label.receiver), 8.5, w - 13, 3)
    y += 19 * scale
    page.rule(y)
    # Sender zone (寄件人信息区).
    page.text(3, y + 1.5, "寄", 8)
    page.text(10, y + 1.5, f"{label.sender.name}  {label.sender.phone}", 7)
    page.wrapped(10, y + 5, _with_postcode(label.sender), 6.5, w - 13, 2)
    y += 12 * scale
    page.rule(y)
    # Contents zone (内件信息区): items, order number, packer.
    page.wrapped(3, y + 1.5, f"内件：{label.contents}", 7, w - 6, 4)
    y += 14 * scale
    page.fitted(3, y, f"订单：{label.order_no}", 7, w / 2)
    page.text(w / 2 + 5, y, f"打包：{label.packer or '________'}", 7)
    y += 5
    page.rule(y)
    # Signature zone (签收区).
    page.text(3, y + 1.5, "签收人：", 7)
    page.text(w / 2 + 5, y + 1.5, "时间：", 7)


def _draw_stub(page: _Page, label: LabelData, top: float) -> None:
    """The stub kept by the shop (底单联): number, receiver, contents, order."""
    w = page.width
    page.rule(top, dashed=True)
    page.text(3, top + 2, label.courier_name, 8)
    page.barcode(30, top + 2, label.tracking_no, 8, w - 33)
    page.text(3, top + 7, label.tracking_no, 7)
    page.text(3, top + 12, f"收：{label.receiver.name}  {label.receiver.phone}", 7)
    page.wrapped(3, top + 16, _with_postcode(label.receiver), 6.5, w - 6, 2)
    page.wrapped(3, top + 24, f"内件：{label.contents}", 6.5, w - 6, 3)
    page.fitted(3, top + 35, f"订单：{label.order_no}", 6.5, w - 6)


def _with_postcode(party: Party) -> str:
    return f"{party.address} ({party.postcode})" if party.postcode else party.address


def render_labels(labels: Iterable[LabelData], size_code: str) -> bytes:
    """One page per label, in the order given."""
    size = SIZES[size_code]
    _register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size.width_mm * mm, size.height_mm * mm), pageCompression=1)
    canvas.setTitle("e-waybills")
    stub_height = 45 if size.height_mm >= 180 else 40
    main_height = size.height_mm - stub_height if size.has_stub else size.height_mm
    for label in labels:
        page = _Page(canvas, size)
        canvas.setLineWidth(0.6)
        _draw_main(page, label, top=0, height=main_height)
        if size.has_stub:
            _draw_stub(page, label, top=main_height + 1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
