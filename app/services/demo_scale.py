"""The demo at N times its size, for measuring: `flask demo seed --scale N`.

`seed_scaled(n)` seeds the ordinary demo with its history (`demo.seed_demo`), then adds, by bulk inserts
(SQLAlchemy Core `insert()` with executemany, in batches):

- N - 1 copies of its 7 work streams (numbered on from 8), with their actions, performance measures and
  service managers, so the one current plan has 7N work streams, 52N actions and 114N measures;
- for every copy (the original's too) a made-up history of 100 proposals: 80 approved with evidence (one
  file or link, every second one two), 8 rejected, 6 withdrawn, 4 waiting in the review queue and 2
  challenged (each in the challenge log, due 10 working days after it was raised), with their messages,
  notifications and audit events; 60 sign-ins; 3 actions that entered
  and left the risk register;
- the original's open risk entries, repeated in every copy (the copies' actions are the original's, so
  `flask risks refresh` finds the register as its rules would leave it);
- N // 25 + 1 more committee meetings, presented through `meetings.present` (real snapshots of the plan as
  it stood) between slices of that history, so there are N // 25 + 2 presented baselines and the last
  slice is "changes since the last meeting".

Every audit event is appended to the hash chain as `audit.record` would (seq, prev_hash, hash from
`audit_chain.link_hash`), inside `write_transaction`, so `flask audit verify` passes. The history's events
are dated in the past (between the plan's start and a week ago); the meetings are presented now, with the
app's clock as it is.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from app import request_ids
from app.clock import today
from app.domain import audit_chain
from app.domain.audit_chain import GENESIS
from app.extensions import db
from app.models import (
    Action,
    AuditEvent,
    Baseline,
    Challenge,
    CommitteeMeeting,
    Evidence,
    Notification,
    PerformanceMeasure,
    Plan,
    Proposal,
    ProposalMessage,
    RiskEntry,
    User,
    WorkStream,
    work_stream_managers,
)
from app.policy import SYSTEM, Permission, roles_with
from app.services import audit, challenges, demo, meetings
from app.services.errors import ServiceError
from app.services.evidence_store import store
from app.services.proposals import snapshot as proposal_snapshot
from app.services.tx import lock_chain, write_transaction

BATCH = 1000
MAX_SCALE = 1000
STORIES = {"approved": 80, "rejected": 8, "withdrawn": 6, "submitted": 4, "challenged": 2}
SIGN_INS = 60
CLOSED_RISKS = 3


@dataclass
class ScaleResult:
    plan: Plan
    scale: int
    counts: dict[str, int] = field(default_factory=dict)


def baselines_for(scale: int) -> int:
    """How many presented baselines the scaled demo has: N // 25 + 2 (the demo's July meeting among them)."""
    return scale // 25 + 2


def seed_scaled(scale: int, seed_day: date | None = None) -> ScaleResult:
    """Seed the demo N times over into an empty database. Refuses a database that has the demo already."""
    if not 1 <= scale <= MAX_SCALE:
        raise ServiceError(f"The scale must be a whole number from 1 to {MAX_SCALE}")
    day = seed_day or today()
    plan, created = demo.seed_demo(day, history=True)
    if not created:
        raise ServiceError("The demo is already in this database: seed the scaled demo into an empty one")
    rng = random.Random(scale)
    users = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
    with write_transaction():
        _copy_structure(plan, scale)
    stories, wind_back = _plan_stories(plan, day, rng)
    _set_status(wind_back, "IN_PROGRESS")
    presented = db.session.scalar(select(func.count()).select_from(Baseline)) or 0  # the demo's July meeting
    extra = max(baselines_for(scale) - presented, 0)
    slices = _slices(stories, extra + 1)
    start = plan.start_date
    span = (day - timedelta(days=7) - start).days
    for number, chunk in enumerate(slices, start=1):
        with write_transaction():
            _write_stories(plan, chunk, users, read=number < len(slices))
        if number <= extra:
            meeting_day = start + timedelta(days=span * number // (extra + 1) + 3)
            july = meetings.last_baseline(plan.id)
            officer = july.meeting.contact_officer if july else "Contact Officer"  # presenting needs one
            meeting = meetings.create_meeting(SYSTEM, plan.id, meetings.DEFAULT_COMMITTEE, meeting_day, officer)
            meetings.present(SYSTEM, meeting.id, prepare_pack=False)  # the bench renders one pack on its own
    with write_transaction():
        _write_sign_ins(plan, users, scale, day, rng)
        _write_risks(plan, day, rng)
    return ScaleResult(plan, scale, counts())


def counts() -> dict[str, int]:
    """Rows in the tables the scale seeder fills, by table name."""
    models: Sequence[Any] = (
        WorkStream,
        Action,
        PerformanceMeasure,
        AuditEvent,
        Proposal,
        Evidence,
        ProposalMessage,
        Notification,
        RiskEntry,
        CommitteeMeeting,
    )
    out = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) or 0 for m in models}
    out["baselines"] = db.session.scalar(select(func.count()).select_from(Baseline)) or 0
    return out


