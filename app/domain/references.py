"""What someone types to name a work stream ("12", "xii", "Work stream iv") read as its number."""

from __future__ import annotations

import re

_ROMAN = {"i": 1, "v": 5, "x": 10}
_TYPED = re.compile(r"\s*(?:work\s*stream\s*)?([0-9]{1,6}|[ivx]{1,80})\s*\.?\s*", re.IGNORECASE)


def _numerals(number: int) -> str:
    out = ""
    for value, numeral in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
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
    return total if total and _numerals(total) == text else None
