"""Changes between two moments of the plan: from two baseline snapshots, or replayed from the audit trail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.status import Status, StatusCounts

# Audit kinds that are approved changes to the plan's actions: what "changes since" is made of.
APPROVED_CHANGE_KINDS = ("action.changed", "action.created", "action.edited", "action.retired", "action.unretired")
APPROVED_CHANGE_LABELS = {
    "action.changed": "Approved updates",
    "action.created": "New actions",
    "action.edited": "Edits by the project manager",
    "action.retired": "Retirements",
    "action.unretired": "Un-retirements",
}

COMPARED_FIELDS = {
    "status": "status",
    "deadline": "deadline",
    "key_targets": "key targets",
    "measures_and_milestones": "performance measures and milestones",
    "title": "title",
    "retired_on": "retirement",
}


def action_key(action: Mapping[str, Any]) -> str:
    return f"{action['work_stream']}:{action['reference']}"


def compare_snapshots(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[str]]:
    """For each action (work stream:reference) what differs between two snapshots, in words."""
    old = {action_key(a): a for a in before.get("actions", [])}
    out: dict[str, list[str]] = {}
    for action in after.get("actions", []):
        key = action_key(action)
        previous = old.get(key)
        if previous is None:
            out[key] = ["New action"]
            continue
        lines = []
        for name, words in COMPARED_FIELDS.items():
            if previous.get(name) != action.get(name):
                if name == "status":
                    lines.append(
                        f"Status changed from {Status(previous['status']).label} to {Status(action['status']).label}"
                    )
                elif name == "retired_on":
                    lines.append("Retired" if action.get(name) else "Un-retired")
                elif name == "deadline":
                    lines.append(f"Deadline moved from {previous.get(name) or 'none'} to {action.get(name) or 'none'}")
                else:
                    lines.append(f"{words.capitalize()} changed")
        if lines:
            out[key] = lines
    return out


@dataclass(frozen=True)
class StatusEvent:
    action_id: int
    at: datetime
    before: str
    after: str


def counts_at(
    current: Mapping[int, str],
    created: Mapping[int, datetime],
    events: Iterable[StatusEvent],
    moments: Iterable[datetime],
) -> dict[datetime, StatusCounts]:
    """Action counts by status at each moment, replaying approved status changes backwards from today.

    An action counts at a moment once it exists then (created at or before it; no creation time: always)
    and has a status: its current one, or, before a change, that change's before. The tally is kept as the
    replay goes, so the work grows with actions plus changes, not with actions times moments.
    """
    ordered_events = sorted(events, key=lambda e: e.at, reverse=True)
    status: dict[int, str | None] = dict(current.items())
    for event in ordered_events:
        status.setdefault(event.action_id, None)
    by_created = sorted((a for a in status if a in created), key=lambda a: created[a], reverse=True)
    gone: set[int] = set()
    tally: Counter[str] = Counter(s for s in status.values() if s is not None)

    def counted(action_id: int) -> bool:
        return status[action_id] is not None and action_id not in gone

    result: dict[datetime, StatusCounts] = {}
    index = 0
    created_index = 0
    for moment in sorted(moments, reverse=True):
        while index < len(ordered_events) and ordered_events[index].at > moment:
            event = ordered_events[index]
            if counted(event.action_id):
                tally[status[event.action_id]] -= 1  # type: ignore[index]
            status[event.action_id] = event.before
            if counted(event.action_id):
                tally[event.before] += 1
            index += 1
        while created_index < len(by_created) and created[by_created[created_index]] > moment:
            action_id = by_created[created_index]
            if counted(action_id):
                tally[status[action_id]] -= 1  # type: ignore[index]
            gone.add(action_id)
            created_index += 1
        result[moment] = StatusCounts.from_pairs((s, n) for s, n in tally.items() if n)
    return result


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from start's month up to end (end itself for the current month)."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        last = date.fromordinal(nxt.toordinal() - 1)
        out.append(min(last, end))
        year, month = nxt.year, nxt.month
    return out
