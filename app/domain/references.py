"""What someone types to name a work stream ("12", "xii", "Work stream iv") read as its number."""

from __future__ import annotations

import re

NUMERALS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_ROMAN = {numeral: value for value, numeral in NUMERALS if len(numeral) == 1}
_TYPED = re.compile(r"\s*(?:work\s*stream\s*)?([0-9]{1,6}|[ivxlcdm]{1,20})\s*\.?\s*", re.IGNORECASE)


def to_roman(number: int) -> str:
    """A work stream's number as the plan writes it, in lower-case roman numerals: "vii", "xlix", "dcc"."""
    out = ""
    for value, numeral in NUMERALS:
        while number >= value:
            out += numeral
            number -= value
    return out


def work_stream_number(typed: str) -> int | None:
    """The number typed, in figures or in the plan's roman numerals (only as the plan writes them:
    "iv", not "iiii"); None when it is neither."""
    found = _TYPED.fullmatch(typed or "")
    if not found:
        return None
    text = found.group(1).lower()
    if text.isdigit():
        return int(text) or None
    total = 0
    for here, after in zip(text, [*text[1:], ""], strict=True):
        value = _ROMAN[here]
        total += -value if after and _ROMAN[after] > value else value
    return total if total and to_roman(total) == text else None
