"""Propose, review, challenge, respond, approve, reject, withdraw: thin views over app.services.proposals."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.clock import today
from app.domain.bounds import parse_id
from app.domain.diff import word_diff
from app.domain.evidence import extension_for, safe_download_name
from app.domain.proposal_filter import AGES, ProposalFilter
from app.domain.proposals import Event, State, field_labels
from app.models import Proposal, User
from app.policy import Permission, PermissionDenied, can, is_reviewer
from app.services import badges, challenges, memo, notifications, plan_read, proposal_list, proposals
from app.services.errors import Conflict, ValidationFailed
from app.services.paging import Page
from app.services.proposals import EvidenceInput, OpenProposalExists, ProposalInput, Target, TargetChanged
from app.web.decorators import permission_required
from app.web.login import badges_read_with_session
from app.web.pagination import govuk_pagination, page_number
from app.web.proposals import bp
from app.web.proposals.forms import (
    ActionProposalForm,
    ApproveForm,
    ChallengeForm,
    MeasureProposalForm,
    RejectForm,
    RespondForm,
    SimpleEventForm,
)
from app.web.rendering import (
    attempt,
    form_status,
    int_arg,
    me,
    refusal,
    render,
    render_kept,
    selected_plan,
    titled,
    version_of,
)

ProposalForm = ActionProposalForm | MeasureProposalForm


def _evidence_input(form: ProposalForm | RespondForm) -> EvidenceInput:
    upload = form.evidence_file.data
    filename, data = "", b""
    if upload is not None and bool(getattr(upload, "filename", "")):
        filename = upload.filename
        data = upload.read()
    return EvidenceInput(
        filename=filename,
        data=data,
        url=form.evidence_url.data or "",
        title=form.evidence_title.data or "",
        note=form.evidence_note.data or "",
    )


def _proposal_input(form: ProposalForm, target_type: str) -> ProposalInput:
    names = field_labels(target_type)
    values: dict[str, Any] = {}
    for name in names:
        values[name] = getattr(form, name).data
    reasons = {name: getattr(form, f"{name}_reason").data or "" for name in names if hasattr(form, f"{name}_reason")}
    return ProposalInput(
        values=values,
        reasons=reasons,
        evidence=_evidence_input(form),
        target_version=int_arg(form.target_version.data) or None,
    )


def _prefill(form: ProposalForm, target: Target, target_type: str, changes: dict[str, Any] | None = None) -> None:
    changes = changes or {}
    for name in field_labels(target_type):
        value = changes[name]["to"] if name in changes else getattr(target, name)
        if name == "deadline":
            value = date.fromisoformat(value) if isinstance(value, str) else (None if name not in changes else value)
        if name == "status" and name not in changes:
            value = target.status
        getattr(form, name).data = value
        reason_field = getattr(form, f"{name}_reason", None)
        if reason_field is not None and name in changes:
            reason_field.data = changes[name].get("reason", "")
    form.target_version.data = target.version


def _form_class(target_type: str) -> type[ProposalForm]:
    return ActionProposalForm if target_type == "action" else MeasureProposalForm


@bp.route("/actions/<int:target_id>/propose", methods=["GET", "POST"])
@login_required
def propose_action(target_id: int) -> Response:
    return _propose("action", target_id)


@bp.route("/measures/<int:target_id>/propose", methods=["GET", "POST"])
@login_required
def propose_measure(target_id: int) -> Response:
    return _propose("measure", target_id)


def _propose(target_type: str, target_id: int) -> Response:
    target = proposals.get_target(target_type, target_id)
    if not can(me(), Permission.PROPOSE_CHANGE, target.work_stream_id):
        raise PermissionDenied(Permission.PROPOSE_CHANGE, "You can only propose updates in the work streams you run")
    existing = proposals.open_proposal_for(target_type, target_id)
    form = _form_class(target_type)()
    if existing is not None and request.method == "GET":
        return _open_exists(existing.id, target_type, target, form)
    if not form.is_submitted():
        _prefill(form, target, target_type)
    elif form.validate():
        submitting = bool(form.submit_proposal.data)
        proposal = attempt(
            form,
            lambda: proposals.create(
                me(), target_type, target_id, _proposal_input(form, target_type), submit=submitting
            ),
        )
        already = refusal(form)
        if isinstance(already, OpenProposalExists):
            return _open_exists(already.proposal_id, target_type, target, form)
        if proposal is None:
            form.target_version.data = target.version
        else:
            flash(
                "Proposal submitted for approval"
                if form.submit_proposal.data
                else "Draft saved. Submit it for approval when it is ready.",
                "success",
            )
            return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    return render(
        "proposals/form.html",
        form=form,
        target=target,
        target_type=target_type,
        proposal=None,
        status=form_status(form),
    )


def _open_exists(proposal_id: int, target_type: str, target: Target, form: ProposalForm) -> Response:
    link = url_for("proposals.show", proposal_id=proposal_id)
    return render(
        "proposals/form.html",
        form=form,
        target=target,
        target_type=target_type,
        proposal=None,
        open_proposal_link=link,
        status=409,
    )


@bp.get("/proposals/<int:proposal_id>")
@login_required
def show(proposal_id: int) -> Response:
    return _show(proposals.get_for(me(), proposal_id))


def _show(proposal: Proposal, status: int = 200, **forms: Any) -> Response:
    version = proposal.version
    events = proposals.events_for(me(), proposal)
    challenge_form = forms.get("challenge_form") or ChallengeForm(formdata=None, proposal_version=version)
    reject_form = forms.get("reject_form") or RejectForm(formdata=None, proposal_version=version)
    approve_form = forms.get("approve_form") or ApproveForm(formdata=None, proposal_version=version)
    respond_form = forms.get("respond_form") or RespondForm(formdata=None, proposal_version=version)
    event_form = forms.get("event_form") or SimpleEventForm(formdata=None, proposal_version=version)
    error_form = forms.get("error_form")
    target = proposal.target
    labels = field_labels(proposal.target_type)
    narrative_field = "progress" if proposal.target_type == "action" else "narrative"
    narrative_change = proposal.changes.get(narrative_field)
    return render(
        "proposals/show.html",
        proposal=proposal,
        target=target,
        labels=labels,
        events=events,
        Event=Event,
        narrative_diff=word_diff(narrative_change["from"] or "", narrative_change["to"] or "")
        if narrative_change
        else None,
        narrative_field=narrative_field,
        challenge_log=challenges.log_for(proposal),
        challenge_form=challenge_form,
        reject_form=reject_form,
        approve_form=approve_form,
        respond_form=respond_form,
        event_form=event_form,
        form=error_form,
        differences=forms.get("differences"),
        status=status,
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int) -> Response:
    proposal = proposals.get_for(me(), proposal_id)
    if Event.EDIT not in proposals.events_for(me(), proposal):
        flash("This proposal can no longer be edited.", "info")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    target = proposal.target
    form = _form_class(proposal.target_type)()
    if not form.is_submitted():
        _prefill(form, target, proposal.target_type, proposal.changes)
        form.proposal_version.data = proposal.version
    elif form.validate():
        submitting = bool(form.submit_proposal.data)
        changes = _proposal_input(form, proposal.target_type)
        saved = attempt(
            form,
            lambda: proposals.edit(
                me(), proposal_id, version_of(form.proposal_version.data), changes, submit=submitting
            ),
        )
        if saved is not None:
            flash("Proposal submitted for approval" if form.submit_proposal.data else "Draft saved", "success")
            return redirect(url_for("proposals.show", proposal_id=proposal_id), 303)
    proposal = proposals.get_for(me(), proposal_id)
    return render(
        "proposals/form.html",
        form=form,
        target=proposal.target,
        target_type=proposal.target_type,
        proposal=proposal,
        status=form_status(form),
    )


@dataclass(frozen=True)
class Step:
    """One workflow event as a page sends it: the form it posts, the service call, what to say when done."""

    form: type[Any]
    form_key: str
    call: Callable[[User, int, int, Any], object]
    done: str


STEPS: dict[str, Step] = {
    "submit": Step(
        SimpleEventForm,
        "event_form",
        lambda who, pid, v, f: proposals.submit(who, pid, v),
        "Proposal submitted for approval",
    ),
    "withdraw": Step(
        SimpleEventForm, "event_form", lambda who, pid, v, f: proposals.withdraw(who, pid, v), "Proposal withdrawn"
    ),
    "challenge": Step(
        ChallengeForm,
        "challenge_form",
        lambda who, pid, v, f: proposals.challenge(
            who, pid, v, f.question.data or "", more_evidence=bool(f.more_evidence.data), due_on=f.due_on.data
        ),
        "Challenge sent. The proposal is back with its author.",
    ),
    "reject": Step(
        RejectForm,
        "reject_form",
        lambda who, pid, v, f: proposals.reject(who, pid, v, f.reason.data or ""),
        "Proposal rejected",
    ),
    "approve": Step(
        ApproveForm,
        "approve_form",
        lambda who, pid, v, f: proposals.approve(
            who,
            pid,
            v,
            note=f.note.data or "",
            confirmed_target_version=version_of(f.confirmed_target_version.data)
            if f.confirmed_target_version.data
            else None,
        ),
        "Proposal approved: the change has been applied to the plan",
    ),
    "respond": Step(
        RespondForm,
        "respond_form",
        lambda who, pid, v, f: proposals.respond(who, pid, v, f.answer.data or "", _evidence_input(f)),
        "Answer sent. The proposal is back with the project manager.",
    ),
}


def _event(proposal_id: int, step: Step) -> Response:
    """One step of the workflow: the service decides; a refusal re-renders the proposal with the form kept."""
    proposal = proposals.get_for(me(), proposal_id)
    form = step.form()
    if not form.validate():
        return _show(proposal, 400, **{step.form_key: form, "error_form": form})
    if attempt(form, lambda: step.call(me(), proposal_id, version_of(form.proposal_version.data), form)) is not None:
        flash(step.done, "success")
        return redirect(url_for("proposals.show", proposal_id=proposal_id), 303)
    proposal = proposals.get_for(me(), proposal_id)
    why = refusal(form)
    if isinstance(why, TargetChanged) and isinstance(form, ApproveForm):
        form.confirmed_target_version.data = why.target_version
        return _show(proposal, 409, approve_form=form, error_form=form, differences=why.differences)
    if isinstance(why, ValidationFailed):
        return _show(proposal, 400, **{step.form_key: form, "error_form": form})
    return _show(proposal, 409 if isinstance(why, Conflict) else 400, error_form=form)


@bp.post("/proposals/<int:proposal_id>")
@login_required
def act(proposal_id: int) -> Response:
    """The proposal page's forms post to its own address, naming their step, so a form sent back with an
    error (an empty challenge, say) is shown at /proposals/N, an address that can be reloaded and shared."""
    step = STEPS.get(request.form.get("step", ""))
    if step is None:
        proposals.get_for(me(), proposal_id)  # missing or not yours: 404 or 403 before anything else
        abort(400)
    return _event(proposal_id, step)


for _name, _step in STEPS.items():  # POST /proposals/<id>/submit, …/approve: endpoints proposals.submit, …
    bp.add_url_rule(
        f"/proposals/<int:proposal_id>/{_name}",
        _name,
        login_required(partial(_event, step=_step)),
        methods=["POST"],
    )


@bp.get("/review")
@permission_required(Permission.REVIEW_PROPOSAL)
def queue() -> Response:
    number = page_number()
    page, html = memo.per_trail_version(f"review_queue:{number}", lambda: _queue_table(number))
    return render(
        "proposals/queue.html",
        queue=page.items,
        queue_html=html,
        page=page,
        pagination=govuk_pagination(page, "Pages of the review queue"),
        page_title=titled("Review queue", [f"page {page.number}" if page.number > 1 else ""]),
    )


def _queue_table(number: int) -> tuple[Page[int], Markup]:
    """A page of the review queue, rendered (its items the proposals' ids): every change to a proposal is audited,
    so `queue` keeps it while the audit trail's newest record is the same."""
    page = proposals.review_queue_page(page=number)
    html = Markup(render_template("proposals/_queue_table.html", queue=page.items))
    return Page([p.id for p in page.items], page.number, page.per_page, page.total), html


@bp.get("/review/count")
@login_required
def queue_count() -> Response:
    """The navigation badge, refreshed by htmx."""
    count = proposals.queue_count() if is_reviewer(me()) else 0
    return render("proposals/_queue_count.html", count=count)


@bp.get("/proposals")
@login_required
def mine() -> Response:
    """Every proposal for the project manager and senior managers; one's own for anyone else who proposes."""
    plan = selected_plan()
    proposal_filter = ProposalFilter.from_args(request.args)
    number = parse_id(request.args.get("page")) or 1
    page = proposal_list.find_page(me(), plan.id, proposal_filter, today(), page=number)
    return render(
        "proposals/list.html",
        plan=plan,
        plans=plan_read.list_plans(),
        page=page,
        pagination=govuk_pagination(page, "Pages of proposals", proposal_filter.query_string()),
        proposal_filter=proposal_filter,
        authors=proposal_list.authors(me(), plan.id) if page.every else [],
        work_streams=plan.work_streams,
        states=list(State),
        ages=AGES,
        filter_url=request.path,
    )


@bp.get("/evidence/<int:evidence_id>")
@login_required
def download(evidence_id: int) -> Response:
    try:
        evidence, data = proposals.evidence_for_download(me(), evidence_id)
    except proposals.EvidenceUnavailable as unavailable:
        return render(
            "errors/generic.html",
            status=410 if unavailable.missing else 409,
            title="This evidence file cannot be sent",
            message=unavailable.message,
        )
    ext = extension_for(evidence.content_type)
    response = send_file(
        io.BytesIO(data),
        mimetype=evidence.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=safe_download_name(evidence.title, ext),
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/notifications")
@login_required
def notifications_page() -> Response:
    """Kept for each person while their newest notification and their unread count are the same (read with the
    session): notifications are only ever added, or all marked read at once."""
    found = badges_read_with_session() or badges.for_user(me())
    return render_kept(
        "notifications",
        "proposals/notifications.html",
        None,
        _notifications_context,
        light=("page_title",),
        person=True,
        version=(found.newest, found.notifications),
    )


def _notifications_context() -> dict[str, Any]:
    page = notifications.numbered_page_for_user(me().id, page=page_number())
    return {
        "items": page.items,
        "page": page,
        "pagination": govuk_pagination(page, "Pages of notifications"),
        "page_title": titled("Notifications", [f"page {page.number}" if page.number > 1 else ""]),
    }


@bp.post("/notifications/read")
@login_required
def notifications_read() -> Response:
    notifications.mark_all_read(me().id)
    return redirect(url_for("proposals.notifications_page"), 303)
