"""Refused requests, recorded without flooding: one audit record per person, request and minute, with a count.

The audit trail is append-only, so a count cannot be added to a record already written. Instead the first
refusal in a minute writes the `access.refused` record and a `RefusalCount` row; the repeats in that minute
only add one to the row's count; and the next record for the same person and request carries the total of
the minute before it (`after.refused_in_previous_minute`), so the trail itself shows every burst.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from app.models import RefusalCount
from app.policy import Actor
from app.services import audit
from app.services.tx import write_transaction


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def record_refusal(actor: Actor | None, method: str, path: str, permission: str, address: str = "") -> bool:
    """Count the refusal; write the audit record if it is the first for this person and request this minute.

    Returns whether an audit record was written.
    """
    who = f"user:{actor.id}" if actor is not None and actor.id is not None else f"address:{address[:64]}"
    request_line = f"{method} {path}"[:220]
    minute = _minute(utcnow())
    with write_transaction():
        if _add_one(who, request_line, minute):
            return False
        try:
            with db.session.begin_nested():
                row = RefusalCount(who=who, request=request_line, minute=minute, count=1)
                db.session.add(row)
        except IntegrityError:  # someone else's refusal of the same request began this minute's row just now
            _add_one(who, request_line, minute)
            return False
        previous = db.session.scalar(
            select(RefusalCount)
            .where(RefusalCount.who == who, RefusalCount.request == request_line, RefusalCount.minute < minute)
            .order_by(RefusalCount.minute.desc())
            .limit(1)
        )
        after: dict[str, object] = {"permission": permission}
        if previous is not None and previous.count > 1:
            after["refused_in_previous_minute"] = {"minute": previous.minute.isoformat(), "count": previous.count}
        event = audit.record(actor, "access.refused", f"Refused {request_line}", after=after)
        db.session.flush()
        row.audit_event_id = event.id
    return True


def _add_one(who: str, request_line: str, minute: datetime) -> bool:
    result = db.session.execute(
        update(RefusalCount)
        .where(RefusalCount.who == who, RefusalCount.request == request_line, RefusalCount.minute == minute)
        .values(count=RefusalCount.count + 1)
    )
    return bool(getattr(result, "rowcount", 0))


def count_for(actor_id: int, method: str, path: str, at: datetime) -> int:
    """How many times this person was refused this request in the minute containing `at`."""
    found = db.session.scalar(
        select(RefusalCount.count).where(
            RefusalCount.who == f"user:{actor_id}",
            RefusalCount.request == f"{method} {path}"[:220],
            RefusalCount.minute == _minute(at),
        )
    )
    return found or 0
