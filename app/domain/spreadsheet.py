"""Text bound for a spreadsheet: a cell that starts like a formula must not run as one (CSV injection)."""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """The value, with a leading apostrophe where a spreadsheet would otherwise read a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
