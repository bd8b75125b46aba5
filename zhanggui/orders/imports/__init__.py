"""Importing channel order exports (Taobao/Tmall seller centre, JD): see importer.py."""

from zhanggui.orders.imports.files import MissingColumns, SourceFile
from zhanggui.orders.imports.importer import ImportSummary, WrongFiles, import_orders

__all__ = ["ImportSummary", "MissingColumns", "SourceFile", "WrongFiles", "import_orders"]