# --- the plan's structure ---------------------------------------------------------------------------------


def _columns(model: Any, skip: Iterable[str]) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in set(skip)]


def _insert_returning_ids(table: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(rows, BATCH):
        result = db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            chunk,
        )
        ids.extend(result.scalars().all())
    return ids


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows, BATCH):
        db.session.execute(insert(table), chunk)


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _copy_structure(plan: Plan, scale: int) -> None:
    if scale == 1:
        return
    streams = list(db.session.scalars(select(WorkStream).where(WorkStream.plan_id == plan.id)))
    per_copy = len(streams)
    ws_ids = [ws.id for ws in streams]
    managers = db.session.execute(
        select(work_stream_managers).where(work_stream_managers.c.work_stream_id.in_(ws_ids))
    ).all()
    action_cols = _columns(Action, {"id", "work_stream_id"})
    measure_cols = _columns(PerformanceMeasure, {"id", "work_stream_id"})
    actions = db.session.execute(
        select(Action.__table__).where(Action.work_stream_id.in_(ws_ids)).order_by(Action.id)
    ).all()
    measures = db.session.execute(
        select(PerformanceMeasure.__table__)
        .where(PerformanceMeasure.work_stream_id.in_(ws_ids))
        .order_by(PerformanceMeasure.id)
    ).all()
    new_streams = [
        {"plan_id": plan.id, "number": (k - 1) * per_copy + ws.number, "title": f"{ws.title} ({k})"[:200]}
        for k in range(2, scale + 1)
        for ws in streams
    ]
    new_ids = _insert_returning_ids(WorkStream.__table__, new_streams)
    mapping: list[dict[int, int]] = [
        {ws.id: new_ids[(k - 2) * per_copy + i] for i, ws in enumerate(streams)} for k in range(2, scale + 1)
    ]
    _insert(
        work_stream_managers,
        [{"work_stream_id": m[row.work_stream_id], "user_id": row.user_id} for m in mapping for row in managers],
    )
    _insert(
        Action.__table__,
        [
            {"work_stream_id": m[a.work_stream_id], **{c: getattr(a, c) for c in action_cols}}
            for m in mapping
            for a in actions
        ],
    )
    _insert(
        PerformanceMeasure.__table__,
        [
            {"work_stream_id": m[pm.work_stream_id], **{c: getattr(pm, c) for c in measure_cols}}
            for m in mapping
            for pm in measures
        ],
    )
    audit.record(
        SYSTEM,
        "plan.scaled",
        f"Demo plan repeated {scale} times for measuring: {len(new_streams)} work streams, "
        f"{len(actions) * (scale - 1)} actions and {len(measures) * (scale - 1)} performance measures added",
        object_type="plan",
        object_id=plan.id,
        plan_id=plan.id,
        after={"scale": scale},
    )


# --- the history ------------------------------------------------------------------------------------------


@dataclass
class Target:
    id: int
    kind: str  # "action" or "measure"
    work_stream_id: int
    reference: str
    label: str
    author_id: int
    fields: dict[str, Any]
    version: int = 1


@dataclass
class Story:
    """One proposal's life: drafted at `at`, then submitted, then decided (or left waiting)."""

    outcome: str
    target: Target
    at: datetime
    changes: dict[str, Any]
    evidence: int
    decided_at: datetime


