"""What counts as a sensible number or date from outside: anything else is ignored or refused, never a 500.

Ids are PostgreSQL `integer` columns, so an id above 2^31 - 1 names nothing (and would overflow the
query); dates are for a plan that runs this century.
"""

from __future__ import annotations

import re
from datetime import date

MAX_ID = 2**31 - 1
MIN_YEAR = 2000
MAX_YEAR = 2100
_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII only: "²".isdigit() is True, but int("²") fails
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, line feed and carriage return allowed


def parse_id(value: object, *, maximum: int = MAX_ID) -> int | None:
    """A non-negative integer written in ASCII digits and no larger than `maximum`, or None."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def parse_iso_date(value: object) -> date | None:
    """A date written like 2026-12-01 in the years a plan may run, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if year_in_range(parsed.year) else None


def has_control_characters(text: str) -> bool:
    """NUL and the other control characters no one types (PostgreSQL refuses NUL in text outright)."""
    return bool(_CONTROL.search(text))
