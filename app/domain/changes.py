"""Changes between two moments of the plan: from two baseline snapshots, or replayed from the audit trail."""

from __future__ import annotations

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
    """Action counts by status at each moment, replaying approved status changes backwards from today."""
    ordered_events = sorted(events, key=lambda e: e.at, reverse=True)
    status = dict(current)
    result: dict[datetime, StatusCounts] = {}
    index = 0
    for moment in sorted(moments, reverse=True):
        while index < len(ordered_events) and ordered_events[index].at > moment:
            event = ordered_events[index]
            status[event.action_id] = event.before
            index += 1
        result[moment] = StatusCounts.from_pairs(
            (s, 1) for action_id, s in status.items() if created.get(action_id, moment) <= moment
        )
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
