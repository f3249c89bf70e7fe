"""The transition table, tried exhaustively: every state, every event, every kind of person."""

from __future__ import annotations

import itertools

import pytest

from app.domain.proposals import (
    TRANSITIONS,
    Event,
    NotYourTurn,
    Party,
    State,
    TransitionRefused,
    available_events,
    next_state,
)

# (is_author, is_reviewer): the author who is a service manager; a reviewer; a project manager reviewing
# their own proposal; someone who is neither (a senior manager, say).
PEOPLE = {
    "author": (True, False),
    "reviewer": (False, True),
    "reviewer_who_wrote_it": (True, True),
    "bystander": (False, False),
}

EXPECTED = {
    (State.DRAFT, Event.EDIT): State.DRAFT,
    (State.DRAFT, Event.SUBMIT): State.SUBMITTED,
    (State.DRAFT, Event.WITHDRAW): State.WITHDRAWN,
    (State.SUBMITTED, Event.WITHDRAW): State.WITHDRAWN,
    (State.SUBMITTED, Event.APPROVE): State.APPROVED,
    (State.SUBMITTED, Event.CHALLENGE): State.CHALLENGED,
    (State.SUBMITTED, Event.REJECT): State.REJECTED,
    (State.CHALLENGED, Event.RESPOND): State.SUBMITTED,
    (State.CHALLENGED, Event.WITHDRAW): State.WITHDRAWN,
}
AUTHOR_EVENTS = {Event.EDIT, Event.SUBMIT, Event.WITHDRAW, Event.RESPOND}

CASES = list(itertools.product(State, Event, PEOPLE))


@pytest.mark.parametrize(("state", "event", "person"), CASES, ids=[f"{s.value}-{e.value}-{p}" for s, e, p in CASES])
def test_transition(state: State, event: Event, person: str) -> None:
    is_author, is_reviewer = PEOPLE[person]
    may_act = (event in AUTHOR_EVENTS and is_author) or (event not in AUTHOR_EVENTS and is_reviewer and not is_author)
    expected = EXPECTED.get((state, event))
    if not may_act:
        with pytest.raises(NotYourTurn):
            next_state(state, event, is_author=is_author, is_reviewer=is_reviewer)
    elif expected is None:
        with pytest.raises(TransitionRefused) as refused:
            next_state(state, event, is_author=is_author, is_reviewer=is_reviewer)
        assert not isinstance(refused.value, NotYourTurn)
    else:
        assert next_state(state, event, is_author=is_author, is_reviewer=is_reviewer) is expected
    # the buttons the page shows are exactly the events that would succeed
    shown = event in available_events(state, is_author=is_author, is_reviewer=is_reviewer)
    assert shown == (may_act and expected is not None)


def test_nobody_approves_their_own_proposal() -> None:
    with pytest.raises(NotYourTurn, match="cannot review a proposal you wrote"):
        next_state(State.SUBMITTED, Event.APPROVE, is_author=True, is_reviewer=True)


def test_final_states_have_no_way_out() -> None:
    for state, _event in TRANSITIONS:
        assert state not in {State.APPROVED, State.REJECTED, State.WITHDRAWN}


def test_the_table_is_the_one_the_issue_describes() -> None:
    assert {k: v.next_state for k, v in TRANSITIONS.items()} == EXPECTED
    assert {e for (_, e), t in TRANSITIONS.items() if t.party is Party.AUTHOR} == AUTHOR_EVENTS
