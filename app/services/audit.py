"""Writing the audit trail. Records are added to the caller's transaction, never committed alone.

Each record carries the request id (`app.request_ids.current`: the request's, the job's or the command's), so
an event can be matched to the log lines of the request that wrote it.

Each record is chained to the one before (`app.domain.audit_chain`): `record` takes the chain's lock
(`pg_advisory_xact_lock` on PostgreSQL; on SQLite the write transaction already holds the database's
write lock), reads the head, and stores the new event's sequence number and hash. The unique `seq`
makes a fork impossible even if the lock were skipped: the second writer's INSERT fails.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import has_request_context, request
from sqlalchemy import func, select

from app import request_ids
from app.clock import utcnow
from app.domain import audit_chain
from app.domain.audit_chain import GENESIS, Head, Link, Verdict
from app.domain.bounds import parse_id, parse_iso_date
from app.domain.changes import APPROVED_CHANGE_KINDS, describe_change, what_words
from app.domain.spreadsheet import neutralised
from app.extensions import db
from app.models import AuditEvent
from app.policy import Actor, SystemActor
from app.services import paging
from app.services.paging import Page
from app.services.tx import lock_chain, write_transaction


def record(
    actor: Actor | None,
    kind: str,
    summary: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    plan_id: int | None = None,
    work_stream_id: int | None = None,
    action_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    if actor is None:
        actor_id, name, role = None, "Anonymous", ""
    elif isinstance(actor, SystemActor):
        actor_id, name, role = None, actor.name, actor.role
    else:
        actor_id, name, role = actor.id, actor.name, actor.role
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        actor_name=name,
        actor_role=role,
        kind=kind,
        summary=summary,
        object_type=object_type,
        object_id=object_id,
        plan_id=plan_id,
        work_stream_id=work_stream_id,
        action_id=action_id,
        before=before,
        after=after,
        reason=reason,
        ip_address=(request.remote_addr or "") if has_request_context() else "",
        request_id=request_ids.current(),
    )
    lock_chain()
    previous = head()  # flushes any event this transaction added before, so it is the head here
    event.seq = previous.seq + 1 if previous else 1
    event.prev_hash = previous.hash if previous else GENESIS
    event.hash = audit_chain.link_hash(event.prev_hash, content(event))
    db.session.add(event)
    return event


def head() -> Head | None:
    """The last event of the chain, or None when the trail is empty."""
    row = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return Head(row.seq, row.hash) if row else None


def content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers, as `audit_chain.canonical` expects it (an empty request id is left out)."""
    return {name: getattr(event, name) for name in audit_chain.HASHED_FIELDS}


def verify_chain(published: Head | None = None) -> Verdict:
    """Recompute every hash from the stored events, in sequence order (see `audit_chain.verify`)."""
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    try:
        return audit_chain.verify(
            (Link(e.id, e.seq, e.prev_hash, e.hash, content(e)) for e in events),
            published=published,
        )
    finally:
        events.close()  # the walk may stop at a break, with PostgreSQL's server-side cursor still open


def record_and_commit(actor: Actor | None, kind: str, summary: str, **kwargs: Any) -> None:
    """For events that change nothing else, such as a failed login or a refused request."""
    with write_transaction():
        record(actor, kind, summary, **kwargs)


# --- reading the trail ------------------------------------------------------------------------------------

KIND_GROUPS: dict[str, str] = {
    "proposal": "Proposals (drafted, submitted, challenged, answered, decided)",
    "action": "Changes to actions",
    "measure": "Changes to performance measures",
    "evidence": "Evidence added, or a file that could not be sent",
    "work_stream": "Work streams",
    "plan": "Plans",
    "auth": "Sign-ins and sign-outs",
    "user": "Accounts",
    "access": "Refused access",
    "question": "Members' questions",
}


