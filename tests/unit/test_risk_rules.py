"""Entry and exit rules of the risk register, and the scoring matrix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.risk import ActionState, Reason, band, exit_explanation, reasons_for

TODAY = date(2026, 3, 1)


def state(
    status: str = "IN_PROGRESS",
    deadline: date | None = TODAY + timedelta(days=90),
    retired: bool = False,
    flagged: bool = False,
) -> ActionState:
    return ActionState(status=status, deadline=deadline, retired=retired, flagged=flagged)


def test_static_action_enters() -> None:
    assert reasons_for(state("STATIC"), TODAY, 30) == {Reason.STATIC}


def test_deadline_inside_the_window_enters_and_the_edge_counts() -> None:
    assert reasons_for(state(deadline=TODAY + timedelta(days=30)), TODAY, 30) == {Reason.DEADLINE_NEAR}
    assert reasons_for(state(deadline=TODAY), TODAY, 30) == {Reason.DEADLINE_NEAR}
    assert reasons_for(state(deadline=TODAY + timedelta(days=31)), TODAY, 30) == frozenset()


def test_window_is_configurable() -> None:
    assert reasons_for(state(deadline=TODAY + timedelta(days=45)), TODAY, 60) == {Reason.DEADLINE_NEAR}


def test_passed_deadline_enters_as_overdue() -> None:
    assert reasons_for(state(deadline=TODAY - timedelta(days=1)), TODAY, 30) == {Reason.OVERDUE}


def test_flag_enters_even_far_from_the_deadline() -> None:
    assert reasons_for(state(flagged=True), TODAY, 30) == {Reason.FLAGGED}


def test_reasons_combine() -> None:
    assert reasons_for(state("STATIC", deadline=TODAY - timedelta(days=3), flagged=True), TODAY, 30) == {
        Reason.STATIC,
        Reason.OVERDUE,
        Reason.FLAGGED,
    }


@pytest.mark.parametrize(
    "exit_state",
    [
        state("COMPLETED", deadline=TODAY - timedelta(days=10), flagged=True),
        state("COMPLETED", retired=True),
        state("IN_PROGRESS", deadline=TODAY + timedelta(days=100)),
        state("IN_PROGRESS", deadline=None),
    ],
)
def test_back_on_track_leaves(exit_state: ActionState) -> None:
    assert reasons_for(exit_state, TODAY, 30) == frozenset()


def test_exit_explanations_say_why() -> None:
    assert exit_explanation(state("COMPLETED")) == "The action was completed"
    assert exit_explanation(state("COMPLETED", retired=True)) == "The action was retired"
    assert "back on track" in exit_explanation(state())


@pytest.mark.parametrize(
    ("likelihood", "impact", "label"),
    [(1, 1, "LOW"), (2, 2, "LOW"), (1, 5, "MEDIUM"), (3, 4, "MEDIUM"), (3, 5, "HIGH"), (5, 5, "HIGH")],
)
def test_score_bands(likelihood: int, impact: int, label: str) -> None:
    assert band(likelihood * impact).label == label
