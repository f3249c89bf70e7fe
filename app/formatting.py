"""Dates, times and sizes as people read them here: GOV.UK style, UK time, British English.

Services (the report's sentences, the audit's justifications) and templates both use these, so the
module sits below both and imports neither.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import humanize
from babel.core import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from app.clock import UK

LOCALE = "en_GB"
# Parsed once: handing Babel the name would parse it again on every date a page shows.
_LOCALE = Locale.parse(LOCALE)
_DATE = "d MMMM y"  # 3 September 2015
_DATETIME = "d MMMM y 'at' h:mma"  # 3 September 2015 at 2:05pm
# humanize's binary units, in the form GOV.UK's style guide uses for file sizes.
_SIZE_UNITS = {"Bytes": "bytes", "Byte": "byte", "KiB": "KB", "MiB": "MB", "GiB": "GB"}


def format_date(value: date | datetime | None) -> str:
    """GOV.UK style: 3 September 2015."""
    if value is None:
        return ""
    return babel_format_date(value, _DATE, locale=_LOCALE)


def format_iso_date(value: str | date | None) -> str:
    """A date kept as ISO text (snapshots, audit records), in GOV.UK style."""
    if not value:
        return ""
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value)


def format_datetime(value: datetime | None) -> str:
    """A stored naive-UTC moment in UK time: 3 September 2015 at 2:05pm."""
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return babel_format_datetime(moment, _DATETIME, tzinfo=UK, locale=_LOCALE)


def filesize(size: int | None) -> str:
    """240 KB, 1.5 MB: binary units, named as GOV.UK names them."""
    if size is None:
        return ""
    text = humanize.naturalsize(size, binary=True, format="%.0f" if size < 1024 * 1024 else "%.1f")
    number, unit = text.split(" ")
    return f"{number} {_SIZE_UNITS.get(unit, unit)}"
