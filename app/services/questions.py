"""Members' questions: a committee member asks about an action or a risk register entry, the project manager
sends the question to the officer who should answer, that officer answers, and the project manager publishes
the answer (its wording edited if need be, with the reason kept).

Asking is a committee member's only write: it changes nothing in the plan. Every step is one transaction
with its audit record and its notification; routing, answering and publishing take the version the person
saw, so of two people acting at once one wins and the other is told. Published questions show on the
action and the risk entry (`on_target`) and feed the next committee report's appendix
(`published_questions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.clock import to_uk, utcnow
from app.domain import questions as rules
from app.domain.questions import QuestionState, QuestionStep
from app.extensions import db
from app.models import Action, MemberQuestion, RiskEntry, User, WorkStream
from app.policy import Actor, Permission, PermissionDenied, can_as, require_as, roles_with
from app.services import audit, memo, notifications
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from app.services.tx import write_transaction

# The notifications this module sends, for the e-mail preferences page (the lead joins the modules' lists).
KINDS: dict[str, str] = {
    "question_asked": "A committee member asked a question (to send to an officer)",
    "question_routed": "A member's question was sent to you to answer",
    "question_answer_ready": "An officer answered a member's question (to publish)",
    "question_answered": "The answer to your question was published",
}

TARGET_TYPES = ("action", "risk")
STALE = "Someone else moved this question on while you were looking at it. Nothing was saved: the page shows it now."


def _link(question_id: int) -> str:
    if has_request_context():
        return url_for("questions.show", question_id=question_id)
    return f"/questions/{question_id}"


def _loaded() -> Any:
    return select(MemberQuestion).options(
        joinedload(MemberQuestion.action).joinedload(Action.work_stream),
        joinedload(MemberQuestion.asked_by),
        joinedload(MemberQuestion.routed_to),
        joinedload(MemberQuestion.answered_by),
        joinedload(MemberQuestion.published_by),
        joinedload(MemberQuestion.risk_entry),
    )


def get(question_id: int) -> MemberQuestion:
    question: MemberQuestion | None = db.session.scalars(_loaded().where(MemberQuestion.id == question_id)).first()
    if question is None:
        raise NotFound("No such question")
    return question


# --- who may do what ------------------------------------------------------------------------------------


def is_manager(actor: Actor) -> bool:
    return can_as(actor, Permission.MANAGE_QUESTIONS)


def is_officer(actor: Actor, question: MemberQuestion) -> bool:
    """The officer the question was sent to, while their role may still answer questions."""
    return (
        question.routed_to_id is not None
        and question.routed_to_id == actor.id
        and can_as(actor, Permission.ANSWER_QUESTION)
    )


def is_asker(actor: Actor, question: MemberQuestion) -> bool:
    return question.asked_by_id == actor.id and can_as(actor, Permission.ASK_QUESTION)


def may_see(actor: Actor, question: MemberQuestion) -> bool:
    """Published: everyone who reads the plan. Before that: the member who asked, the project manager and
    the officer it was sent to (an officer sent it once keeps sight of it after it is sent elsewhere)."""
    if question.state_enum is QuestionState.PUBLISHED:
        return can_as(actor, Permission.VIEW_PLAN)
    if is_manager(actor) or is_asker(actor, question) or is_officer(actor, question):
        return True
    return question.answered_by_id == actor.id and can_as(actor, Permission.ANSWER_QUESTION)


def get_for(actor: Actor, question_id: int) -> MemberQuestion:
    question = get(question_id)
    if not may_see(actor, question):
        raise PermissionDenied(Permission.VIEW_PLAN, "You cannot see this question")
    return question


def steps_for(actor: Actor, question: MemberQuestion) -> list[QuestionStep]:
    """The forms to show this person: the same table the service enforces."""
    return rules.steps_for(question.state_enum, is_manager=is_manager(actor), is_officer=is_officer(actor, question))


def may_list(actor: Actor) -> bool:
    return any(
        can_as(actor, p) for p in (Permission.ASK_QUESTION, Permission.ANSWER_QUESTION, Permission.MANAGE_QUESTIONS)
    )


def officers() -> list[User]:
    """Everyone a question may be sent to: active accounts whose role may answer questions."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(roles_with(Permission.ANSWER_QUESTION)))
            .order_by(User.name)
        )
    )


def default_officer(question: MemberQuestion) -> int | None:
    """Whom to send it to unless the project manager chooses someone else: the risk entry's owner for a question
    on a risk, else the action's owner, else the work stream's first manager; whoever of them may answer."""
    candidates: list[User | None] = []
    if question.risk_entry is not None:
        candidates.append(question.risk_entry.owner)
    candidates.append(question.action.owner)
    candidates.extend(question.work_stream.managers)
    able = roles_with(Permission.ANSWER_QUESTION)
    for user in candidates:
        if user is not None and user.active and user.role in able:
            return user.id
    return None


