"""Time, in one place: stored in UTC, shown in UK local time, and controllable by tests.

Every part of the app asks this module for the time, so a test can move it (sessions going idle,
deadlines passing) without touching the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


class _Offset:
    delta = timedelta(0)


_offset = _Offset()


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column stores on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None) + _offset.delta


def today() -> date:
    """Today's date in the UK, which is what deadlines are measured against."""
    return to_uk(utcnow()).date()


def to_uk(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(UK)


def advance(delta: timedelta) -> None:
    """Tests only: move the app's clock on (or back)."""
    _offset.delta += delta


def reset() -> None:
    _offset.delta = timedelta(0)