@dataclass(frozen=True)
class AuditFilter:
    work_stream_id: int | None = None
    actor_id: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        _int, _date = parse_id, parse_iso_date  # out of range is ignored, like any malformed value
        kind = args.get("kind") or None
        return cls(
            _int(args.get("work_stream")),
            _int(args.get("person")),
            kind if kind in KIND_GROUPS else None,
            _date(args.get("from")),
            _date(args.get("to")),
        )

    def query_string(self) -> str:
        pairs = {
            "work_stream": self.work_stream_id,
            "person": self.actor_id,
            "kind": self.kind,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return urlencode({k: v for k, v in pairs.items() if v})


def _filtered(f: AuditFilter) -> Any:
    query = select(AuditEvent)
    if f.work_stream_id:
        query = query.where(AuditEvent.work_stream_id == f.work_stream_id)
    if f.actor_id:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    if f.kind:
        query = query.where(AuditEvent.kind.like(f"{f.kind}.%"))
    if f.date_from:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        query = query.where(AuditEvent.occurred_at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    return query


def trail(f: AuditFilter, *, page: int = 1, per_page: int = 100) -> tuple[list[AuditEvent], bool]:
    """A page of events, newest first, and whether there is another page."""
    rows = list(
        db.session.scalars(
            _filtered(f).order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
        )
    )
    return rows[:per_page], len(rows) > per_page


TRAIL_PER_PAGE = 50


def trail_page(f: AuditFilter, *, page: int = 1, per_page: int = 0) -> Page[AuditEvent]:
    """A page of the filtered trail, newest first, with how many events match in all (for numbered pages).

    The whole trail is counted by its last `seq` (the events are numbered 1, 2, 3... with no gaps, migration
    0006): one index step, not a count of every event ever recorded."""
    per_page = per_page or TRAIL_PER_PAGE
    newest_first = _filtered(f).order_by(AuditEvent.id.desc())
    if f != AuditFilter():
        return paging.page_of(newest_first, page, per_page)
    total = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    number = paging.clamp(page, total, per_page)
    rows = list(db.session.scalars(newest_first.limit(per_page).offset((number - 1) * per_page)))
    return Page(rows, number, per_page, total)


CSV_BATCH = 1_000  # events read, written and sent at a time: memory stays flat, and the server sends few chunks


def csv_text(f: AuditFilter) -> Iterator[str]:
    """The filtered trail as CSV, streamed; cells that a spreadsheet would run as formulas are quoted out.

    Read in batches from a server-side cursor, the columns only (no ORM objects), and sent a batch of lines
    at a time: 50,000 events in seconds, in the memory of one batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def lines(rows: Iterable[list[Any]]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralised(v) for v in values] for values in rows)
        return buffer.getvalue()

    yield lines(
        [
            [
                "id",
                "when (UTC)",
                "who",
                "role",
                "kind",
                "summary",
                "work stream id",
                "action id",
                "before",
                "after",
                "why",
                "ip address",
                "what changed",
                "from",
                "to",
                "request id",
            ]
        ]
    )
    query = (
        _filtered(f)
        .with_only_columns(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.actor_name,
            AuditEvent.actor_role,
            AuditEvent.kind,
            AuditEvent.summary,
            AuditEvent.work_stream_id,
            AuditEvent.action_id,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.reason,
            AuditEvent.ip_address,
            AuditEvent.request_id,
        )
        .order_by(AuditEvent.id)
        .execution_options(yield_per=CSV_BATCH)
    )
    for batch in db.session.execute(query).partitions():
        yield lines(
            [
                event.id,
                event.occurred_at.isoformat(timespec="seconds"),
                event.actor_name,
                event.actor_role,
                event.kind,
                event.summary,
                event.work_stream_id or "",
                event.action_id or "",
                json.dumps(event.before, sort_keys=True) if event.before else "",
                json.dumps(event.after, sort_keys=True) if event.after else "",
                event.reason,
                event.ip_address,
                *_change_words(event),
                event.request_id,
            ]
            for event in batch
        )


def _change_words(event: Any) -> list[str]:
    """For a change to the plan, what changed, from and to, in words (the before and after columns keep the record)."""
    if event.kind not in APPROVED_CHANGE_KINDS:
        return ["", "", ""]
    parts = describe_change(event.kind, event.before, event.after)
    if len(parts) == 1:
        return [parts[0].what, parts[0].before, parts[0].after]
    return [
        what_words(parts),
        "; ".join(f"{p.label}: {p.before}" for p in parts if p.before),
        "; ".join(f"{p.label}: {p.after}" for p in parts if p.after),
    ]
