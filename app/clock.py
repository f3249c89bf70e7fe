"""Time, in one place: stored in UTC, shown in UK local time, and controllable by tests.

Every part of the app asks this module for the time, so a test can move it (sessions going idle,
deadlines passing) without touching the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (naive UTC), then put the clock back as it was.

    The clock keeps ticking inside the block, so things done there are a few milliseconds apart, in order.
    For the demo's history (`app/services/demo.py`), which is played at the dates it happened, and for tests.
    Process-wide, like `advance`: not for use while the app serves requests.
    """
    saved = _offset.delta
    _offset.delta = moment - datetime.now(UTC).replace(tzinfo=None)
    try:
        yield
    finally:
        _offset.delta = saved
