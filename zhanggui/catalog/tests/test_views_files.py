from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhanggui.catalog import services
from zhanggui.catalog.models import Product

HEADER = "货号,标题,颜色,尺码,商家编码,价格\n"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    # Many logins per module: the production password hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _csv(text: str, name: str = "products.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _make(item_no: str, title: str) -> Product:
    return services.create_product(
        actor=None,
        data=services.ProductInput(item_no=item_no, title=title),
        skus=[
            services.SkuInput(merchant_code=f"{item_no}-M", size="M", price="59", cost_price="20")
        ],
    )


def test_import_page_shows_the_summary(client_for: Any) -> None:
    content = HEADER + "A-1,春季新款,白色,M,A-1-W-M,59\nA-1,,白色,L,A-1-W-L,59\n"
    response = client_for("editor").post("/catalog/import/", {"file": _csv(content)})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.products_created, summary.skus_created, summary.rows) == (1, 2, 2)
    assert "Imported products.csv" in response.content.decode()
    assert Product.objects.get(item_no="A-1").skus.count() == 2


def test_import_page_lists_every_row_error_and_imports_nothing(client_for: Any) -> None:
    content = HEADER + "A-1,春季新款,白色,M,A-1-W-M,abc\n,没有货号,白色,L,X-1,59\n"
    response = client_for("editor").post("/catalog/import/", {"file": _csv(content)})
    assert response.status_code == 200
    # Fields are named by the file's own column headers.
    errors = sorted((error.row, error.field) for error in response.context["row_errors"])
    assert errors == [(2, "价格"), (3, "货号")]
    html = response.content.decode()
    assert "An item number is required." in html
    assert "products.csv: 2 errors, nothing was imported" in html
    assert not Product.objects.exists()


def test_import_page_without_a_file_asks_for_one(client_for: Any) -> None:
    response = client_for("buyer").post("/catalog/import/", {})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]


def test_export_gives_an_xlsx_of_the_catalog(client_for: Any) -> None:
    _make("A-1", "春季新款")
    response = client_for("editor").get("/catalog/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="catalog-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "货号"
    assert [row[0] for row in rows[1:]] == ["A-1"]


def test_export_csv_in_gbk_without_cost_for_an_editor(client_for: Any) -> None:
    _make("A-1", "春季新款")
    response = client_for("editor").get("/catalog/export/", {"format": "csv", "encoding": "gbk"})
    rows = list(csv.reader(io.StringIO(response.content.decode("gbk"))))
    assert rows[1][:2] == ["A-1", "春季新款"]
    assert "成本价" not in rows[0]


def test_export_follows_the_product_list_filters(client_for: Any) -> None:
    _make("A-1", "春季新款纯棉T恤")
    _make("B-1", "加绒牛仔裤")
    response = client_for("finance").get("/catalog/export/", {"format": "csv", "q": "牛仔"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["B-1"]


def test_export_template_has_the_header_only(client_for: Any) -> None:
    _make("A-1", "春季新款")
    response = client_for("buyer").get("/catalog/export/", {"format": "xlsx", "template": "1"})
    assert 'filename="catalog-template-' in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_export_with_an_unknown_format_is_refused(client_for: Any) -> None:
    response = client_for("analyst").get("/catalog/export/", {"format": "pdf"})
    assert response.status_code == 400
