"""The navigation's badges: how many proposals wait in the review queue (for those who review) and how many
of one's notifications are unread.

Every page shows them, so they are read in the same statement as the session (`columns()`, added to
`accounts.load_session_with_badges`): a page's signed-in part costs one query. `for_user` reads them on their
own, for a page whose request did not load them or wrote something since. The figures are those of
`proposals.queue_count` and `notifications.unread_count` (tests/web/test_page_overhead.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from app.domain.proposals import State
from app.extensions import db
from app.models import Notification, Proposal, User
from app.policy import Permission, is_reviewer, roles_with


@dataclass(frozen=True)
class Badges:
    queue: int
    notifications: int
    newest: int = 0  # the id of the person's newest notification: with `notifications`, their list's version

    def as_dict(self) -> dict[str, int]:
        return {"queue": self.queue, "notifications": self.notifications}


def _queue() -> ColumnElement[int]:
    return select(func.count(Proposal.id)).where(Proposal.state == State.SUBMITTED.value).scalar_subquery()


def _unread(user_id: InstrumentedAttribute[int] | int) -> ColumnElement[int]:
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def _newest(user_id: InstrumentedAttribute[int] | int) -> ColumnElement[int]:
    return select(func.max(Notification.id)).where(Notification.user_id == user_id).scalar_subquery()


def columns() -> tuple[ColumnElement[int], ColumnElement[int], ColumnElement[int]]:
    """The queue and unread counts as columns of a query that selects from `users`: the queue is counted only
    for a role that reviews (the database skips the count for the others), the unread notifications are the
    selected user's own, as is the newest notification's id."""
    # `role = a OR role = b`, not `role IN (...)`: an IN list is an "expanding" parameter that SQLAlchemy
    # renders into the statement again on every execution, a fifth of a signed-in page's time in Python
    reviewers = or_(*(User.role == role for role in sorted(roles_with(Permission.REVIEW_PROPOSAL))))
    queue = case((reviewers, _queue()), else_=0)
    return (
        queue.label("badge_queue"),
        _unread(User.id).label("badge_notifications"),
        _newest(User.id).label("badge_newest"),
    )


def from_row(queue: int | None, notifications: int | None, newest: int | None = None) -> Badges:
    return Badges(queue=int(queue or 0), notifications=int(notifications or 0), newest=int(newest or 0))


def for_user(user: User) -> Badges:
    """Both counts in one query, for someone already loaded."""
    queue = _queue() if is_reviewer(user) else literal(0)
    row = db.session.execute(select(queue, _unread(user.id), _newest(user.id))).one()
    return from_row(row[0], row[1], row[2])
