"""The demo: the plan of the October 2015 committee report, with dates shifted to six months in today.

With its history, the months since the plan began are played through the real services on the days they
happened (`app.clock.travel_to`), so the audit trail, the proposals, the evidence, the risk register and the
July baseline all carry their own dates, in order: the plan loaded at its start; actions completed month by
month through proposals with evidence and a justification, approved by the project manager with a note;
the July meeting recorded and presented in July; four more completions and three retirements since; the
October meeting recorded in September, dated on the seed day, ready to be presented; one proposal waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app import demo_data
from app.clock import today, travel_to, utcnow
from app.extensions import db
from app.models import Action, AuditEvent, CommitteeMeeting, PerformanceMeasure, Plan, User, WorkStream
from app.policy import SYSTEM
from app.services import audit, mail, meetings, plan_editor, proposals, risks
from app.services.accounts import hash_password, normalise_email, verify_password
from app.services.errors import ServiceError
from app.services.proposals import EvidenceInput, ProposalInput
from app.services.report import NARRATIVE_FIELDS
from app.services.tx import write_transaction

LOADED_AT = time(8, 0)  # UTC; every moment of the history is in the UK working day, so its UK date is its date


def seed_demo(seed_day: date | None = None, *, history: bool = False) -> tuple[Plan, bool]:
    """Create the demo plan and accounts unless they exist. Returns the plan and whether it was created.

    Without history the plan is loaded now, as the report shows it. history=True plays out the six months
    from the plan's start instead (see the module's docstring); the figures end where the report's do.
    Its notifications are in-app only (`mail.quiet`): nobody is e-mailed about the demo's history.
    """
    with mail.quiet():
        return _seed_demo(seed_day, history=history)


def _seed_demo(seed_day: date | None, *, history: bool) -> tuple[Plan, bool]:
    existing = db.session.scalar(select(Plan).where(Plan.title == demo_data.PLAN_TITLE))
    if existing is not None:
        return existing, False
    day = seed_day or today()
    start = day + timedelta(days=demo_data.PLAN_START_OFFSET_DAYS)
    if not history:
        plan, _ = _load(start, played=False)
        risks.refresh(plan.id, on=day)
        return plan, True
    if day > today():
        raise ServiceError("The demo's history cannot be played for a day that has not come yet.")
    _check_trail_is_older_than(datetime.combine(start, LOADED_AT))
    plan = _play_history(start, day)
    risks.refresh(plan.id, on=day)
    return plan, True


def _check_trail_is_older_than(moment: datetime) -> None:
    """The history is written in the past; the audit trail must not already hold anything later (seq = time)."""
    latest = db.session.scalar(select(func.max(AuditEvent.occurred_at)))
    if latest is not None and latest > moment:
        raise ServiceError(
            "The audit trail already has records after the demo plan's start, so its history cannot be played "
            "in date order. Seed it into a new database, or seed it without its history (--without-history)."
        )


def _load(start: date, *, played: bool) -> tuple[Plan, dict[str, User]]:
    """The plan, its work streams, actions and measures, and the demo accounts, in one transaction.

    played=True loads the actions that the history completes as IN PROGRESS, and none retired yet.
    """
    replayed = _completed_in_history() if played else set()
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
                later = a["reference"] in replayed
                db.session.add(
                    Action(
                        work_stream=ws,
                        reference=a["reference"],
                        position=position,
                        title=a["title"],
                        measures_and_milestones=a["measures_and_milestones"],
                        key_targets=a["key_targets"],
                        progress=demo_data.HISTORY_EARLIER_PROGRESS if later else a["progress"],
                        owner=manager,
                        deadline=start + timedelta(days=a["deadline_offset_days"]),
                        status="IN_PROGRESS" if later else a["status"],
                        retired_on=start + timedelta(days=retired) if retired is not None and not played else None,
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
    return plan, users


def _completed_in_history() -> set[str]:
    return {ref for ref, _ in demo_data.COMPLETED_BEFORE_JULY} | {
        c["reference"] for c in demo_data.COMPLETED_SINCE_JULY
    }


# --- the history -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    offset_days: int
    at: time  # UTC
    run: Callable[[], object]


def _play_history(start: date, day: date) -> Plan:
    """Load the plan at its start, then play every step on its own day, in time order."""
    with travel_to(datetime.combine(start, LOADED_AT)):
        plan, users = _load(start, played=True)
        risks.refresh(plan.id)  # nothing is due yet: every deadline is more than the warning window away
    actions = {a.reference: a for ws in plan.work_streams for a in ws.actions}
    seeds = {a["reference"]: (ws, a) for ws in demo_data.WORK_STREAMS for a in ws["actions"]}
    steps: list[_Step] = []
    pending: dict[str, int] = {}  # action reference -> the proposal waiting for approval

    def propose(reference: str, justification: str, evidence: EvidenceInput) -> Callable[[], object]:
        def run() -> None:
            ws_seed, seed = seeds[reference]
            proposal = proposals.create(
                users[ws_seed["service_manager"]],
                "action",
                actions[reference].id,
                ProposalInput(
                    values={"status": "COMPLETED", "progress": seed["progress"]},
                    reasons={"status": justification},
                    evidence=evidence,
                ),
                submit=True,
            )
            pending[reference] = proposal.id

        return run

    def approve(reference: str, note: str) -> Callable[[], object]:
        def run() -> None:
            proposal = proposals.get_for(users["pm"], pending.pop(reference))
            proposals.approve(users["pm"], proposal.id, proposal.version, note=note)

        return run

    def completion(reference: str, approved: int, justification: str, evidence: EvidenceInput, note: str) -> None:
        steps.append(
            _Step(approved - demo_data.PROPOSAL_LEAD_DAYS, time(10, 0), propose(reference, justification, evidence))
        )
        steps.append(_Step(approved, time(14, 0), approve(reference, note)))

    for reference, approved in demo_data.COMPLETED_BEFORE_JULY:
        seed = seeds[reference][1]
        completion(
            reference,
            approved,
            f"The action is complete and its key target is met ({seed['key_targets'].rstrip('.')}); "
            "the evidence shows it.",
            EvidenceInput(
                filename=f"action-{reference}-evidence.txt",
                data=f"Evidence for action {reference}: {seed['progress']}\n".encode(),
                title=f"Completion evidence for action {reference}",
                note="Signed off by the Assistant Director at the monthly performance clinic",
            ),
            demo_data.BEFORE_JULY_APPROVAL_NOTE,
        )
    for done in demo_data.COMPLETED_SINCE_JULY:
        reference = done["reference"]
        completion(
            reference,
            done["approved_offset_days"],
            done["justification"],
            EvidenceInput(
                filename=f"action-{reference}-evidence.txt",
                data=f"{done['evidence_title']}\n\n{done['evidence_note']}\n\n{seeds[reference][1]['progress']}\n".encode(),
                title=done["evidence_title"],
                note=done["evidence_note"],
            ),
            done["approval_note"],
        )

    def retire(reference: str) -> Callable[[], object]:
        def run() -> None:
            action = actions[reference]
            plan_editor.set_retired(
                users["pm"], action.id, action.version, True, demo_data.RETIREMENT_REASONS[reference]
            )

        return run

    for reference, (_, seed) in seeds.items():
        if seed["retired_offset_days"] is not None:
            steps.append(_Step(seed["retired_offset_days"], time(11, 0), retire(reference)))

    july: list[CommitteeMeeting] = []
    july_date = start + timedelta(days=demo_data.JULY_MEETING_OFFSET_DAYS)
    steps += [
        _Step(
            demo_data.JULY_MEETING_RECORDED_OFFSET_DAYS,
            time(9, 0),
            lambda: july.append(_record_meeting(users["pm"], plan.id, july_date)),
        ),
        _Step(demo_data.JULY_MEETING_OFFSET_DAYS - 2, time(9, 30), lambda: _save_narrative(july[0].id)),
        _Step(demo_data.JULY_MEETING_OFFSET_DAYS, time(15, 0), lambda: meetings.present(users["pm"], july[0].id)),
    ]
    october: list[CommitteeMeeting] = []
    steps += [
        _Step(
            demo_data.OCTOBER_MEETING_RECORDED_OFFSET_DAYS,
            time(9, 0),
            lambda: october.append(_record_meeting(users["pm"], plan.id, day)),
        ),
        _Step(demo_data.OCTOBER_MEETING_RECORDED_OFFSET_DAYS + 1, time(9, 30), lambda: _save_narrative(october[0].id)),
        _Step(demo_data.WAITING_PROPOSAL_OFFSET_DAYS, time(10, 30), lambda: _propose_waiting(plan, users, day)),
    ]

    due: dict[int, list[Action]] = {}  # day -> the actions whose deadline comes within the window, or passes
    for reference, (_, seed) in seeds.items():
        deadline = seed["deadline_offset_days"]
        for offset in (deadline - plan.risk_warning_days, deadline + 1):
            if 0 < offset < -demo_data.PLAN_START_OFFSET_DAYS:
                due.setdefault(offset, []).append(actions[reference])
    steps += [_Step(offset, time(7, 0), _morning_refresh(found)) for offset, found in due.items()]
    finished = datetime.min
    for step in sorted(steps, key=lambda s: (s.offset_days, s.at)):
        planned = datetime.combine(start + timedelta(days=step.offset_days), step.at)
        with travel_to(max(planned, finished + timedelta(milliseconds=1))):  # never two steps at one moment
            step.run()
            finished = utcnow()
    return plan


def _morning_refresh(due: list[Action]) -> Callable[[], object]:
    """`flask risks refresh` runs every morning; in the history it is played only for the actions whose
    deadline comes within the plan's warning window, or passes, that day: nothing else could change them."""

    def run() -> None:
        with write_transaction():
            for action in due:
                risks.reevaluate(action)

    return run


