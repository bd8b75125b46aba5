"""Export of products and SKUs in the import's own format (sheet.py), so a file exported,
edited in Excel and imported again changes only what was edited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhanggui.catalog import sheet
from zhanggui.catalog.models import Product
from zhanggui.core.errors import InvalidInput, NotAllowed
from zhanggui.core.tabular import CSV_ENCODINGS, XLSX_CONTENT_TYPE, Cell, write_csv, write_xlsx

FORMATS: Final = ("xlsx", "csv")
# Product fields, then SKU fields through the LEFT JOIN: a product without SKUs is one row
# with blank SKU columns, which the import reads back as "product only".
_LOOKUPS: Final = {
    "item_no": "item_no",
    "title": "title",
    "category": "category__name",
    "product_line": "product_line",
    "is_hero": "is_hero",
    "description": "description",
    **{name: f"skus__{name}" for name in sheet.SKU_FIELDS},
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    rows: int


def export_catalog(
    *,
    user: Any,
    fmt: str,
    encoding: str = "utf-8-sig",
    queryset: QuerySet[Product] | None = None,
) -> ExportFile:
    """The catalog (or the products of `queryset`) as XLSX or CSV, one row per SKU.

    The cost column is there only for people who may see costs (user None is the system).
    Raises NotAllowed without catalog.export_catalog, InvalidInput for an unknown format."""
    if user is not None and not user.has_perm("catalog.export_catalog"):
        raise NotAllowed(_("You may not export products."))
    if fmt not in FORMATS:
        raise InvalidInput({"format": [_("Choose xlsx or csv.")]})
    if fmt == "csv" and encoding.lower() not in CSV_ENCODINGS:
        raise InvalidInput({"encoding": [_("Choose UTF-8 or GBK.")]})
    with_cost = user is None or user.has_perm("catalog.view_cost")
    fields = [c.field for c in sheet.COLUMNS if with_cost or c.field != "cost_price"]
    header = [sheet.HEADERS[name] for name in fields]
    counter = {"rows": 0}
    rows = _rows(queryset, fields, counter)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if fmt == "xlsx":
        content = write_xlsx(header, rows, sheet_title=_("Catalog"))
        return ExportFile(f"catalog-{stamp}.xlsx", XLSX_CONTENT_TYPE, content, counter["rows"])
    content = write_csv(header, rows, encoding=encoding)
    charset = "utf-8" if CSV_ENCODINGS[encoding.lower()] == "utf-8-sig" else "gb18030"
    return ExportFile(
        f"catalog-{stamp}.csv", f"text/csv; charset={charset}", content, counter["rows"]
    )


def _rows(
    queryset: QuerySet[Product] | None, fields: list[str], counter: dict[str, int]
) -> Iterator[list[Cell]]:
    products = Product.objects.all()
    if queryset is not None:
        products = products.filter(pk__in=queryset.values("pk"))
    values = products.order_by("item_no", "skus__id").values_list(
        *(_LOOKUPS[name] for name in fields)
    )
    # One query read in chunks: no model instances, flat memory for 10k+ rows.
    for record in values.iterator(chunk_size=2000):
        row = dict(zip(fields, record, strict=True))
        row["product_line"] = sheet.PRODUCT_LINE_LABELS.get(
            row["product_line"], row["product_line"]
        )
        row["is_hero"] = sheet.HERO_LABELS[bool(row["is_hero"])]
        counter["rows"] += 1
        yield [row[name] for name in fields]
