"""Statuses, their RAG colours and the figures the committee report quotes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    COMPLETED = "COMPLETED"
    IN_PROGRESS = "IN_PROGRESS"
    STATIC = "STATIC"

    @property
    def label(self) -> str:
        """The word the report prints: never shown by colour alone."""
        return self.value.replace("_", " ")

    @property
    def rag(self) -> str:
        return {"COMPLETED": "green", "IN_PROGRESS": "amber", "STATIC": "red"}[self.value]

    @property
    def key(self) -> str:
        """The JSON key used by the summary API."""
        return self.value.lower()

    @classmethod
    def parse(cls, value: str | None) -> Status | None:
        if not value:
            return None
        normalised = value.strip().upper().replace(" ", "_")
        try:
            return cls(normalised)
        except ValueError:
            return None


STATUS_ORDER: tuple[Status, ...] = (Status.COMPLETED, Status.IN_PROGRESS, Status.STATIC)


@dataclass(frozen=True)
class StatusCounts:
    completed: int = 0
    in_progress: int = 0
    static: int = 0

    @property
    def total(self) -> int:
        return self.completed + self.in_progress + self.static

    def count(self, status: Status) -> int:
        return {
            Status.COMPLETED: self.completed,
            Status.IN_PROGRESS: self.in_progress,
            Status.STATIC: self.static,
        }[status]

    def percentage(self, status: Status) -> int:
        """Whole-number percentage of the total, as the report's summary boxes print it."""
        if self.total == 0:
            return 0
        return round(100 * self.count(status) / self.total)

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(
            self.completed + other.completed,
            self.in_progress + other.in_progress,
            self.static + other.static,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "completed": self.completed,
            "in_progress": self.in_progress,
            "static": self.static,
        }

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str | Status, int]]) -> StatusCounts:
        values = dict.fromkeys(Status, 0)
        for status, n in pairs:
            values[Status(status)] += n
        return cls(values[Status.COMPLETED], values[Status.IN_PROGRESS], values[Status.STATIC])


def actions_headline(counts: StatusCounts) -> str:
    """Paragraph 4 of the committee report, computed from the plan."""
    return (
        f"Steady progress is being made against all {counts.total} actions in the Plan, "
        f"with {counts.completed} COMPLETED, {counts.in_progress} IN PROGRESS and {counts.static} STATIC."
    )


def measures_headline(counts: StatusCounts, checkpoint: int) -> str:
    """Paragraph 8 of the committee report, computed from the plan."""
    return (
        f"Out of {counts.total} projected outcomes at {checkpoint} months, {counts.completed} are COMPLETED, "
        f"{counts.in_progress} are IN PROGRESS and {counts.static} are STATIC."
    )
