"""Bulk import of products and SKUs from CSV or XLSX: one row per SKU, product columns
repeated (the format is in sheet.py). Every row is checked before anything is written; a
file with any bad row is rejected whole. Writes are bulk and audited (bulk.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhanggui.catalog import services, sheet
from zhanggui.catalog.bulk import ProductPlan, SkuPlan, Written, chunks, write_catalog
from zhanggui.catalog.models import Product, Sku
from zhanggui.core import audit
from zhanggui.core.errors import Conflict, ImportRejected, NotAllowed, RowError
from zhanggui.core.tabular import Row, Table, read_table

SKU_COMPARED: Final = tuple(name for name in services.SKU_AUDITED if name != "is_active")
NEW_PRODUCT: Final = {
    "title": "",
    "category": None,
    "product_line": "profit",
    "is_hero": False,
    "description": "",
}
# Blank in every row of a product: these clear the value, the others keep it.
CLEARED_BY_BLANK: Final = frozenset({"title", "category", "description"})


@dataclass
class CatalogImportSummary:
    products_created: int = 0
    products_updated: int = 0
    skus_created: int = 0
    skus_updated: int = 0
    unchanged: int = 0
    rows: int = 0


@dataclass
class _Group(ProductPlan):
    """One product as the file describes it, over all its rows."""

    given: dict[str, Any] = field(default_factory=dict)
    source: dict[str, int] = field(default_factory=dict)  # field -> row that gave it


class _Context:
    def __init__(self, *, actor: Any, table: Table, columns: dict[str, int]) -> None:
        self.actor = actor
        self.table = table
        self.columns = columns
        self.errors: list[RowError] = []
        self.allowed: dict[str, bool] = {}

    def header(self, name: str) -> str:
        if name in self.columns:
            return self.table.header[self.columns[name]]
        return sheet.HEADERS[name]

    def cell(self, row: Row, name: str) -> str:
        return row.get(self.columns[name]) if name in self.columns else ""

    def error(self, row: int, name: str, message: Any) -> None:
        self.errors.append(
            RowError(file=self.table.filename, row=row, field=self.header(name), message=message)
        )

    def may(self, permission: str) -> bool:
        # None is the system itself (demo data, scheduled jobs), as in catalog.services.
        if permission not in self.allowed:
            self.allowed[permission] = self.actor is None or self.actor.has_perm(permission)
        return self.allowed[permission]


@transaction.atomic
def import_catalog(*, actor: Any, filename: str, content: bytes) -> CatalogImportSummary:
    """Create and update products and SKUs from a spreadsheet (one row per SKU).

    Raises UnreadableFile for a file that is not a readable CSV/XLSX, NotAllowed without
    catalog.import_catalog, ImportRejected listing every bad row (nothing saved)."""
    if actor is not None and not actor.has_perm("catalog.import_catalog"):
        raise NotAllowed(_("You may not import products."))
    table = read_table(filename=filename, content=content)
    context = _Context(actor=actor, table=table, columns=_map_columns(table))
    groups, lines = _parse_rows(context)
    _check_products(context, groups)
    _check_skus(context, groups, lines)
    if context.errors:
        column_order = {column.field: i for i, column in enumerate(sheet.COLUMNS)}
        order = {context.header(name): rank for name, rank in column_order.items()}
        raise ImportRejected(sorted(context.errors, key=lambda e: (e.row, order.get(e.field, 99))))
    try:
        with transaction.atomic():
            written = write_catalog(actor=actor, products=groups.values(), skus=lines)
    except IntegrityError as error:  # another change to the catalog won a race
        raise Conflict(
            _("%(file)s: the catalog changed during the import; nothing was imported. Try again.")
            % {"file": filename}
        ) from error
    return _summary(written, groups, lines, total_rows=len(table.rows))


def _map_columns(table: Table) -> dict[str, int]:
    columns: dict[str, int] = {}
    errors = []

    def error(column: sheet.Column, message: str) -> None:
        errors.append(
            RowError(
                file=table.filename, row=table.header_row, field=column.header, message=message
            )
        )

    for column in sheet.COLUMNS:
        found = table.find((column.header, column.field, *column.aliases))
        if len(found) > 1:
            names = ", ".join(table.header[index] for index in found)
            error(column, _("The column appears more than once (%(names)s).") % {"names": names})
        elif found:
            columns[column.field] = found[0]
        elif column.field in sheet.REQUIRED_COLUMNS:
            error(column, _("This column is required but missing from the file."))
    if errors:
        raise ImportRejected(errors)
    return columns


def _parse_rows(context: _Context) -> tuple[dict[str, _Group], list[SkuPlan]]:
    groups: dict[str, _Group] = {}
    lines: list[SkuPlan] = []
    for row in context.table.rows:
        item_no = context.cell(row, "item_no")
        if not item_no:
            context.error(row.number, "item_no", _("An item number is required."))
            continue
        group = groups.setdefault(item_no, _Group(item_no=item_no, rows=[]))
        group.rows.append(row.number)
        for name in sheet.PRODUCT_FIELDS:
            if name in context.columns:
                _take_product_value(context, group, row, name)
        sku_cells = {
            name: context.cell(row, name) for name in sheet.SKU_FIELDS if name in context.columns
        }
        if any(sku_cells.values()):
            lines.append(
                SkuPlan(
                    row=row.number,
                    item_no=item_no,
                    code=sku_cells.get("merchant_code", ""),
                    values=sku_cells,
                )
            )
    return groups, lines


def _take_product_value(context: _Context, group: _Group, row: Row, name: str) -> None:
    """Product columns are repeated on each SKU row: blank cells say nothing (shops often
    fill them on the first row only), but two rows giving different values is an error."""
    text = context.cell(row, name)
    group.given.setdefault(name, "")
    if not text:
        return
    value: Any = text
    if name == "product_line":
        value = sheet.parse_product_line(text)
        if value is None:
            choices = "引流款, 活动款, 利润款 (traffic, promo, profit)"
            context.error(row.number, name, _("Use one of: %(choices)s.") % {"choices": choices})
            return
    elif name == "is_hero":
        value = sheet.parse_yes_no(text)
        if value is None:
            choices = "是, 否 (yes, no)"
            context.error(row.number, name, _("Use one of: %(choices)s.") % {"choices": choices})
            return
    if name in group.source and group.given[name] != value:
        context.error(
            row.number,
            name,
            _("Differs from row %(row)d of the same item number %(item_no)s.")
            % {"row": group.source[name], "item_no": group.item_no},
        )
        return
    group.given[name] = value
    group.source.setdefault(name, row.number)


def _check_products(context: _Context, groups: dict[str, _Group]) -> None:
    existing: dict[str, Product] = {}
    for chunk in chunks(groups):
        existing.update(
            (p.item_no, p)
            for p in Product.objects.filter(item_no__in=chunk).select_related("category")
        )
    for group in groups.values():
        group.existing = existing.get(group.item_no)
        _check_product(context, group)


def _same_text(given: Any, current: Any) -> bool:
    """Cells come back stripped, and XLSX turns CRLF into LF: a description typed on the
    product page with either must not look changed after an export and re-import."""
    if not isinstance(given, str) or not isinstance(current, str):
        return False
    return given.replace("\r\n", "\n").strip() == current.replace("\r\n", "\n").strip()


def _product_snapshot(product: Product) -> dict[str, Any]:
    values = audit.snapshot(product, services.PRODUCT_AUDITED)
    values["category"] = product.category.name if product.category else None
    return values


def _check_product(context: _Context, group: _Group) -> None:
    first = group.rows[0]
    if group.existing is None:
        current: dict[str, Any] = {"item_no": group.item_no, **NEW_PRODUCT}
    else:
        current = _product_snapshot(group.existing)
    values = dict(current)
    values.update(
        (name, value)
        for name, value in group.given.items()
        if (value != "" or name in CLEARED_BY_BLANK) and not _same_text(value, current[name])
    )
    values["category"] = values["category"] or None
    checked = services.ProductInput(**{**values, "category": values["category"] or ""})
    for name, messages in services.check_product_input(checked).items():
        if group.existing is None or name in group.given or name == "item_no":
            context.error(group.source.get(name, first), name, messages[0])
    group.values = values
    group.changes = audit.diff(current, values) if group.existing else {}
    if group.existing is None and not context.may("catalog.add_product"):
        context.error(first, "item_no", _("You may not create products."))
    elif group.changes and not context.may("catalog.change_product"):
        name = next(iter(group.changes))
        context.error(group.source.get(name, first), name, _("You may not change products."))


def _check_skus(context: _Context, groups: dict[str, _Group], lines: list[SkuPlan]) -> None:
    by_code: dict[str, Sku] = {}
    for chunk in chunks({line.code for line in lines if line.code}):
        by_code.update(
            (s.merchant_code, s)
            for s in Sku.objects.filter(merchant_code__in=chunk).select_related("product")
        )
    product_ids = [group.existing.pk for group in groups.values() if group.existing]
    siblings: list[Sku] = []
    for chunk in chunks(product_ids):
        siblings.extend(Sku.objects.filter(product_id__in=chunk).select_related("product"))
    barcode_owner: dict[str, str] = {}
    wanted_barcodes = {line.values.get("barcode", "") for line in lines} - {""}
    for chunk in chunks(wanted_barcodes):
        found = Sku.objects.filter(barcode__in=chunk).values_list("barcode", "merchant_code")
        barcode_owner.update((barcode, code) for barcode, code in found if barcode)
    for line in lines:
        line.existing = by_code.get(line.code)
        _check_sku(context, line)
    first_lines = _check_unique_codes(context, lines, barcode_owner)
    _check_color_size(context, first_lines, siblings)


def _check_unique_codes(
    context: _Context, lines: list[SkuPlan], barcode_owner: dict[str, str]
) -> list[SkuPlan]:
    """Merchant codes and barcodes are unique in the file and in the catalog. Returns the
    lines that are not repeats, so a repeated row is reported once, for its real cause."""
    seen_codes: dict[str, int] = {}
    seen_barcodes: dict[str, int] = {}
    first_lines = []
    for line in lines:
        if line.code in seen_codes:
            message = _("Merchant code %(code)s is also on row %(row)d.")
            context.error(
                line.row,
                "merchant_code",
                message % {"code": line.code, "row": seen_codes[line.code]},
            )
            continue
        if line.code:
            seen_codes[line.code] = line.row
        first_lines.append(line)
        barcode = line.values["barcode"]
        if not barcode:
            continue
        if barcode in seen_barcodes:
            message = _("Barcode %(code)s is also on row %(row)d.")
            context.error(
                line.row, "barcode", message % {"code": barcode, "row": seen_barcodes[barcode]}
            )
        elif barcode_owner.get(barcode, line.code) != line.code:
            message = _("Barcode %(code)s belongs to merchant code %(other)s.")
            context.error(
                line.row, "barcode", message % {"code": barcode, "other": barcode_owner[barcode]}
            )
        seen_barcodes.setdefault(barcode, line.row)
    return first_lines


def _check_sku(context: _Context, line: SkuPlan) -> None:
    existing = line.existing
    if existing is not None and existing.product.item_no != line.item_no:
        context.error(
            line.row,
            "merchant_code",
            _("Merchant code %(code)s belongs to item number %(other)s.")
            % {"code": line.code, "other": existing.product.item_no},
        )
    current: dict[str, Any] = audit.snapshot(existing, SKU_COMPARED) if existing else {}
    given = dict(line.values)
    if not given.get("barcode"):  # a blank barcode keeps the one the SKU has (or gets one)
        given["barcode"] = (current.get("barcode") or "") if existing else ""
    merged: dict[str, Any] = {name: given.get(name, current.get(name)) for name in sheet.SKU_FIELDS}
    for name in ("color", "size", "barcode"):
        merged[name] = merged[name] or ""
    cleaned = services.clean_sku_input(services.SkuInput(**merged))
    for name, messages in cleaned.errors.items():
        context.error(line.row, name, messages[0])
    line.values = {name: getattr(cleaned, name) for name in sheet.SKU_FIELDS}
    line.values["barcode"] = line.values["barcode"] or None
    line.code = cleaned.merchant_code
    if existing is None:
        if not context.may("catalog.add_sku"):
            context.error(line.row, "merchant_code", _("You may not create SKUs."))
        if cleaned.cost_price is not None and not context.may("catalog.change_cost"):
            context.error(line.row, "cost_price", _("You may not set costs."))
        return
    line.changes = audit.diff(current, line.values)
    _check_sku_permissions(context, line)


def _check_sku_permissions(context: _Context, line: SkuPlan) -> None:
    changed = set(line.changes)
    for name in sorted(changed & services.PRICE_FIELDS):
        if not context.may("catalog.change_price"):
            context.error(line.row, name, _("You may not change prices."))
    if changed & services.COST_FIELDS and not context.may("catalog.change_cost"):
        context.error(line.row, "cost_price", _("You may not change costs."))
    if changed and not context.may("catalog.change_sku"):
        context.error(line.row, sorted(changed)[0], _("You may not change SKUs."))


def _check_color_size(context: _Context, lines: list[SkuPlan], siblings: list[Sku]) -> None:
    """Colour × size is unique within a product, in the state after the import."""
    in_file = {line.code for line in lines}
    owner: dict[tuple[str, str, str], str] = {}
    for sku in siblings:
        if sku.merchant_code not in in_file:
            owner[(sku.product.item_no, sku.color, sku.size)] = sku.merchant_code
    rows: dict[tuple[str, str, str], int] = {}
    for line in lines:
        key = (line.item_no, line.values["color"], line.values["size"])
        if key in rows:
            other = _("row %(row)d") % {"row": rows[key]}
        elif key in owner:
            other = _("merchant code %(code)s") % {"code": owner[key]}
        else:
            rows[key] = line.row
            continue
        context.error(
            line.row,
            "size" if "size" in context.columns else "color",
            _("Colour %(color)s size %(size)s is already used by %(other)s.")
            % {"color": key[1] or "-", "size": key[2] or "-", "other": other},
        )


def _summary(
    written: Written, groups: dict[str, _Group], lines: list[SkuPlan], *, total_rows: int
) -> CatalogImportSummary:
    changed_rows = {line.row for line in lines if line.existing is None or line.changes}
    for group in groups.values():
        if group.existing is None or group.changes:
            changed_rows.update(group.rows)
    return CatalogImportSummary(
        products_created=written.products_created,
        products_updated=written.products_updated,
        skus_created=written.skus_created,
        skus_updated=written.skus_updated,
        unchanged=total_rows - len(changed_rows),
        rows=total_rows,
    )