def _record_meeting(pm: User, plan_id: int, meeting_date: date) -> CommitteeMeeting:
    return meetings.create_meeting(
        pm,
        plan_id,
        meetings.DEFAULT_COMMITTEE,
        meeting_date,
        contact_officer=demo_data.CONTACT_OFFICER,
        contact_telephone=demo_data.CONTACT_TELEPHONE,
        report_author=demo_data.REPORT_AUTHOR,
    )


def _save_narrative(meeting_id: int) -> None:
    """The source report's paragraphs, as far as the report has fields for them."""
    narrative = {k: v for k, v in demo_data.REPORT_NARRATIVE.items() if k in NARRATIVE_FIELDS}
    meetings.save_narrative(SYSTEM, meeting_id, narrative)


def _propose_waiting(plan: Plan, users: dict[str, User], day: date) -> None:
    waiting = next(
        a
        for ws in plan.work_streams
        if ws.number == 4
        for a in ws.actions
        if a.status == "IN_PROGRESS"
        and a.retired_on is None
        and (a.deadline is None or a.deadline > day + timedelta(days=60))
    )
    proposals.create(
        users["sm2"],
        "action",
        waiting.id,
        ProposalInput(
            values={"progress": f"{waiting.progress}\n{demo_data.WAITING_PROPOSAL_ADDITION}"},
            reasons={"progress": demo_data.WAITING_PROPOSAL_JUSTIFICATION},
        ),
        submit=True,
    )


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
