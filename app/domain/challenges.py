"""A challenge's response deadline in working days, and how a challenge stood: answered on time, late, or not.

Pure: the bank holidays and "today" are arguments (the service passes England and Wales's from the
`holidays` package and the app's clock).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_WORKING_DAYS = 10


class Outcome(StrEnum):
    """What became of the challenged proposal: its final state."""

    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"approved": "Approved", "rejected": "Rejected", "withdrawn": "Withdrawn"}[self.value]


class Standing(StrEnum):
    """Where a challenge's answer stands against its due date."""

    ON_TIME = "on_time"
    LATE = "late"
    AWAITING = "awaiting"  # not answered, not yet due
    OVERDUE = "overdue"  # not answered, past its due date, proposal still open
    UNANSWERED = "unanswered"  # never answered: the proposal was decided (withdrawn, usually) first

    @property
    def label(self) -> str:
        return {
            "on_time": "Answered on time",
            "late": "Answered late",
            "awaiting": "Awaiting an answer",
            "overdue": "Overdue",
            "unanswered": "Not answered",
        }[self.value]


def is_working_day(day: date, bank_holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def add_working_days(start: date, days: int, bank_holidays: Container[date]) -> date:
    """The day `days` working days after `start` (which itself does not count), skipping weekends and holidays."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, bank_holidays):
            counted += 1
    return day


def previous_working_day(day: date, bank_holidays: Container[date]) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day, bank_holidays):
        day -= timedelta(days=1)
    return day


def due_date_problem(due_on: date, today: date) -> str | None:
    if due_on < today:
        return "The response due date must be today or in the future"
    return None


def standing(due_on: date, answered_on: date | None, *, decided: bool, today: date) -> Standing:
    """How a challenge stands. A challenge answered on its due date is on time; overdue from the day after."""
    if answered_on is not None:
        return Standing.ON_TIME if answered_on <= due_on else Standing.LATE
    if decided:
        return Standing.UNANSWERED
    return Standing.OVERDUE if today > due_on else Standing.AWAITING


def due_words(due_on: date, today: date) -> str:
    """Words for a due date: "due today", "due tomorrow", "due in 4 days", "1 day overdue", "12 days overdue"."""
    days = (due_on - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days} days"
    late = -days
    return f"{late} day{'s' if late != 1 else ''} overdue"
