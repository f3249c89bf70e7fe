"""The proposal state machine, as a table, and the fields a proposal may change.

The service enforces this table and the templates ask it which buttons to show, so the page can never
offer what the server would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHALLENGED = "challenged"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "submitted": "Awaiting review",
            "challenged": "Challenged",
            "approved": "Approved",
            "rejected": "Rejected",
            "withdrawn": "Withdrawn",
        }[self.value]


OPEN_STATES: frozenset[State] = frozenset({State.DRAFT, State.SUBMITTED, State.CHALLENGED})
FINAL_STATES: frozenset[State] = frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN})


class Event(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    CHALLENGE = "challenge"
    RESPOND = "respond"
    APPROVE = "approve"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return {
            "edit": "Edit",
            "submit": "Submit for approval",
            "withdraw": "Withdraw",
            "challenge": "Challenge",
            "respond": "Respond",
            "approve": "Approve",
            "reject": "Reject",
        }[self.value]


class Party(StrEnum):
    """Who may fire an event: the proposal's author, or an independent reviewer (never the author)."""

    AUTHOR = "author"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Transition:
    next_state: State
    party: Party


TRANSITIONS: dict[tuple[State, Event], Transition] = {
    (State.DRAFT, Event.EDIT): Transition(State.DRAFT, Party.AUTHOR),
    (State.DRAFT, Event.SUBMIT): Transition(State.SUBMITTED, Party.AUTHOR),
    (State.DRAFT, Event.WITHDRAW): Transition(State.WITHDRAWN, Party.AUTHOR),
    (State.SUBMITTED, Event.WITHDRAW): Transition(State.WITHDRAWN, Party.AUTHOR),
    (State.SUBMITTED, Event.APPROVE): Transition(State.APPROVED, Party.REVIEWER),
    (State.SUBMITTED, Event.CHALLENGE): Transition(State.CHALLENGED, Party.REVIEWER),
    (State.SUBMITTED, Event.REJECT): Transition(State.REJECTED, Party.REVIEWER),
    (State.CHALLENGED, Event.RESPOND): Transition(State.SUBMITTED, Party.AUTHOR),
    (State.CHALLENGED, Event.WITHDRAW): Transition(State.WITHDRAWN, Party.AUTHOR),
}


# Each event belongs to one party whatever the state, so who may try is known before where it stands.
EVENT_PARTY: dict[Event, Party] = {event: transition.party for (_, event), transition in TRANSITIONS.items()}


class TransitionRefused(Exception):
    """The event does not apply to a proposal in this state."""

    def __init__(self, state: State, event: Event, message: str) -> None:
        super().__init__(message)
        self.state = state
        self.event = event
        self.message = message


class NotYourTurn(TransitionRefused):
    """This person is not the party the event belongs to: the author, or an independent reviewer."""


def check_party(state: State, event: Event, *, is_author: bool, is_reviewer: bool) -> None:
    party = EVENT_PARTY[event]
    if party is Party.AUTHOR and not is_author:
        raise NotYourTurn(state, event, "Only the person who wrote this proposal can do that")
    if party is Party.REVIEWER:
        if is_author:
            raise NotYourTurn(state, event, "You cannot review a proposal you wrote: another reviewer must")
        if not is_reviewer:
            raise NotYourTurn(state, event, "Only an independent reviewer can review proposals")


def next_state(state: State, event: Event, *, is_author: bool, is_reviewer: bool) -> State:
    """The state after the event; NotYourTurn or TransitionRefused say why, in words for the person who tried."""
    check_party(state, event, is_author=is_author, is_reviewer=is_reviewer)
    transition = TRANSITIONS.get((state, event))
    if transition is None:
        raise TransitionRefused(state, event, f"A proposal that is {state.label.lower()} cannot be {_past(event)}")
    return transition.next_state


def available_events(state: State, *, is_author: bool, is_reviewer: bool) -> list[Event]:
    """The buttons to show, in the table's order."""
    events = []
    for (from_state, event), transition in TRANSITIONS.items():
        if from_state is not state:
            continue
        if transition.party is Party.AUTHOR and is_author:
            events.append(event)
        elif transition.party is Party.REVIEWER and is_reviewer and not is_author:
            events.append(event)
    return events


def _past(event: Event) -> str:
    return {
        "edit": "edited",
        "submit": "submitted",
        "withdraw": "withdrawn",
        "challenge": "challenged",
        "respond": "responded to",
        "approve": "approved",
        "reject": "rejected",
    }[event.value]


# What a proposal may change, per kind of target, and whether a change needs its own justification.
ACTION_FIELDS: dict[str, str] = {
    "status": "Status",
    "at_risk": "In danger of missing its deadline",
    "progress": "Progress - actions",
    "deadline": "Deadline",
    "key_targets": "Key targets",
    "measures_and_milestones": "Performance measures and milestones",
}
MEASURE_FIELDS: dict[str, str] = {
    "status": "Status",
    "narrative": "Narrative",
    "target": "Target",
    "description": "Projected outcome",
}
# Every change a proposal makes needs its own "why", except a progress narrative, which is its own account.
NEEDS_JUSTIFICATION: frozenset[str] = frozenset(
    {"status", "deadline", "key_targets", "measures_and_milestones", "target", "description", "at_risk"}
)
NEEDS_EVIDENCE: frozenset[str] = frozenset({"status", "at_risk"})


def field_labels(target_type: str) -> dict[str, str]:
    return ACTION_FIELDS if target_type == "action" else MEASURE_FIELDS


# The error shown beside a change's "why" when it is left empty, in the words of the form.
MISSING_REASON: dict[str, str] = {
    "status": "Enter why the status is changing",
    "at_risk": "Enter why the action is, or is no longer, in danger of missing its deadline",
    "deadline": "Enter why the deadline must move",
}
MISSING_APPROVAL_NOTE = (
    "Enter why you are approving this change: it is recorded with the change and shown to the committee"
)


def missing_reason(name: str, label: str) -> str:
    return MISSING_REASON.get(name, f"Enter why the {label.lower()} should change")


def justification_words(labels: dict[str, str], changes: dict[str, dict[str, object]]) -> str:
    """The author's reasons for a proposal's changes, in one line: one reason alone, or each after its field's label."""
    reasons = [(name, str(change.get("reason") or "").strip()) for name, change in changes.items()]
    given = [(name, reason) for name, reason in reasons if reason]
    if len(given) == 1:
        return given[0][1]
    return "; ".join(f"{labels.get(name, 'Change')}: {reason}" for name, reason in given)


def approval_reason(justification: str, note: str) -> str:
    """An approval's "why" in the audit trail: the author's justification and the approver's decision note."""
    parts = []
    if justification.strip():
        parts.append(f"Justification: {_sentence(justification)}")
    if note.strip():
        parts.append(f"Approver's note: {_sentence(note)}")
    return " ".join(parts)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "”", '"')) else f"{text}."
