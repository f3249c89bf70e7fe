"""The demo: the plan of the October 2015 committee report, with dates shifted to six months in today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import demo_data
from app.clock import today
from app.extensions import db
from app.models import Action, PerformanceMeasure, Plan, User, WorkStream
from app.policy import SYSTEM
from app.services import audit, meetings, proposals, risks
from app.services.accounts import hash_password, normalise_email, verify_password
from app.services.proposals import EvidenceInput, ProposalInput
from app.services.tx import write_transaction


def seed_demo(seed_day: date | None = None, *, history: bool = False) -> tuple[Plan, bool]:
    """Create the demo plan and accounts unless they exist. Returns the plan and whether it was created.

    history=True also plays out the months since the committee last met, through the real services: a
    presented July meeting, four changes proposed with evidence and approved since, one proposal waiting
    in the review queue, and the October meeting ready to present. The figures end where the report's do.
    """
    existing = db.session.scalar(select(Plan).where(Plan.title == demo_data.PLAN_TITLE))
    if existing is not None:
        return existing, False
    day = seed_day or today()
    start = day + timedelta(days=demo_data.PLAN_START_OFFSET_DAYS)
    with write_transaction():
        users = _seed_users()
        plan = Plan(title=demo_data.PLAN_TITLE, start_date=start, is_current=True, reporting_checkpoint=6)
        db.session.add(plan)
        for other in db.session.scalars(select(Plan).where(Plan.is_current.is_(True))):
            other.is_current = False
        plan.is_current = True
        for seed in demo_data.WORK_STREAMS:
            manager = users[seed["service_manager"]]
            ws = WorkStream(plan=plan, number=seed["number"], title=seed["title"], managers=[manager])
            db.session.add(ws)
            for position, a in enumerate(seed["actions"], start=1):
                retired = a.get("retired_offset_days")
                db.session.add(
                    Action(
                        work_stream=ws,
                        reference=a["reference"],
                        position=position,
                        title=a["title"],
                        measures_and_milestones=a["measures_and_milestones"],
                        key_targets=a["key_targets"],
                        progress=a["progress"],
                        owner=manager,
                        deadline=start + timedelta(days=a["deadline_offset_days"]),
                        status=a["status"],
                        retired_on=start + timedelta(days=retired) if retired is not None else None,
                    )
                )
            for position, m in enumerate(seed["measures"], start=1):
                for checkpoint, target, status, narrative in (
                    (6, m["target"], m["status_6"], m["narrative_6"]),
                    (12, m["target_12"], m["status_12"], m["narrative_12"]),
                ):
                    measure = PerformanceMeasure(
                        work_stream=ws,
                        reference=m["reference"],
                        position=position,
                        description=m["description"],
                        checkpoint=checkpoint,
                        target=target,
                        status=status,
                        narrative=narrative,
                    )
                    db.session.add(measure)
        db.session.flush()
        audit.record(
            SYSTEM,
            "plan.created",
            f"Demo plan “{plan.title}” loaded, starting {start:%d %B %Y}",
            object_type="plan",
            object_id=plan.id,
            plan_id=plan.id,
        )
    risks.refresh(plan.id, on=day)
    if history:
        _play_history(plan, users, start, day)
    return plan, True


HISTORY_EARLIER_PROGRESS = (
    "Work is under way and on course. Evidence of completion will be brought to the project manager's "
    "monthly challenge session."
)


HISTORY_COMPLETION_REASON = "the Assistant Director signed off the evidence at the monthly performance clinic"


def _play_history(plan: Plan, users: dict[str, User], start: date, day: date) -> None:
    ws_by_number = {ws.number: ws for ws in plan.work_streams}
    completed_since: list[tuple[Action, str, str]] = []
    with write_transaction():  # wind four actions back to July, so the approvals below bring them forward
        for number in (1, 3, 5, 7):
            action = next(a for a in ws_by_number[number].actions if a.status == "COMPLETED" and a.retired_on is None)
            manager = demo_data.WORK_STREAMS[number - 1]["service_manager"]
            completed_since.append((action, action.progress, manager))
            action.status, action.progress = "IN_PROGRESS", HISTORY_EARLIER_PROGRESS

    july = meetings.create_meeting(SYSTEM, plan.id, meetings.DEFAULT_COMMITTEE, start + timedelta(days=120))
    meetings.present(SYSTEM, july.id)
    for action, progress, manager in completed_since:
        evidence = EvidenceInput(
            filename=f"action-{action.reference}-evidence.txt",
            data=f"Evidence for action {action.reference}: {progress}\n".encode(),
            title=f"Completion evidence for action {action.reference}",
            note="Signed off by the Assistant Director at the monthly performance clinic",
        )
        proposal = proposals.create(
            users[manager],
            "action",
            action.id,
            ProposalInput(
                values={"status": "COMPLETED", "progress": progress},
                reasons={"status": f"Action {action.reference} has met its key targets: {HISTORY_COMPLETION_REASON}"},
                evidence=evidence,
            ),
            submit=True,
        )
        proposals.approve(users["pm"], proposal.id, proposal.version, note="Evidence checked at the monthly clinic")
    waiting = next(
        a
        for a in ws_by_number[4].actions
        if a.status == "IN_PROGRESS"
        and a.retired_on is None
        and (a.deadline is None or a.deadline > day + timedelta(days=60))
    )
    proposals.create(
        users["sm2"],
        "action",
        waiting.id,
        ProposalInput(
            values={"progress": waiting.progress + "\nA further two permanent social workers start next month."}
        ),
        submit=True,
    )
    meetings.create_meeting(SYSTEM, plan.id, meetings.DEFAULT_COMMITTEE, day + timedelta(days=7))


def _seed_users() -> dict[str, User]:
    users: dict[str, User] = {}
    for seed in demo_data.DEMO_USERS:
        email = normalise_email(seed["email"])
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=seed["name"],
                job_title=seed["job_title"],
                role=seed["role"],
                password_hash=hash_password(demo_data.DEMO_PASSWORD),
                active=True,
            )
            db.session.add(user)
            audit.record(SYSTEM, "user.created", f"Demo account created for {seed['name']}", object_type="user")
        users[seed["key"]] = user
    return users


def demo_accounts_with_demo_password() -> list[str]:
    """E-mail addresses of demo accounts that still accept the published password."""
    found = []
    for seed in demo_data.DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == normalise_email(seed["email"])))
        if user is not None and user.active and verify_password(user.password_hash, demo_data.DEMO_PASSWORD):
            found.append(user.email)
    return found


def is_demo_account(email: str) -> bool:
    """One of the published demo accounts (README), by e-mail address."""
    return normalise_email(email) in {normalise_email(seed["email"]) for seed in demo_data.DEMO_USERS}