# --- the steps --------------------------------------------------------------------------------------------


def _record(actor: Actor, question: MemberQuestion, kind: str, summary: str, **kwargs: Any) -> None:
    # No action_id: the action's history is the record of changes to the plan, and a question changes nothing
    # there. The action's reference is in the summary; the question is found by its own id.
    audit.record(
        actor,
        kind,
        summary,
        object_type="question",
        object_id=question.id,
        plan_id=question.plan_id,
        work_stream_id=question.work_stream_id,
        **kwargs,
    )


def _target(target_type: str, target_id: int) -> tuple[Action, RiskEntry | None]:
    if target_type == "action":
        action = db.session.get(Action, target_id)
        if action is None:
            raise NotFound("No such action")
        return action, None
    if target_type == "risk":
        entry = db.session.get(RiskEntry, target_id)
        if entry is None:
            raise NotFound("No such risk register entry")
        return entry.action, entry
    raise NotFound("Questions are asked about an action or a risk register entry")


def ask(actor: Actor, target_type: str, target_id: int, text: str) -> MemberQuestion:
    """A committee member's question, kept exactly as typed (markup is shown as text, never run)."""
    with write_transaction():
        require_as(actor, Permission.ASK_QUESTION)
        if actor.id is None:
            raise ServiceError("A question is asked by a committee member, signed in as themselves")
        action, entry = _target(target_type, target_id)
        problem = rules.length_problem(text, rules.QUESTION_LIMIT, "your question")
        if problem:
            raise ValidationFailed({"text": problem})
        work_stream = db.session.get(WorkStream, action.work_stream_id)
        assert work_stream is not None
        question = MemberQuestion(
            plan_id=work_stream.plan_id,
            work_stream_id=action.work_stream_id,
            target_type=target_type,
            action_id=action.id,
            risk_entry_id=entry.id if entry else None,
            text=text.strip(),
            asked_by_id=actor.id,
            asked_at=utcnow(),
            state=QuestionState.ASKED.value,
        )
        db.session.add(question)
        db.session.flush()
        about = question.target_label
        _record(
            actor,
            question,
            "question.asked",
            f"{actor.name} asked a question about {about}",
            after={"question": question.text, "about": about, "state": question.state},
        )
        managers = db.session.scalars(
            select(User.id).where(User.role.in_(roles_with(Permission.MANAGE_QUESTIONS)), User.active.is_(True))
        ).all()
        for user_id in managers:
            notifications.notify_link(
                user_id,
                f"{actor.name} asked a question about {about}: send it to an officer to answer",
                _link(question.id),
                kind="question_asked",
            )
    return question


def _check(question: MemberQuestion, expected_version: int, step: QuestionStep) -> None:
    """Refused in words when the step does not apply now, or when the version the person saw is gone."""
    state = question.state_enum
    after = rules.next_state(state, step)
    if after is None:
        raise Conflict(rules.refusal(state, step))
    if question.version != expected_version:
        raise Conflict(STALE)


def route(actor: Actor, question_id: int, expected_version: int, officer_id: int | None, note: str) -> MemberQuestion:
    """Send the question to the officer who should answer it (again, to someone else, or back for more)."""
    with write_transaction():
        require_as(actor, Permission.MANAGE_QUESTIONS)
        question = get(question_id)
        _check(question, expected_version, QuestionStep.ROUTE)
        officer = db.session.get(User, officer_id) if officer_id is not None else None
        errors: dict[str, str] = {}
        if officer is None or not officer.active or officer.role not in roles_with(Permission.ANSWER_QUESTION):
            errors["officer_id"] = "Select the officer who should answer"
        if len(note.strip()) > rules.NOTE_LIMIT:
            errors["note"] = f"The note must be {rules.NOTE_LIMIT:,} characters or fewer"
        if errors:
            raise ValidationFailed(errors)
        assert officer is not None
        if question.routed_to_id == officer.id and question.state_enum is QuestionState.ROUTED:
            raise ValidationFailed({"officer_id": f"It is already with {officer.name}: choose someone else"})
        before = {"state": question.state, "routed_to": question.routed_to.name if question.routed_to else None}
        question.state = QuestionState.ROUTED.value
        question.routed_to_id = officer.id
        question.routed_by_id = actor.id
        question.routed_at = utcnow()
        question.routing_note = note.strip()
        db.session.flush()
        _record(
            actor,
            question,
            "question.routed",
            f"Question about {question.target_label} sent to {officer.name} to answer",
            before=before,
            after={"state": question.state, "routed_to": officer.name},
            reason=question.routing_note,
        )
        notifications.notify_link(
            officer.id,
            f"A committee member's question about {question.target_label} was sent to you to answer",
            _link(question.id),
            kind="question_routed",
        )
    return question


