"""The catalog spreadsheet: its columns and the words its cells use. Imports read it and
exports write it, so an export re-imports unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # what exports write; a file format like the channels' own, so not translated
    aliases: tuple[str, ...]


COLUMNS: Final = (
    Column("item_no", "货号", ("item_no", "item number")),
    Column("title", "标题", ("title",)),
    Column("category", "类目", ("category",)),
    Column("product_line", "产品线", ("product_line", "product line")),
    Column("is_hero", "主打款", ("is_hero", "hero")),
    Column("description", "描述", ("description",)),
    Column("color", "颜色", ("color", "colour")),
    Column("size", "尺码", ("size",)),
    Column("merchant_code", "商家编码", ("merchant_code", "merchant code")),
    Column("barcode", "条码", ("barcode",)),
    Column("price", "价格", ("price",)),
    Column("vip_price", "会员价", ("vip_price", "vip price")),
    Column("cost_price", "成本价", ("cost_price", "cost")),
    Column("weight_g", "重量(克)", ("weight_g", "weight")),
)
HEADERS: Final = {column.field: column.header for column in COLUMNS}
REQUIRED_COLUMNS: Final = ("item_no", "merchant_code")
PRODUCT_FIELDS: Final = ("title", "category", "product_line", "is_hero", "description")
SKU_FIELDS: Final = tuple(column.field for column in COLUMNS[6:])

PRODUCT_LINE_LABELS: Final = {"traffic": "引流款", "promo": "活动款", "profit": "利润款"}
_PRODUCT_LINES: Final = {
    **{label: value for value, label in PRODUCT_LINE_LABELS.items()},
    **{value: value for value in PRODUCT_LINE_LABELS},
}
HERO_LABELS: Final = {True: "是", False: "否"}
_TRUE_WORDS: Final = frozenset({"是", "yes", "y", "1", "true"})
_FALSE_WORDS: Final = frozenset({"否", "no", "n", "0", "false"})


def parse_product_line(text: str) -> str | None:
    """`引流款` or `traffic` -> "traffic"; None when it is neither."""
    return _PRODUCT_LINES.get(text.strip().casefold())


def parse_yes_no(text: str) -> bool | None:
    """`是`/`否`, yes/no, 1/0, true/false -> bool; None when it is none of these."""
    word = text.strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None
