"""Pure catalog rules: title length, image names, barcodes. No ORM, no I/O."""

from __future__ import annotations

import re

# Taobao counts a Chinese (full-width) character as 2 bytes and ASCII as 1: 60 bytes is
# 30 Chinese characters.
TITLE_MAX_BYTES = 60
ITEM_NO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,39}$")
MERCHANT_CODE_PATTERN = re.compile(r"^[\x21-\x7e]{1,64}$")
CODE128_PATTERN = re.compile(r"^[\x20-\x7e]{1,32}$")
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif"})


def title_bytes(title: str) -> int:
    """The title's length as the channel counts it."""
    return sum(1 if ord(char) < 128 else 2 for char in title)


def is_valid_item_no(item_no: str) -> bool:
    return bool(ITEM_NO_PATTERN.match(item_no))


def is_valid_merchant_code(code: str) -> bool:
    return bool(MERCHANT_CODE_PATTERN.match(code))


def image_sequence(item_no: str, filename: str) -> int | None:
    """The sequence number in an image file named 货号+编号, or None if the name is wrong.

    Accepted: `A1001-01.jpg`, `A1001_1.png`, `A100101.jpg` (item number, optional - or _,
    then 1-3 digits). Case of the item number is ignored; shops type it both ways."""
    stem, dot, extension = filename.rpartition(".")
    if not dot or extension.lower() not in IMAGE_EXTENSIONS:
        return None
    if not stem.lower().startswith(item_no.lower()):
        return None
    rest = stem[len(item_no) :]
    match = re.fullmatch(r"[-_]?(\d{1,3})", rest)
    if not match:
        return None
    sequence = int(match.group(1))
    return sequence if sequence > 0 else None


def ean13_check_digit(first12: str) -> int:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


def internal_ean13(number: int) -> str:
    """An EAN-13 in the 20-29 'in-store use' range, from a positive number (the SKU id)."""
    if not 0 < number < 10**10:
        raise ValueError("number out of range for an internal EAN-13")
    first12 = f"20{number:010d}"
    return first12 + str(ean13_check_digit(first12))


def barcode_symbology(code: str) -> str:
    """How a barcode prints: EAN-13 when it is one, Code128 otherwise."""
    return "ean13" if is_valid_ean13(code) else "code128"


def barcode_problem(code: str) -> str | None:
    """Why a given barcode cannot be printed, or None when it can."""
    if code.isdigit() and len(code) == 13 and not is_valid_ean13(code):
        return "ean13_checksum"
    if not CODE128_PATTERN.match(code):
        return "not_printable"
    return None
