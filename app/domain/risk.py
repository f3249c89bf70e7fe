"""Risk register rules: when an action enters the register, when it leaves, and how a risk is scored.

Pure functions of an action's state and the date, so the register can always be recomputed from the plan
and checked against what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.status import Status


class Reason(StrEnum):
    STATIC = "static"
    OVERDUE = "overdue"
    DEADLINE_NEAR = "deadline_near"
    FLAGGED = "flagged"

    @property
    def label(self) -> str:
        return {
            "static": "STATIC",
            "overdue": "Deadline passed",
            "deadline_near": "Deadline close",
            "flagged": "Flagged as in danger of missing its deadline",
        }[self.value]


REASON_ORDER = (Reason.STATIC, Reason.OVERDUE, Reason.DEADLINE_NEAR, Reason.FLAGGED)


@dataclass(frozen=True)
class ActionState:
    status: str
    deadline: date | None
    retired: bool
    flagged: bool


def reasons_for(action: ActionState, today: date, window_days: int) -> frozenset[Reason]:
    """Why the action belongs in the register today; empty when it is back on track."""
    if action.retired or action.status == Status.COMPLETED:
        return frozenset()
    reasons = set()
    if action.status == Status.STATIC:
        reasons.add(Reason.STATIC)
    if action.deadline is not None:
        if action.deadline < today:
            reasons.add(Reason.OVERDUE)
        elif action.deadline <= today + timedelta(days=window_days):
            reasons.add(Reason.DEADLINE_NEAR)
    if action.flagged:
        reasons.add(Reason.FLAGGED)
    return frozenset(reasons)


def ordered(reasons: frozenset[Reason] | set[Reason] | list[str]) -> list[Reason]:
    wanted = {Reason(r) for r in reasons}
    return [r for r in REASON_ORDER if r in wanted]


def exit_explanation(action: ActionState) -> str:
    """Why an entry closed, in words for the register's history."""
    if action.retired:
        return "The action was retired"
    if action.status == Status.COMPLETED:
        return "The action was completed"
    return "The action is back on track: not STATIC, not overdue, outside the warning window and not flagged"


SCORE_MIN, SCORE_MAX = 1, 5


def score(likelihood: int, impact: int) -> int:
    return likelihood * impact


@dataclass(frozen=True)
class Band:
    label: str
    rag: str


def band(value: int) -> Band:
    """The council's 5x5 matrix: 1-4 low, 5-12 medium, 15-25 high."""
    if value >= 15:
        return Band("HIGH", "red")
    if value >= 5:
        return Band("MEDIUM", "amber")
    return Band("LOW", "green")
