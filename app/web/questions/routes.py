"""Members' questions: thin views over app.services.questions."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WResponse

from app.domain.questions import ANSWER_LIMIT, QUESTION_LIMIT
from app.models import MemberQuestion
from app.policy import Permission
from app.services import plan_read, questions, risks
from app.services.errors import Conflict
from app.web.decorators import permission_required
from app.web.questions import bp
from app.web.questions.forms import AnswerForm, AskForm, PublishForm, RouteForm
from app.web.rendering import attempt, me, refusal, render, selected_plan, version_of


@bp.app_context_processor
def _on_target() -> dict[str, Any]:
    """`member_questions("action", id)` for the action's and the risk entry's pages (their include)."""

    def member_questions(target_type: str, target_id: int) -> questions.OnTarget | None:
        if not current_user.is_authenticated:
            return None
        return questions.on_target(me(), target_type, target_id)

    return {"member_questions": member_questions}


def _ask(target_type: str, target_id: int, back: str, about: str, caption: str) -> WResponse:
    form = AskForm()
    if form.validate_on_submit():
        asked = attempt(form, lambda: questions.ask(me(), target_type, target_id, form.text.data or ""))
        if asked is not None:
            flash(
                "Your question has been sent to the project manager. You will be told when its answer is published.",
                "success",
            )
            return redirect(f"{back}#questions", 303)
    status = 400 if form.errors or form.form_errors else 200
    return render(
        "questions/ask.html", form=form, back=back, about=about, caption=caption, limit=QUESTION_LIMIT, status=status
    )


@bp.route("/actions/<int:action_id>/questions/new", methods=["GET", "POST"])
@permission_required(Permission.ASK_QUESTION)
def ask_action(action_id: int) -> WResponse:
    action = plan_read.get_action(action_id)
    caption = f"Work stream {action.work_stream.roman}: {action.work_stream.title}"
    about = f"action {action.reference}: {action.title}"
    return _ask("action", action.id, url_for("plan.action", action_id=action.id), about, caption)


@bp.route("/risks/<int:entry_id>/questions/new", methods=["GET", "POST"])
@permission_required(Permission.ASK_QUESTION)
def ask_risk(entry_id: int) -> WResponse:
    entry = risks.get_entry(entry_id)
    caption = f"Work stream {entry.work_stream.roman}: {entry.work_stream.title}"
    about = f"the risk register entry for action {entry.action.reference}: {entry.action.title}"
    return _ask("risk", entry.id, url_for("risks.entry", entry_id=entry.id), about, caption)


@bp.get("/questions")
@login_required
def index() -> WResponse:
    plan = selected_plan()
    return render("questions/index.html", plan=plan, sections=questions.sections_for(me(), plan.id))


def _show(question: MemberQuestion, status: int = 200, **forms: Any) -> WResponse:
    actor = me()
    steps = questions.steps_for(actor, question)
    route_form = forms.get("route_form") or RouteForm(
        formdata=None, version=question.version, officer_id=question.routed_to_id or questions.default_officer(question)
    )
    route_form.officer_id.choices = [("", "Select an officer")] + [
        (u.id, f"{u.name} ({u.role_label})") for u in questions.officers()
    ]
    answer_form = forms.get("answer_form") or AnswerForm(
        formdata=None, version=question.version, answer=question.answer
    )
    publish_form = forms.get("publish_form") or PublishForm(
        formdata=None, version=question.version, wording=question.answer
    )
    return render(
        "questions/show.html",
        question=question,
        steps=[s.value for s in steps],
        internal=questions.is_manager(actor)
        or question.routed_to_id == actor.id
        or question.answered_by_id == actor.id,
        route_form=route_form,
        answer_form=answer_form,
        publish_form=publish_form,
        answer_limit=ANSWER_LIMIT,
        form=forms.get("error_form"),
        status=status,
    )


@bp.get("/questions/<int:question_id>")
@login_required
def show(question_id: int) -> WResponse:
    return _show(questions.get_for(me(), question_id))


@bp.post("/questions/<int:question_id>/route")
@permission_required(Permission.MANAGE_QUESTIONS)
def route(question_id: int) -> WResponse:
    question = questions.get_for(me(), question_id)
    form = RouteForm()
    form.officer_id.choices = []
    if form.validate_on_submit():
        call = lambda: questions.route(  # noqa: E731
            me(), question_id, version_of(form.version.data), form.officer_id.data, form.note.data or ""
        )
        routed = attempt(form, call)
        if routed is not None:
            name = routed.routed_to.name if routed.routed_to else "the officer"
            flash(f"Question sent to {name} to answer", "success")
            return redirect(url_for("questions.index"), 303)
    return _show(questions.get(question.id), 409 if _conflict(form) else 400, route_form=form, error_form=form)


@bp.post("/questions/<int:question_id>/answer")
@permission_required(Permission.ANSWER_QUESTION)
def answer(question_id: int) -> WResponse:
    question = questions.get_for(me(), question_id)
    form = AnswerForm()
    if form.validate_on_submit():
        call = lambda: questions.answer(me(), question_id, version_of(form.version.data), form.answer.data or "")  # noqa: E731
        if attempt(form, call) is not None:
            flash("Your answer has been sent to the project manager to publish", "success")
            return redirect(url_for("questions.show", question_id=question_id), 303)
    return _show(questions.get(question.id), 409 if _conflict(form) else 400, answer_form=form, error_form=form)


@bp.post("/questions/<int:question_id>/publish")
@permission_required(Permission.MANAGE_QUESTIONS)
def publish(question_id: int) -> WResponse:
    question = questions.get_for(me(), question_id)
    form = PublishForm()
    if form.validate_on_submit():
        call = lambda: questions.publish(  # noqa: E731
            me(), question_id, version_of(form.version.data), form.wording.data or "", form.reason.data or ""
        )
        if attempt(form, call) is not None:
            flash("Answer published: members see it on the page it is about", "success")
            return redirect(url_for("questions.show", question_id=question_id), 303)
    return _show(questions.get(question.id), 409 if _conflict(form) else 400, publish_form=form, error_form=form)


def _conflict(form: Any) -> bool:
    """Someone else moved the question on first: 409, the page as it is now, and the message why."""
    return isinstance(refusal(form), Conflict)
