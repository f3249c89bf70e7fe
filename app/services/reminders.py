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

from sqlalchemy import select

from app.extensions import db
from app.models import SentReminder, User
from app.services import notifications
from app.services.tx import write_transaction


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


@dataclass
class SendResult:
    sent: int = 0
    already_sent: int = 0


def send_due(today: date) -> SendResult:
    """Send each reminder that is due (a notification, and e-mail by the person's choice), once only.

    Each goes in a transaction of its own with its `SentReminder` row; the row's unique (person, item,
    reason) makes a second run, or two at once, send nothing more.
    """
    # Every module that sends a kind of message is imported by the table of kinds: so every source is registered.
    from app.services import mail_kinds  # noqa: F401, PLC0415

    result = SendResult()
    for reminder in due(today):
        with write_transaction():
            user = db.session.get(User, reminder.user_id)
            if user is None or not user.active:
                continue
            if not mark_sent(user.id, reminder.key, reminder.reason, reminder.kind):
                result.already_sent += 1
                continue
            notifications.notify_link(
                user.id, reminder.text, reminder.link, kind=reminder.kind, subject=reminder.subject, text=reminder.text
            )
            result.sent += 1
    return result


def _already_sent(user_id: int, key: str, reason: str) -> bool:
    return (
        db.session.scalar(
            select(SentReminder.id).where(
                SentReminder.user_id == user_id, SentReminder.key == key[:120], SentReminder.reason == reason[:120]
            )
        )
        is not None
    )


def mark_sent(user_id: int, key: str, reason: str, kind: str) -> bool:
    """In the caller's transaction: record that (person, item, reason) went out; False if it already had."""
    if _already_sent(user_id, key, reason):
        return False
    db.session.add(SentReminder(user_id=user_id, key=key[:120], reason=reason[:120], kind=kind))
    return True
