"""counts_at (the dashboard's trend): at every moment, each action that existed then counted under the
status it had then, on generated histories."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.changes import StatusEvent, counts_at

STATUSES = ["COMPLETED", "IN_PROGRESS", "STATIC"]
T0 = datetime(2015, 1, 1)
days = st.integers(min_value=0, max_value=90).map(lambda d: T0 + timedelta(days=d))


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[int, str], dict[int, datetime], list[StatusEvent], list[datetime]]:
    """Actions with a consistent chain of changes each: every change starts from the status the last one left."""
    n = draw(st.integers(min_value=0, max_value=8))
    current: dict[int, str] = {}
    created: dict[int, datetime] = {}
    events: list[StatusEvent] = []
    for action_id in range(n):
        born = draw(days)
        if draw(st.booleans()):
            created[action_id] = born
        status = draw(st.sampled_from(STATUSES))
        at = born
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            at = at + timedelta(days=draw(st.integers(min_value=0, max_value=20)), seconds=1)
            after = draw(st.sampled_from(STATUSES))
            events.append(StatusEvent(action_id, at, status, after))
            status = after
        current[action_id] = status
    moments = draw(st.lists(st.one_of(days, st.sampled_from([e.at for e in events] or [T0])), max_size=6))
    return current, created, events, moments


def _status_then(action_id: int, current: str, events: list[StatusEvent], moment: datetime) -> str:
    mine = sorted((e for e in events if e.action_id == action_id), key=lambda e: e.at)
    past = [e for e in mine if e.at <= moment]
    if past:
        return past[-1].after
    return mine[0].before if mine else current


@settings(max_examples=300, deadline=None)
@given(histories())
def test_each_moment_counts_what_existed_then_by_its_status_then(
    history: tuple[dict[int, str], dict[int, datetime], list[StatusEvent], list[datetime]],
) -> None:
    current, created, events, moments = history
    got = counts_at(current, created, events, moments)
    assert set(got) == set(moments)
    for moment in moments:
        expected = Counter(
            _status_then(a, s, events, moment) for a, s in current.items() if created.get(a, moment) <= moment
        )
        counts = got[moment]
        assert (counts.completed, counts.in_progress, counts.static) == (
            expected["COMPLETED"],
            expected["IN_PROGRESS"],
            expected["STATIC"],
        )
