"""Notifications: in-app, and by e-mail as each person chooses per kind. Added to the caller's transaction.

Each notification records its `kind`; `mail.queue` adds the e-mail it becomes (now, in the daily digest, or
none) to the outbox in the same transaction, and the message is sent once that transaction has committed.
"""

from __future__ import annotations

from flask import has_request_context, url_for
from sqlalchemy import func, select, update

from app.clock import utcnow
from app.extensions import db
from app.models import Notification, User
from app.policy import Permission, roles_with
from app.services import mail
from app.services.tx import write_transaction


def _link(proposal_id: int) -> str:
    if has_request_context():
        return url_for("proposals.show", proposal_id=proposal_id)
    return f"/proposals/{proposal_id}"


def notify(user_id: int, message: str, proposal_id: int, *, kind: str = "proposal") -> None:
    """A notification about a proposal; `kind` names the sort of message, for people's e-mail preferences."""
    notify_link(user_id, message, _link(proposal_id), kind=kind)


def notify_link(
    user_id: int, message: str, link: str, *, kind: str = "general", subject: str | None = None, text: str | None = None
) -> Notification:
    """A notification about anything with a page (`link` is a path such as "/risks/3"), in the caller's
    transaction. `kind` names the sort of message (e.g. "challenge_overdue", "round_opened"): it is e-mailed,
    gathered into the daily digest, or not, by the person's choice for that kind. The e-mail's subject is
    `subject` (or the message) and its words `text` (or the message): titles and references only."""
    note = Notification(user_id=user_id, message=message[:500], link=link[:500], kind=kind[:60])
    db.session.add(note)
    mail.queue(note, subject=subject, text=text)
    return note


def notify_reviewers(
    message: str, proposal_id: int, *, exclude: int | None = None, kind: str = "proposal_submitted"
) -> None:
    reviewers = db.session.scalars(
        select(User.id).where(User.role.in_(roles_with(Permission.REVIEW_PROPOSAL)), User.active.is_(True))
    ).all()
    for user_id in reviewers:
        if user_id != exclude:
            notify(user_id, message, proposal_id, kind=kind)


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def for_user(user_id: int, limit: int = 50) -> list[Notification]:
    """The newest `limit` notifications; `page_for_user` is the same list a page at a time."""
    return page_for_user(user_id, page=1, per_page=limit)[0]


def page_for_user(user_id: int, *, page: int = 1, per_page: int = 50) -> tuple[list[Notification], bool]:
    """A page of someone's notifications, newest first, and whether there are older ones."""
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id.desc())
            .offset((max(page, 1) - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    return rows[:per_page], len(rows) > per_page


def mark_all_read(user_id: int) -> None:
    with write_transaction():
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
