"""Members' questions: where a question stands, who moves it on, and how long its words may be.

A committee member asks; the project manager routes it to an officer; that officer answers; the project
manager publishes the answer (its wording edited if need be). The service enforces this table and the
pages ask it which forms to show.
"""

from __future__ import annotations

from enum import StrEnum

QUESTION_LIMIT = 2000  # characters: a question at committee is a paragraph, not a paper
ANSWER_LIMIT = 5000
NOTE_LIMIT = 1000


class QuestionState(StrEnum):
    ASKED = "asked"
    ROUTED = "routed"
    ANSWERED = "answered"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """What officers read: where it stands in the workflow."""
        return {
            "asked": "New: to be sent to an officer",
            "routed": "With an officer to answer",
            "answered": "Answered: to be published",
            "published": "Published",
        }[self.value]

    @property
    def member_label(self) -> str:
        """What the member who asked reads: an answer is theirs only once published."""
        return {
            "asked": "Received",
            "routed": "Being answered",
            "answered": "Being answered",
            "published": "Answered",
        }[self.value]


class QuestionStep(StrEnum):
    ROUTE = "route"
    ANSWER = "answer"
    PUBLISH = "publish"


class Party(StrEnum):
    """Who takes a step: the project manager (who routes and publishes) or the officer it was sent to."""

    MANAGER = "manager"
    OFFICER = "officer"


# (state, step) -> (next state, party). Routing again sends it to someone else (or back for a better answer).
TRANSITIONS: dict[tuple[QuestionState, QuestionStep], tuple[QuestionState, Party]] = {
    (QuestionState.ASKED, QuestionStep.ROUTE): (QuestionState.ROUTED, Party.MANAGER),
    (QuestionState.ROUTED, QuestionStep.ROUTE): (QuestionState.ROUTED, Party.MANAGER),
    (QuestionState.ANSWERED, QuestionStep.ROUTE): (QuestionState.ROUTED, Party.MANAGER),
    (QuestionState.ROUTED, QuestionStep.ANSWER): (QuestionState.ANSWERED, Party.OFFICER),
    (QuestionState.ANSWERED, QuestionStep.ANSWER): (QuestionState.ANSWERED, Party.OFFICER),
    (QuestionState.ANSWERED, QuestionStep.PUBLISH): (QuestionState.PUBLISHED, Party.MANAGER),
}

REFUSED: dict[QuestionStep, str] = {
    QuestionStep.ROUTE: "This question has been published: it can no longer be sent to an officer",
    QuestionStep.ANSWER: "This question cannot be answered now: it is {state}",
    QuestionStep.PUBLISH: "Only an answered question can be published: this one is {state}",
}


def next_state(state: QuestionState, step: QuestionStep) -> QuestionState | None:
    """The state after the step, or None when the step does not apply in this state."""
    found = TRANSITIONS.get((state, step))
    return found[0] if found else None


def refusal(state: QuestionState, step: QuestionStep) -> str:
    return REFUSED[step].format(state=state.label.lower())


def steps_for(state: QuestionState, *, is_manager: bool, is_officer: bool) -> list[QuestionStep]:
    """The forms to show: the steps that apply now and belong to this person."""
    steps = []
    for (from_state, step), (_, party) in TRANSITIONS.items():
        if from_state is state and ((party is Party.MANAGER and is_manager) or (party is Party.OFFICER and is_officer)):
            steps.append(step)
    return list(dict.fromkeys(steps))


def length_problem(text: str, limit: int, what: str) -> str | None:
    """A message when the text is empty or too long (counted as typed, markup and all), else None."""
    if not text.strip():
        return f"Enter {what}"
    if len(text.strip()) > limit:
        return f"{what.capitalize()} must be {limit:,} characters or fewer (it is {len(text.strip()):,})"
    return None