def _plan_stories(plan: Plan, day: date, rng: random.Random) -> tuple[list[Story], list[int]]:
    """Every copy's proposals, in the order they were decided, and the copies' actions to start IN PROGRESS."""
    ws_rows = db.session.execute(
        select(WorkStream.id, WorkStream.number, work_stream_managers.c.user_id)
        .join(work_stream_managers, work_stream_managers.c.work_stream_id == WorkStream.id)
        .where(WorkStream.plan_id == plan.id)
        .order_by(WorkStream.number)
    ).all()
    manager_of = {r.id: r.user_id for r in ws_rows}
    copy_of = {r.id: (r.number - 1) // 7 for r in ws_rows}
    open_action_ids = set(
        db.session.scalars(select(Proposal.action_id).where(Proposal.state.in_(("draft", "submitted", "challenged"))))
    )
    actions = db.session.execute(
        select(Action.id, Action.work_stream_id, Action.reference, Action.status, Action.progress, Action.version)
        .where(Action.work_stream_id.in_(manager_of), Action.retired_on.is_(None))
        .order_by(Action.id)
    ).all()
    measures = db.session.execute(
        select(PerformanceMeasure.id, PerformanceMeasure.work_stream_id, PerformanceMeasure.reference)
        .add_columns(PerformanceMeasure.checkpoint, PerformanceMeasure.narrative)
        .where(PerformanceMeasure.work_stream_id.in_(manager_of))
        .order_by(PerformanceMeasure.id)
    ).all()
    by_copy: dict[int, tuple[list[Target], list[Target]]] = {}
    for a in actions:
        by_copy.setdefault(copy_of[a.work_stream_id], ([], []))[0].append(
            Target(
                a.id,
                "action",
                a.work_stream_id,
                a.reference,
                f"action {a.reference}",
                manager_of[a.work_stream_id],
                {"status": a.status, "progress": a.progress},
                a.version,
            )
        )
    for m in measures:
        by_copy.setdefault(copy_of[m.work_stream_id], ([], []))[1].append(
            Target(
                m.id,
                "measure",
                m.work_stream_id,
                m.reference,
                f"performance measure {m.reference} ({m.checkpoint} months)",
                manager_of[m.work_stream_id],
                {"narrative": m.narrative},
            )
        )
    first = datetime.combine(plan.start_date + timedelta(days=1), time(9))
    last = datetime.combine(day - timedelta(days=8), time(9))
    seconds = max(int((last - first).total_seconds()), 1)
    stories: list[Story] = []
    wind_back: list[int] = []
    for copy, (action_targets, measure_targets) in sorted(by_copy.items()):
        free_actions = [t for t in action_targets if t.id not in open_action_ids]
        pending = [t for t in free_actions if t.fields["status"] == "COMPLETED"] if copy > 0 else []
        for t in pending:  # the copies' completed actions are completed by an approval in this history
            t.fields["status"] = "IN_PROGRESS"
            wind_back.append(t.id)
        cycle = 0
        for outcome, count in STORIES.items():
            for i in range(count):
                at = first + timedelta(seconds=rng.randrange(seconds))
                if outcome in ("submitted", "challenged"):
                    target = measure_targets[(7 * i + (0 if outcome == "submitted" else 5)) % len(measure_targets)]
                    changes = {"narrative": {"from": target.fields["narrative"], "to": _words(target, i)}}
                else:
                    target = free_actions[cycle % len(free_actions)]
                    cycle += 1
                    changes = {"progress": {"from": target.fields["progress"], "to": _words(target, i)}}
                    if outcome == "approved" and pending and target in pending and rng.random() < 0.5:
                        pending.remove(target)
                        changes["status"] = {"from": "IN_PROGRESS", "to": "COMPLETED"}
                decided = at + timedelta(hours=rng.randrange(2, 24 * 6))
                evidence = 0
                if outcome == "approved":
                    evidence = 2 if i % 2 == 0 else 1
                stories.append(Story(outcome, target, at, changes, evidence, decided))
        for t in pending:  # any left: completed by one more approval, so the copy ends as the original does
            at = first + timedelta(seconds=rng.randrange(seconds))
            changes = {
                "progress": {"from": t.fields["progress"], "to": _words(t, 99)},
                "status": {"from": "IN_PROGRESS", "to": "COMPLETED"},
            }
            stories.append(Story("approved", t, at, changes, 1, at + timedelta(hours=30)))
    stories.sort(key=lambda s: s.decided_at)
    _chain_changes(stories)
    return stories, wind_back


def _words(target: Target, i: int) -> str:
    return (
        f"Update {i + 1} on {target.label}: work continues to plan; figures checked at the monthly "
        "performance clinic and the next steps agreed with the service manager."
    )


def _chain_changes(stories: list[Story]) -> None:
    """In the order they were decided, each approved change starts from what the one before left."""
    current: dict[tuple[str, int], dict[str, Any]] = {}
    for story in stories:
        key = (story.target.kind, story.target.id)
        state = current.setdefault(key, dict(story.target.fields))
        for name, change in story.changes.items():
            change["from"] = state.get(name, change["from"])
        if story.outcome == "approved":
            for name, change in story.changes.items():
                state[name] = change["to"]


def _set_status(action_ids: list[int], status: str) -> None:
    with write_transaction():
        for chunk in _chunks(action_ids, 500):
            db.session.execute(update(Action).where(Action.id.in_(chunk)).values(status=status))


def _slices(stories: list[Story], parts: int) -> list[list[Story]]:
    size = -(-len(stories) // parts)
    return [stories[i : i + size] for i in range(0, len(stories), size)] or [[]]


def _write_stories(plan: Plan, stories: list[Story], users: dict[str, User], *, read: bool) -> None:
    if not stories:
        return
    pm = users["pm"]
    reviewers = list(
        db.session.scalars(
            select(User.id).where(User.role.in_(roles_with(Permission.REVIEW_PROPOSAL)), User.active.is_(True))
        )
    )
    names = {u.id: u for u in users.values()}
    proposal_rows = []
    for s in stories:
        decided = s.outcome in ("approved", "rejected", "withdrawn")
        state = {"approved": "approved", "rejected": "rejected", "withdrawn": "withdrawn"}.get(s.outcome, s.outcome)
        version = 1 + 1 + (1 if decided or s.outcome == "challenged" else 0)
        proposal_rows.append(
            {
                "target_type": s.target.kind,
                "action_id": s.target.id if s.target.kind == "action" else None,
                "measure_id": s.target.id if s.target.kind == "measure" else None,
                "work_stream_id": s.target.work_stream_id,
                "author_id": s.target.author_id,
                "state": state,
                "changes": s.changes,
                "base": _base(s),
                "base_version": s.target.version,
                "evidence_required": False,
                "version": version,
                "created_at": s.at,
                "updated_at": s.decided_at if decided else s.at + timedelta(hours=1),
                "submitted_at": s.at + timedelta(hours=1),
                "decided_at": s.decided_at if decided else None,
                "decided_by_id": pm.id if s.outcome in ("approved", "rejected") else None,
            }
        )
        if s.outcome == "approved":
            s.target.version += 1
    ids = _insert_returning_ids(Proposal.__table__, proposal_rows)
    evidence_rows: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    events: list[tuple[datetime, int, dict[str, Any]]] = []  # (when, order, event)
    owner: list[int] = []  # evidence row -> story index
    saver = store()
    for n, (s, pid) in enumerate(zip(stories, ids, strict=True)):
        author = names[s.target.author_id]
        base = {
            "object_type": "proposal",
            "object_id": pid,
            "plan_id": plan.id,
            "work_stream_id": s.target.work_stream_id,
            "action_id": s.target.id if s.target.kind == "action" else None,
        }
        label = s.target.label
        submitted = s.at + timedelta(hours=1)
        events.append(
            (
                s.at,
                n,
                _event(
                    author,
                    "proposal.created",
                    f"{author.name} drafted a proposal for {label}",
                    after=s.changes,
                    when=s.at,
                    **base,
                ),
            )
        )
        for e in range(s.evidence):
            when = s.at + timedelta(minutes=10 + e)
            row: dict[str, Any]
            if (n + e) % 4 == 3:
                row = {
                    "kind": "link",
                    "title": f"Performance report for {label}, part {e + 1}",
                    "url": f"https://www.example.org/reports/{pid}/{e + 1}",
                }
            else:
                data = f"Evidence for {label}: {s.changes.get('progress', {}).get('to', '')}\n".encode()
                row = {
                    "kind": "file",
                    "title": f"Completion evidence for {label}, part {e + 1}",
                    "storage_key": saver.save(data),
                    "content_type": "text/plain",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            row = {"url": None, "storage_key": None, "content_type": None, "size": None, "sha256": None} | row
            row |= {
                "proposal_id": pid,
                "uploaded_by_id": author.id,
                "note": "Signed off by the Assistant Director at the monthly performance clinic",
                "created_at": when,
                "submitted_at": submitted,
            }
            evidence_rows.append(row)
            owner.append(n)
        events.append(
            (
                submitted,
                n,
                _event(
                    author,
                    "proposal.submitted",
                    f"{author.name} submitted a proposal for {label}",
                    after=s.changes,
                    when=submitted,
                    **base,
                ),
            )
        )
        for user_id in reviewers:
            if user_id != author.id:
                notes.append(_note(user_id, f"{author.name} submitted a proposal for {label}", pid, submitted, read))
        d = s.decided_at
        if s.outcome == "approved":
            messages.append(_message(pid, pm.id, "approval", "Evidence checked at the monthly clinic", d))
            parts = []
            if "status" in s.changes:
                parts.append("Status changed from IN PROGRESS to COMPLETED")
            parts.append("Progress updated" if s.target.kind == "action" else "Narrative updated")
            summary = f"{'. '.join(parts)}. Proposed by {author.name}, approved by {pm.name}"
            events.append(
                (
                    d,
                    n,
                    _event(
                        pm,
                        f"{s.target.kind}.changed",
                        summary,
                        when=d,
                        **base | {"object_type": s.target.kind, "object_id": s.target.id},
                        before={k: c["from"] for k, c in s.changes.items()},
                        after={k: c["to"] for k, c in s.changes.items()} | {"proposal_id": pid},
                    ),
                )
            )
            notes.append(_note(author.id, f"{pm.name} approved your proposal for {label}", pid, d, read))
        elif s.outcome == "rejected":
            why = "The figures do not yet show the change: bring the next month's data to the clinic"
            messages.append(_message(pid, pm.id, "rejection", why, d))
            events.append(
                (
                    d,
                    n,
                    _event(
                        pm,
                        "proposal.rejected",
                        f"{pm.name} rejected the proposal for {label}",
                        when=d,
                        reason=why,
                        **base,
                    ),
                )
            )
            notes.append(_note(author.id, f"{pm.name} rejected your proposal for {label}", pid, d, read))
        elif s.outcome == "withdrawn":
            events.append(
                (
                    d,
                    n,
                    _event(
                        author, "proposal.withdrawn", f"{author.name} withdrew the proposal for {label}", when=d, **base
                    ),
                )
            )
        elif s.outcome == "challenged":
            question = "Which report shows this, and for which month?"
            messages.append(_message(pid, pm.id, "challenge", question, d))
            events.append(
                (
                    d,
                    n,
                    _event(
                        pm,
                        "proposal.challenged",
                        f"{pm.name} challenged the proposal for {label}",
                        when=d,
                        reason=question,
                        after={"more_evidence_required": False},
                        **base,
                    ),
                )
            )
            notes.append(_note(author.id, f"{pm.name} challenged your proposal for {label}", pid, d, read))
    evidence_ids = _insert_returning_ids(Evidence.__table__, evidence_rows)
    for row, eid, n in zip(evidence_rows, evidence_ids, owner, strict=True):
        s = stories[n]
        author = names[s.target.author_id]
        events.append(
            (
                row["created_at"],
                n,
                _event(
                    author,
                    "evidence.added",
                    f"Evidence “{row['title']}” added to the proposal for {s.target.label}",
                    when=row["created_at"],
                    object_type="evidence",
                    object_id=eid,
                    plan_id=plan.id,
                    work_stream_id=s.target.work_stream_id,
                    action_id=s.target.id if s.target.kind == "action" else None,
                    after={
                        "title": row["title"],
                        "kind": row["kind"],
                        "sha256": row.get("sha256"),
                        "size": row.get("size"),
                        "content_type": row.get("content_type"),
                        "url": row.get("url"),
                        "note": row["note"],
                    },
                ),
            )
        )
    message_ids = _insert_returning_ids(ProposalMessage.__table__, messages)
    asked = [(m, mid) for m, mid in zip(messages, message_ids, strict=True) if m["kind"] == "challenge"]
    _insert(Challenge.__table__, [_challenge(m, mid) for m, mid in asked])
    _insert(Notification.__table__, notes)
    events.sort(key=lambda e: (e[0], e[1]))
    append_events([e for _, _, e in events])
    _apply(stories)


def _base(story: Story) -> dict[str, Any]:
    """What the proposal was made against: the target as it then stood (in full for those still open)."""
    base = {k: c["from"] for k, c in story.changes.items()}
    if story.outcome in ("submitted", "challenged"):
        target: Action | PerformanceMeasure | None = (
            db.session.get(PerformanceMeasure, story.target.id)
            if story.target.kind == "measure"
            else db.session.get(Action, story.target.id)
        )
        if target is not None:
            base = proposal_snapshot(target, story.target.kind) | base
    return base


def _apply(stories: list[Story]) -> None:
    """Leave each action and measure as its last approved change in these stories made it."""
    final: dict[tuple[str, int], tuple[Target, dict[str, Any], datetime]] = {}
    for s in stories:
        if s.outcome != "approved":
            continue
        key = (s.target.kind, s.target.id)
        values = final.get(key, (s.target, {}, s.decided_at))[1]
        values.update({k: c["to"] for k, c in s.changes.items()})
        final[key] = (s.target, values, s.decided_at)
    for kind, model in (("action", Action), ("measure", PerformanceMeasure)):
        rows = [
            {"b_id": t.id, "b_version": t.version, "b_updated": when, **{f"b_{k}": v for k, v in values.items()}}
            for (k, _), (t, values, when) in final.items()
            if k == kind
        ]
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            by_fields.setdefault(tuple(sorted(row)), []).append(row)
        table: Any = model.__table__
        for names, group in by_fields.items():
            values = {n[2:]: bindparam(n) for n in names if n not in ("b_id", "b_version", "b_updated")}
            statement = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(version=bindparam("b_version"), updated_at=bindparam("b_updated"), **values)
            )
            for chunk in _chunks(group, BATCH):
                db.session.execute(statement, chunk)


def _event(actor: User | None, kind: str, summary: str, *, when: datetime, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "occurred_at": when,
        "actor_id": actor.id if actor else None,
        "actor_name": actor.name if actor else SYSTEM.name,
        "actor_role": actor.role if actor else SYSTEM.role,
        "kind": kind,
        "summary": summary,
        "object_type": "",
        "object_id": None,
        "plan_id": None,
        "work_stream_id": None,
        "action_id": None,
        "before": None,
        "after": None,
        "reason": "",
        "ip_address": "",
    }
    row.update(values)
    return row


def _note(user_id: int, message: str, proposal_id: int, when: datetime, read: bool) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "message": message[:500],
        "link": f"/proposals/{proposal_id}",
        "created_at": when,
        "read_at": when + timedelta(days=1) if read else None,
    }


def _challenge(message: dict[str, Any], message_id: int) -> dict[str, Any]:
    """The log entry of a challenge still waiting for its answer: due 10 working days after it was raised."""
    return {
        "proposal_id": message["proposal_id"],
        "question_id": message_id,
        "raised_by_id": message["author_id"],
        "raised_at": message["created_at"],
        "due_on": challenges.default_due_date(message["created_at"].date()),
    }


def _message(proposal_id: int, author_id: int, kind: str, body: str, when: datetime) -> dict[str, Any]:
    return {"proposal_id": proposal_id, "author_id": author_id, "kind": kind, "body": body, "created_at": when}


def append_events(rows: list[dict[str, Any]]) -> None:
    """Append events to the audit chain in the given order, in the caller's transaction, by bulk insert.

    The same chaining as `audit.record`: the chain's lock, then seq, prev_hash and hash from the head, and the
    request id of the command (or request) that writes them.
    """
    if not rows:
        return
    lock_chain()
    previous = audit.head()
    seq, prev_hash = (previous.seq, previous.hash) if previous else (0, GENESIS)
    request_id = request_ids.current()
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"], row["request_id"] = seq, prev_hash, request_id
        row["hash"] = prev_hash = audit_chain.link_hash(
            prev_hash, {name: row[name] for name in audit_chain.HASHED_FIELDS}
        )
    _insert(AuditEvent.__table__, rows)


def _write_sign_ins(plan: Plan, users: dict[str, User], scale: int, day: date, rng: random.Random) -> None:
    people = sorted(users.values(), key=lambda u: u.id)
    first = datetime.combine(plan.start_date, time(8))
    seconds = max(int((datetime.combine(day - timedelta(days=7), time(8)) - first).total_seconds()), 1)
    moments = sorted(first + timedelta(seconds=rng.randrange(seconds)) for _ in range(SIGN_INS * scale))
    rows = []
    for when in moments:
        person = people[rng.randrange(len(people))]
        rows.append(
            _event(
                person,
                "auth.login",
                f"{person.name} signed in",
                when=when,
                object_type="user",
                object_id=person.id,
                ip_address="192.0.2.10",
            )
        )
    append_events(rows)


def _write_risks(plan: Plan, day: date, rng: random.Random) -> None:
    """The original's open entries repeated in each copy, and a few closed entries in every copy."""
    streams = db.session.execute(
        select(WorkStream.id, WorkStream.number).where(WorkStream.plan_id == plan.id).order_by(WorkStream.number)
    ).all()
    copy_of = {s.id: (s.number - 1) // 7 for s in streams}
    number_of = {s.id: s.number for s in streams}
    stream_by_number = {s.number: s.id for s in streams}
    actions = db.session.execute(
        select(Action.id, Action.work_stream_id, Action.reference, Action.status, Action.owner_id).where(
            Action.work_stream_id.in_(copy_of)
        )
    ).all()
    action_at = {(a.work_stream_id, a.reference): a for a in actions}
    open_entries = db.session.execute(
        select(RiskEntry.__table__).where(RiskEntry.plan_id == plan.id, RiskEntry.closed_on.is_(None))
    ).all()
    copies = max(copy_of.values()) + 1
    cols = _columns(RiskEntry, {"id", "action_id", "work_stream_id"})
    reference_of = {a.id: a.reference for a in actions}
    rows: list[dict[str, Any]] = []
    for k in range(1, copies):
        for entry in open_entries:
            ws = stream_by_number[number_of[entry.work_stream_id] + 7 * k]
            action = action_at[(ws, reference_of[entry.action_id])]
            rows.append({"action_id": action.id, "work_stream_id": ws, **{c: getattr(entry, c) for c in cols}})
    opened_ids = _insert_returning_ids(RiskEntry.__table__, rows) if rows else []
    events = [
        _event(
            None,
            "risk.opened",
            f"Action {action_ref} entered the risk register",
            when=datetime.combine(row["opened_on"], time(6)),
            object_type="risk",
            object_id=eid,
            plan_id=plan.id,
            work_stream_id=row["work_stream_id"],
            action_id=row["action_id"],
            after={"reasons": list(row["reasons"])},
        )
        for row, eid, action_ref in zip(rows, opened_ids, [reference_of[r["action_id"]] for r in rows], strict=True)
    ]
    completed = [a for a in actions if a.status == "COMPLETED"]
    closed_rows = []
    for k in range(copies):
        mine = [a for a in completed if copy_of[a.work_stream_id] == k]
        for a in rng.sample(mine, min(CLOSED_RISKS, len(mine))):
            opened = plan.start_date + timedelta(days=rng.randrange(20, 60))
            closed_rows.append(
                {
                    "action_id": a.id,
                    "work_stream_id": a.work_stream_id,
                    "plan_id": plan.id,
                    "reasons": ["deadline_soon"],
                    "opened_on": opened,
                    "closed_on": opened + timedelta(days=rng.randrange(5, 40)),
                    "closed_reason": "Completed",
                    "owner_id": a.owner_id,
                    "likelihood": 3,
                    "impact": 3,
                    "mitigations": "",
                    "remedial_actions": "",
                    "next_review_on": None,
                    "escalated": False,
                    "escalated_at": None,
                    "version": 2,
                    "created_at": datetime.combine(opened, time(6)),
                    "updated_at": datetime.combine(opened, time(6)),
                }
            )
    closed_ids = _insert_returning_ids(RiskEntry.__table__, closed_rows) if closed_rows else []
    for row, eid in zip(closed_rows, closed_ids, strict=True):
        common = {
            "object_type": "risk",
            "object_id": eid,
            "plan_id": plan.id,
            "work_stream_id": row["work_stream_id"],
            "action_id": row["action_id"],
        }
        ref = reference_of[row["action_id"]]
        events.append(
            _event(
                None,
                "risk.opened",
                f"Action {ref} entered the risk register: its deadline is near",
                when=datetime.combine(row["opened_on"], time(6)),
                after={"reasons": row["reasons"]},
                **common,
            )
        )
        events.append(
            _event(
                None,
                "risk.closed",
                f"Action {ref} left the risk register: completed",
                when=datetime.combine(row["closed_on"], time(6)),
                before={"reasons": row["reasons"]},
                after={"closed_on": row["closed_on"].isoformat()},
                reason="Completed",
                **common,
            )
        )
    events.sort(key=lambda e: e["occurred_at"])
    append_events(events)
