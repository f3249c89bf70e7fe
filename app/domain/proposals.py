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
NEEDS_JUSTIFICATION: frozenset[str] = frozenset(
    {"deadline", "key_targets", "measures_and_milestones", "target", "description", "at_risk"}
)
NEEDS_EVIDENCE: frozenset[str] = frozenset({"status", "at_risk"})


def field_labels(target_type: str) -> dict[str, str]:
    return ACTION_FIELDS if target_type == "action" else MEASURE_FIELDS