def answer(actor: Actor, question_id: int, expected_version: int, text: str) -> MemberQuestion:
    """The officer's answer (they may improve it until it is published)."""
    with write_transaction():
        require_as(actor, Permission.ANSWER_QUESTION)
        question = get(question_id)
        if not is_officer(actor, question):
            raise PermissionDenied(Permission.ANSWER_QUESTION, "This question was not sent to you to answer")
        _check(question, expected_version, QuestionStep.ANSWER)
        problem = rules.length_problem(text, rules.ANSWER_LIMIT, "your answer")
        if problem:
            raise ValidationFailed({"answer": problem})
        if text.strip() == question.answer and question.state_enum is QuestionState.ANSWERED:
            raise ValidationFailed({"answer": "This is the answer already given: change it, or leave the page"})
        before = {"state": question.state, "answer": question.answer or None}
        question.state = QuestionState.ANSWERED.value
        question.answer = text.strip()
        question.answered_by_id = actor.id
        question.answered_at = utcnow()
        db.session.flush()
        _record(
            actor,
            question,
            "question.answered",
            f"{actor.name} answered the question about {question.target_label}",
            before=before,
            after={"state": question.state, "answer": question.answer},
        )
        managers = db.session.scalars(
            select(User.id).where(User.role.in_(roles_with(Permission.MANAGE_QUESTIONS)), User.active.is_(True))
        ).all()
        for user_id in managers:
            if user_id != actor.id:
                notifications.notify_link(
                    user_id,
                    f"{actor.name} answered a member's question about {question.target_label}: ready to publish",
                    _link(question.id),
                    kind="question_answer_ready",
                )
    return question


def publish(actor: Actor, question_id: int, expected_version: int, wording: str, reason: str) -> MemberQuestion:
    """Publish the answer, in the officer's words or the project manager's edit of them (with the reason)."""
    with write_transaction():
        require_as(actor, Permission.MANAGE_QUESTIONS)
        question = get(question_id)
        _check(question, expected_version, QuestionStep.PUBLISH)
        errors: dict[str, str] = {}
        problem = rules.length_problem(wording, rules.ANSWER_LIMIT, "the answer to publish")
        if problem:
            errors["wording"] = problem
        edited = wording.strip() != question.answer
        if edited and not reason.strip():
            errors["reason"] = "Say why you changed the officer's wording"
        if len(reason.strip()) > rules.NOTE_LIMIT:
            errors["reason"] = f"The reason must be {rules.NOTE_LIMIT:,} characters or fewer"
        if errors:
            raise ValidationFailed(errors)
        question.state = QuestionState.PUBLISHED.value
        question.published_answer = wording.strip()
        question.published_by_id = actor.id
        question.published_at = utcnow()
        db.session.flush()
        _record(
            actor,
            question,
            "question.published",
            f"Answer to the question about {question.target_label} published"
            + (" with its wording edited" if edited else ""),
            before={"state": QuestionState.ANSWERED.value, "answer": question.answer},
            after={"state": question.state, "published_answer": question.published_answer},
            reason=reason.strip(),
        )
        notifications.notify_link(
            question.asked_by_id,
            f"The answer to your question about {question.target_label} has been published",
            _link(question.id),
            kind="question_answered",
        )
    return question


# --- reading ----------------------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    empty: str
    questions: list[MemberQuestion] = field(default_factory=list)


PUBLISHED_SHOWN = 100


def sections_for(actor: Actor, plan_id: int) -> list[Section]:
    """The list page: what this person has to do first, then the rest, then the latest published answers."""
    if not may_list(actor):
        raise PermissionDenied(Permission.ASK_QUESTION, "Members' questions are for members and the officers answering")
    base = _loaded().where(MemberQuestion.plan_id == plan_id)
    sections: list[Section] = []
    if is_manager(actor):
        rows = list(
            db.session.scalars(
                base.where(MemberQuestion.state != QuestionState.PUBLISHED.value).order_by(MemberQuestion.asked_at)
            )
        )
        for state, title, empty in (
            (QuestionState.ASKED, "New questions: send each to an officer", "No new questions."),
            (QuestionState.ANSWERED, "Answered: check the wording and publish", "No answers waiting to be published."),
            (QuestionState.ROUTED, "With officers to answer", "No questions are with officers."),
        ):
            sections.append(Section(state.value, title, empty, [q for q in rows if q.state == state.value]))
    else:
        if can_as(actor, Permission.ANSWER_QUESTION):
            rows = list(
                db.session.scalars(
                    base.where(
                        MemberQuestion.routed_to_id == actor.id,
                        MemberQuestion.state.in_([QuestionState.ROUTED.value, QuestionState.ANSWERED.value]),
                    ).order_by(MemberQuestion.routed_at)
                )
            )
            sections.append(
                Section(
                    "mine",
                    "Sent to you to answer",
                    "No questions are waiting for your answer.",
                    rows,
                )
            )
        if can_as(actor, Permission.ASK_QUESTION):
            rows = list(
                db.session.scalars(
                    base.where(
                        MemberQuestion.asked_by_id == actor.id,
                        MemberQuestion.state != QuestionState.PUBLISHED.value,
                    ).order_by(MemberQuestion.asked_at.desc())
                )
            )
            sections.append(Section("asked", "Your questions waiting for an answer", "None waiting.", rows))
    published = list(
        db.session.scalars(
            base.where(MemberQuestion.state == QuestionState.PUBLISHED.value)
            .order_by(MemberQuestion.published_at.desc(), MemberQuestion.id.desc())
            .limit(PUBLISHED_SHOWN)
        )
    )
    sections.append(Section("published", "Published answers", "No answers have been published yet.", published))
    return sections


