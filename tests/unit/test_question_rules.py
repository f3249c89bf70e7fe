"""The members' question workflow as a table, tried in full: every state, every step, every party."""

from __future__ import annotations

import pytest

from app.domain.questions import QuestionState, QuestionStep, length_problem, next_state, steps_for

S, P = QuestionState, QuestionStep
# Written out from the brief: the project manager routes (again, until published) and publishes an answered
# question; the officer it was sent to answers, and may improve the answer until it is published.
EXPECTED = {
    (S.ASKED, P.ROUTE): S.ROUTED,
    (S.ROUTED, P.ROUTE): S.ROUTED,
    (S.ANSWERED, P.ROUTE): S.ROUTED,
    (S.ROUTED, P.ANSWER): S.ANSWERED,
    (S.ANSWERED, P.ANSWER): S.ANSWERED,
    (S.ANSWERED, P.PUBLISH): S.PUBLISHED,
}
MANAGER_STEPS = {P.ROUTE, P.PUBLISH}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("step", list(P))
def test_every_state_and_step(state: QuestionState, step: QuestionStep) -> None:
    assert next_state(state, step) == EXPECTED.get((state, step))


@pytest.mark.parametrize("state", list(S))
def test_the_forms_shown_are_the_steps_allowed_for_that_party(state: QuestionState) -> None:
    allowed = {step for (s, step) in EXPECTED if s is state}
    assert set(steps_for(state, is_manager=True, is_officer=False)) == allowed & MANAGER_STEPS
    assert set(steps_for(state, is_manager=False, is_officer=True)) == allowed - MANAGER_STEPS
    assert steps_for(state, is_manager=False, is_officer=False) == []


def test_a_published_question_is_final() -> None:
    assert all(next_state(S.PUBLISHED, step) is None for step in P)


def test_length_is_counted_as_stored_markup_and_all() -> None:
    assert length_problem("  ", 10, "your question") == "Enter your question"
    assert length_problem("<b>x</b>  ", 8, "your question") is None
    assert length_problem("<b>xy</b>", 8, "your question") == "Your question must be 8 characters or fewer (it is 9)"
