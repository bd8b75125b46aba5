from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from zhanggui.purchasing import pdf, services
from zhanggui.purchasing.models import ExchangeList
from zhanggui.purchasing.tests.factories import counts, make_product, make_supplier, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt():
    make_product("T-100")
    order = placed_order(
        make_supplier("广州<十三行>&芊语"), [("T-100-W-S", 4, "18.50"), ("T-100-W-M", 2, "18.50")]
    )
    return services.receive_purchase_order(
        actor=None,
        purchase_order_id=order.pk,
        counts=counts(order, T_100_W_S=(4, 1), T_100_W_M=2),
        note="纸箱破损 <1>",
    )


def _text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text by pdftotext when installed (it maps the CJK font), else pypdf."""
    if shutil.which("pdftotext"):
        path = tmp_path / "doc.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_receipt_pdf_is_one_page_naming_receipt_and_order(settings, receipt, tmp_path):
    settings.LANGUAGE_CODE = "en"
    content = pdf.receipt_pdf(receipt, show_cost=True)
    assert content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    text = _text(content, tmp_path)
    assert receipt.number in text
    assert receipt.purchase_order.number in text
    assert "T-100-W-S" in text


def test_receipt_pdf_without_cost_has_no_amounts(receipt, tmp_path):
    text = _text(pdf.receipt_pdf(receipt, show_cost=False), tmp_path)
    assert "18.50" not in text
    assert "111.00" not in text
    assert re.search(r"T-100-W-M", text)


def test_exchange_pdf_has_two_copies(receipt, tmp_path):
    exchange = ExchangeList.objects.get()
    content = pdf.exchange_pdf(exchange, show_cost=False)
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) == 2
    for page in pages:
        text = page.extract_text()
        assert exchange.number in text
        assert "T-100-W-S" in text