@dataclass
class OnTarget:
    """What an action's or a risk entry's page shows: the published questions, and the viewer's own waiting ones."""

    published: list[MemberQuestion]
    waiting: list[MemberQuestion]
    may_ask: bool


def _targets_asked_about() -> tuple[frozenset[int], frozenset[int]]:
    """The actions and the risk entries that any question is about, kept per version of the trail (every step of a
    question writes an audit record): most pages are about something nobody has asked about, and need no query."""

    def build() -> tuple[frozenset[int], frozenset[int]]:
        rows = db.session.execute(select(MemberQuestion.action_id, MemberQuestion.risk_entry_id).distinct()).all()
        return frozenset(a for a, _ in rows), frozenset(r for _, r in rows if r is not None)

    return memo.per_trail_version("question_targets", build)


def on_target(actor: Actor, target_type: str, target_id: int) -> OnTarget:
    """An action's page shows every published question about it, its risk entries' included."""
    may_ask = can_as(actor, Permission.ASK_QUESTION)
    actions, entries = _targets_asked_about()
    if target_id not in (actions if target_type == "action" else entries):
        return OnTarget(published=[], waiting=[], may_ask=may_ask)
    where = (
        MemberQuestion.action_id == target_id if target_type == "action" else MemberQuestion.risk_entry_id == target_id
    )
    rows = list(db.session.scalars(_loaded().where(where).order_by(MemberQuestion.asked_at)))
    published = sorted(
        (q for q in rows if q.state == QuestionState.PUBLISHED.value), key=lambda q: q.published_at or q.asked_at
    )
    waiting = [q for q in rows if q.state != QuestionState.PUBLISHED.value and is_asker(actor, q)]
    return OnTarget(published=published, waiting=waiting, may_ask=may_ask)


@dataclass(frozen=True)
class PublishedQuestion:
    """A row of the committee report's appendix of members' questions: plain words, no markup."""

    question_id: int
    work_stream: str  # "i", "ii"...
    action_reference: str
    action_title: str
    about: str  # "Action 1.3" or "Risk register entry for action 1.3"
    question: str
    asked_by: str
    asked_on: date
    answer: str
    answered_by: str
    published_on: date


def published_questions(plan_id: int, since: datetime | None, until: datetime) -> list[PublishedQuestion]:
    """The questions whose answers were published after `since` (None: from the start) up to `until`, both UTC
    as stored (a baseline's `presented_at`): the appendix of the next committee report, in the plan's order."""
    query = (
        _loaded()
        .join(WorkStream, WorkStream.id == MemberQuestion.work_stream_id)
        .join(Action, Action.id == MemberQuestion.action_id)
        .where(
            MemberQuestion.plan_id == plan_id,
            MemberQuestion.state == QuestionState.PUBLISHED.value,
            MemberQuestion.published_at <= until,
        )
        .order_by(WorkStream.number, Action.position, MemberQuestion.published_at, MemberQuestion.id)
    )
    if since is not None:
        query = query.where(MemberQuestion.published_at > since)
    return [_row(q) for q in db.session.scalars(query).unique()]


def _row(q: MemberQuestion) -> PublishedQuestion:
    assert q.published_at is not None
    return PublishedQuestion(
        question_id=q.id,
        work_stream=q.action.work_stream.roman,
        action_reference=q.action.reference,
        action_title=q.action.title,
        about=q.target_label[0].upper() + q.target_label[1:],
        question=q.text,
        asked_by=q.asked_by.name,
        asked_on=to_uk(q.asked_at).date(),
        answer=q.published_answer,
        answered_by=q.answered_by.name if q.answered_by else "",
        published_on=to_uk(q.published_at).date(),
    )
