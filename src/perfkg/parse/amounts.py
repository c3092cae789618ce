"""Reads printed amounts (预算数, 财政资金, 其他资金): only plain finite decimals become numbers, exactly, in yuan too."""
from __future__ import annotations

import re
from decimal import Decimal, localcontext

from perfkg.model import Amount
from perfkg.parse.normalise import squash

YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000), "亿元": Decimal(100_000_000)}
_PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_FULLWIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)} | {0xFF0E: ord("."), 0xFF0C: ord(",")}


def parse_amount(raw: str, unit: str | None) -> Amount:
    """A printed amount; a blank cell counts as 0 (the template leaves 其他资金 empty).

    Only a plain finite decimal ("40.00", "1,234.5", "-3") is a number. "NaN", "Infinity", "sNaN", "1e999", "**"
    and any other text keep value None (the caller records amount-unreadable), never a Decimal special value.
    """
    text = squash(raw).translate(_FULLWIDTH_DIGITS).replace(",", "")
    value: Decimal | None
    if text == "":
        value = Decimal(0)
    elif _PLAIN_DECIMAL.match(text):
        value = Decimal(text)
    else:
        value = None
    unit = unit or "万元"
    scale = YUAN_PER_UNIT.get(unit)
    yuan = None
    if value is not None and scale is not None:
        with localcontext() as ctx:  # exact: never round a long printed amount to 28 digits
            ctx.prec = max(28, len(value.as_tuple().digits) + 12)
            yuan = value * scale
    return Amount(raw, value, unit, yuan)
