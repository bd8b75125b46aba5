"""Money is Decimal yuan with two places; one rounding rule for the whole product."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up (the channels' and the tax office's convention)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal | None) -> Decimal:
    """Read a yuan amount as people and exports write it: '59', '59.00', '¥59', '0元', '1,299.00'.

    Raises ValueError for anything that is not a non-negative amount."""
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        cleaned = (text or "").strip().replace(",", "").replace("，", "")
        for mark in ("¥", "￥", "元", "RMB"):
            cleaned = cleaned.replace(mark, "")
        cleaned = cleaned.strip()
        if not cleaned:
            raise ValueError("empty amount")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as error:
            raise ValueError(f"not an amount: {text!r}") from error
    if not value.is_finite() or value < 0:
        raise ValueError(f"not a valid amount: {text!r}")
    if value >= Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES):
        raise ValueError(f"amount too large: {text!r}")
    return round_money(value)
