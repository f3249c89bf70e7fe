"""The digests `flask reminders send` makes: each person's daily e-mail, and the weekly summary for senior managers.

The daily digest gathers the messages someone chose to get "in a daily e-mail" (outbox rows waiting as
"digest") into one e-mail, at most once a day. The weekly summary (what changed in the last 7 days: proposals
submitted and approved, open challenges, the risk register) goes to those whose role has `WEEKLY_DIGEST`, at
most once an ISO week, unless they turned it off. Both record what they sent in `sent_reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.clock import utcnow
from app.domain.proposals import State
from app.extensions import db
from app.formatting import format_date
from app.models import OutgoingMessage, Plan, Proposal, RiskEntry, User
from app.policy import Permission, roles_with
from app.services import mail, reminders
from app.services.tx import write_transaction

DAILY_KEY = "daily-digest"
WEEKLY_KEY = "weekly-digest"
LINES_SHOWN = 20  # per list in the weekly summary; then "and N more"


def send_daily(today: date) -> int:
    """One e-mail per person with messages waiting for their daily digest; the number of digests made."""
    waiting = db.session.scalars(
        select(OutgoingMessage.user_id).where(OutgoingMessage.status == mail.DIGEST).distinct()
    ).all()
    made = 0
    for user_id in waiting:
        with write_transaction():
            user = db.session.get(User, user_id)
            items = list(
                db.session.scalars(
                    select(OutgoingMessage)
                    .where(OutgoingMessage.user_id == user_id, OutgoingMessage.status == mail.DIGEST)
                    .order_by(OutgoingMessage.id)
                )
            )
            if user is None or not user.active or not items:
                continue
            if not reminders.mark_sent(user_id, DAILY_KEY, today.isoformat(), mail.DAILY_DIGEST):
                continue  # today's has gone; these wait for tomorrow's
            subject = f"Your daily summary from the improvement plan tracker: {_messages(len(items))}"
            context = {
                "name": user.name,
                "subject": subject,
                "day": format_date(today),
                "items": [{"subject": i.subject, "link": mail.absolute(i.link) if i.link else ""} for i in items],
                "preferences_link": mail.absolute("/account/email"),
            }
            digest = mail.outgoing(
                user,
                kind=mail.DAILY_DIGEST,
                subject=subject,
                text="",
                link="/notifications",
                bodies=(mail.render("email/digest.txt", **context), mail.render("email/digest.html", **context)),
            )
            db.session.flush()
            for item in items:
                item.status, item.digest_id = mail.DIGESTED, digest.id
            made += 1
    return made


def _messages(n: int) -> str:
    return "1 message" if n == 1 else f"{n} messages"


@dataclass
class Line:
    text: str
    link: str


@dataclass
class WeeklySummary:
    plan_title: str
    since: date
    until: date
    submitted: list[Line] = field(default_factory=list)
    approved: list[Line] = field(default_factory=list)
    challenged: list[Line] = field(default_factory=list)
    risks_open: int = 0
    risks_opened: int = 0
    risks_closed: int = 0
    reviews_overdue: int = 0


def weekly_summary(today: date) -> WeeklySummary | None:
    """What changed in the current plan in the 7 days to `today` (None when there is no plan)."""
    plan = db.session.scalar(select(Plan).order_by(Plan.is_current.desc(), Plan.id.desc()).limit(1))
    if plan is None:
        return None
    since_day = today - timedelta(days=7)
    since = utcnow() - timedelta(days=7)
    summary = WeeklySummary(plan_title=plan.title, since=since_day, until=today)
    in_plan = Proposal.work_stream.has(plan_id=plan.id)
    options = (joinedload(Proposal.author),)

    def lines(*conditions: object) -> list[Line]:
        rows = db.session.scalars(
            select(Proposal).options(*options).where(in_plan, *conditions).order_by(Proposal.id)  # type: ignore[arg-type]
        ).unique()
        return [Line(f"{_capital(p.target_label)}, by {p.author.name}", f"/proposals/{p.id}") for p in rows]

    summary.submitted = lines(Proposal.submitted_at >= since)
    summary.approved = lines(Proposal.state == State.APPROVED.value, Proposal.decided_at >= since)
    summary.challenged = lines(Proposal.state == State.CHALLENGED.value)

    def risk_count(*conditions: object) -> int:
        return db.session.scalar(select(func.count(RiskEntry.id)).where(RiskEntry.plan_id == plan.id, *conditions)) or 0  # type: ignore[arg-type]

    summary.risks_open = risk_count(RiskEntry.closed_on.is_(None))
    summary.risks_opened = risk_count(RiskEntry.opened_on > since_day)
    summary.risks_closed = risk_count(RiskEntry.closed_on > since_day)
    summary.reviews_overdue = risk_count(RiskEntry.closed_on.is_(None), RiskEntry.next_review_on < today)
    return summary


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_weekly(today: date) -> int:
    """The weekly summary to each senior manager who wants it, once an ISO week; the number sent."""
    summary = weekly_summary(today)
    if summary is None:
        return 0
    recipients = db.session.scalars(
        select(User).where(User.role.in_(roles_with(Permission.WEEKLY_DIGEST)), User.active.is_(True)).order_by(User.id)
    ).all()
    subject = f"What changed in the improvement plan in the week to {format_date(today)}"
    sent = 0
    for user in recipients:
        with write_transaction():
            if mail.choice_for(user.id, mail.WEEKLY_DIGEST) == mail.NEVER:
                continue
            if not reminders.mark_sent(user.id, WEEKLY_KEY, iso_week(today), mail.WEEKLY_DIGEST):
                continue
            context = {
                "name": user.name,
                "subject": subject,
                "s": summary,
                "shown": LINES_SHOWN,
                "link": mail.absolute("/"),
                "risks_link": mail.absolute("/risks"),
                "absolute": mail.absolute,
                "since": format_date(summary.since),
                "until": format_date(summary.until),
                "preferences_link": mail.absolute("/account/email"),
            }
            mail.outgoing(
                user,
                kind=mail.WEEKLY_DIGEST,
                subject=subject,
                text="",
                link="/",
                bodies=(mail.render("email/weekly.txt", **context), mail.render("email/weekly.html", **context)),
            )
            sent += 1
    return sent
