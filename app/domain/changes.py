"""Changes between two moments of the plan: from two baseline snapshots, or replayed from the audit trail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.status import Status, StatusCounts

# Audit kinds that are approved changes to the plan: what "changes since" is made of. An approved proposal
# is `action.changed`; the others are the project manager's plan editor, whose reason is the justification.
APPROVED_CHANGE_KINDS = (
    "action.changed",
    "action.created",
    "action.edited",
    "action.retired",
    "action.unretired",
    "work_stream.created",
)
EDITOR_CHANGE_KINDS = frozenset(APPROVED_CHANGE_KINDS) - {"action.changed"}
# Audit kinds (by the group before the dot) that record only someone's coming and going: a sign-in, a sign-out,
# a failed attempt, a second factor, a refused request. The audit trail shows them; no other page shows anything
# they change, so pages kept per version of the trail are kept across them.
TRAIL_ONLY_GROUPS = ("auth", "access")
APPROVED_CHANGE_LABELS = {
    "action.changed": "Approved updates",
    "action.created": "New actions",
    "action.edited": "Edits by the project manager",
    "action.retired": "Retirements",
    "action.unretired": "Un-retirements",
    "work_stream.created": "New work streams",
}

# The words for each field an action's change can touch, as the pages and the report name them.
FIELD_WORDS = {
    "status": "Status",
    "deadline": "Deadline",
    "at_risk": "In danger of missing its deadline",
    "progress": "Progress - actions",
    "key_targets": "Key targets",
    "measures_and_milestones": "Performance measures and milestones",
    "title": "Title",
    "owner": "Owner",
    "retired_on": "Retired",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
LIVE = "In the live action plan"
DANGER = "in danger of missing its deadline"


def date_words(value: object) -> str:
    """An ISO date (as the audit trail keeps it) in GOV.UK style: 30 September 2015; "none set" when empty."""
    day: date | None = value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
    if isinstance(value, str) and value:
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else "none set"


def value_words(name: str, value: object) -> str:
    """A field's value as a person reads it: a status's words, a date, yes or no; never the stored form."""
    if name == "status":
        status = Status.parse(str(value)) if value else None
        return status.label if status else "none"
    if name in ("deadline", "retired_on"):
        return date_words(value)
    if name == "at_risk":
        return DANGER[0].upper() + DANGER[1:] if value else f"Not {DANGER}"
    if value in (None, ""):
        return "none"
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    """One field's change in words: what ("Status changed from IN PROGRESS to COMPLETED"), from and to."""

    label: str
    what: str
    before: str
    after: str


def describe_change(kind: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[FieldChange]:
    """An audit event of one of APPROVED_CHANGE_KINDS in words, field by field, from its before and after."""
    before, after = dict(before or {}), dict(after or {})
    if kind == "action.created":
        return [FieldChange("Action", "New action added", "", str(after.get("title") or ""))]
    if kind == "work_stream.created":
        return [FieldChange("Work stream", "New work stream added", "", str(after.get("title") or ""))]
    if kind == "action.retired":
        return [FieldChange("Retired", "Retired", LIVE, f"Retired on {date_words(after.get('retired_on'))}")]
    if kind == "action.unretired":
        retired = f"Retired on {date_words(before.get('retired_on'))}"
        return [FieldChange("Retired", "Returned to the plan", retired, LIVE)]
    out = []
    for name in [k for k in after if k in FIELD_WORDS] or [k for k in before if k in FIELD_WORDS]:
        label = FIELD_WORDS[name]
        old, new = value_words(name, before.get(name)), value_words(name, after.get(name))
        if name == "status":
            what = f"Status changed from {old} to {new}"
        elif name == "deadline":
            what = f"Deadline moved from {old} to {new}"
        elif name == "owner":
            what = f"Owner changed from {old} to {new}"
        elif name == "at_risk":
            what = f"Flagged as {DANGER}" if after.get(name) else f"No longer flagged as {DANGER}"
        elif name == "progress":
            what = "Progress updated"
        elif name == "retired_on":
            what = "Retired" if after.get(name) else "Returned to the plan"
        else:
            what = f"{label} reworded"
        out.append(FieldChange(label, what, old, new))
    return out or [FieldChange("Action", "Changed", "", "")]


def what_words(parts: Iterable[FieldChange]) -> str:
    """The parts of one change as one clause: "Status changed from IN PROGRESS to COMPLETED; progress updated"."""
    clauses = [p.what for p in parts]
    return "; ".join([clauses[0], *(_lower_first(c) for c in clauses[1:])]) if clauses else ""


def _lower_first(text: str) -> str:
    """ "Progress updated" -> "progress updated", leaving "IN PROGRESS" and other capitals as they are."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


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
                    lines.append("Retired" if action.get(name) else "Returned to the plan")
                elif name == "deadline":
                    was, now = date_words(previous.get(name)), date_words(action.get(name))
                    lines.append(f"Deadline moved from {was} to {now}")
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
