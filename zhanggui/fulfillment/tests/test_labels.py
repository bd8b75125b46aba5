"""Labels decode with a standard barcode reader: the PDF is rendered to an image (PDFium)
and read by zbarimg (Debian's zbar-tools), as a courier's scanner would read the print."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from zhanggui.fulfillment.labels import SIZES, LabelData, Party, render_labels

RECEIVER = Party(
    "张三", "13812345678", "浙江省 杭州市 西湖区 文三路90号东部软件园3号楼5楼", "310012"
)
SENDER = Party("掌柜旗舰店", "0571-88888888", "浙江省 杭州市 余杭区 文一西路1号", "311100")


def _label(tracking_no: str, order_no: str = "3012345678901234") -> LabelData:
    return LabelData(
        tracking_no=tracking_no,
        courier_name="申通快递",
        destination="杭州 西湖区",
        receiver=RECEIVER,
        sender=SENDER,
        contents="K1/红色/M;K2/黑色/L",
        order_no=order_no,
    )


def _decode_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    found = []
    try:
        for index in range(len(document)):
            image = tmp_path / f"page{index}.png"
            document[index].render(scale=203 / 72).to_pil().save(image)  # a 203 dpi printer
            result = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Scode128.enable", str(image)],
                capture_output=True,
                text=True,
                check=False,
            )
            found.append(result.stdout.strip())
    finally:
        document.close()
    return found


needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is installed by .ci/run"
)


@needs_zbar
@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_size_prints_a_barcode_that_reads_back_as_the_tracking_number(size, tmp_path):
    numbers = ["773012345678901", "YT7512345678901", "SF1234567890123"]
    pdf = render_labels([_label(number) for number in numbers], size)
    assert _decode_pages(pdf, tmp_path) == numbers


def test_one_page_per_label_in_the_order_given_with_the_chinese_text():
    pdf = render_labels([_label("7700000001", "A-1"), _label("7700000002", "B-2")], "76x130")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "A-1" in first
    assert "7700000001" in first
    assert "B-2" in second
    assert "7700000002" in second
    assert "张三" in first
    assert "文三路90号" in first


def test_a_long_address_is_cut_visibly_not_silently():
    long_receiver = Party("李四", "13900000000", "新疆维吾尔自治区 " * 20)
    label = LabelData(
        tracking_no="7700000003",
        courier_name="EMS",
        destination="乌鲁木齐",
        receiver=long_receiver,
        sender=SENDER,
        contents="K1/红色/M",
        order_no="1",
    )
    text = PdfReader(io.BytesIO(render_labels([label], "76x130"))).pages[0].extract_text()
    assert "…" in text
