"""Reminders: messages that fall due with the calendar rather than with someone's action.

`flask reminders send` asks every registered source what is due today and sends each reminder once per
person, item and reason (so running it twice a day sends nothing new). A source is a function
`(today) -> Iterable[Reminder]`, registered with `@register`; the modules that own the rules (risk reviews,
challenges, update rounds) keep their sources beside those rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Reminder:
    user_id: int
    key: str  # the item it is about, e.g. "challenge:12", "round:3", "risk:7"
    reason: str  # why now, e.g. "due-tomorrow", "overdue", "due-in-3-days"
    kind: str  # the sort of message, for preferences: e.g. "challenge_overdue"
    subject: str
    text: str  # plain words: titles and references only, never evidence or anything identifying a child
    link: str  # a path in the app, e.g. "/proposals/12"


Source = Callable[[date], Iterable[Reminder]]
SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of reminders (used as a decorator where the rule lives)."""
    SOURCES.append(source)
    return source


def due(today: date) -> list[Reminder]:
    """Every reminder the registered sources say is due today (not yet filtered for ones already sent)."""
    return [reminder for source in SOURCES for reminder in source(today)]
