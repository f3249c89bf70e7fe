"""The demo: the plan of the October 2015 committee report, with dates shifted to six months in today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app import demo_data
from app.clock import today
from app.extensions import db
from app.models import Action, PerformanceMeasure, Plan, User, WorkStream
from app.policy import SYSTEM
from app.services import audit
from app.services.accounts import hash_password, normalise_email


def seed_demo(seed_day: date | None = None) -> tuple[Plan, bool]:
    """Create the demo plan and accounts unless they exist. Returns the plan and whether it was created."""
    existing = db.session.scalar(select(Plan).where(Plan.title == demo_data.PLAN_TITLE))
    if existing is not None:
        return existing, False
    day = seed_day or today()
    users = _seed_users()
    start = day + timedelta(days=demo_data.PLAN_START_OFFSET_DAYS)
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
            db.session.add(
                PerformanceMeasure(
                    work_stream=ws, reference=m["reference"], position=position, description=m["description"],
                    checkpoint=6, target=m["target"], status=m["status_6"], narrative=m["narrative_6"],
                )
            )
            db.session.add(
                PerformanceMeasure(
                    work_stream=ws, reference=m["reference"], position=position, description=m["description"],
                    checkpoint=12, target=m["target_12"], status=m["status_12"], narrative=m["narrative_12"],
                )
            )
    db.session.flush()
    audit.record(
        SYSTEM,
        "plan.created",
        f"Demo plan “{plan.title}” loaded, starting {start:%d %B %Y}",
        object_type="plan",
        object_id=plan.id,
        plan_id=plan.id,
    )
    db.session.commit()
    from app.services import risks

    risks.refresh(plan.id, on=day)
    return plan, True


def _seed_users() -> dict[str, User]:
    users: dict[str, User] = {}
    for seed in demo_data.DEMO_USERS:
        email = normalise_email(seed["email"])
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email, name=seed["name"], job_title=seed["job_title"], role=seed["role"],
                password_hash=hash_password(demo_data.DEMO_PASSWORD), active=True,
            )
            db.session.add(user)
            audit.record(SYSTEM, "user.created", f"Demo account created for {seed['name']}", object_type="user")
        users[seed["key"]] = user
    return users


def demo_accounts_with_demo_password() -> list[str]:
    """E-mail addresses of demo accounts that still accept the published password."""
    from app.services.accounts import _verify

    found = []
    for seed in demo_data.DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == normalise_email(seed["email"])))
        if user is not None and user.active and _verify(user.password_hash, demo_data.DEMO_PASSWORD):
            found.append(user.email)
    return found
