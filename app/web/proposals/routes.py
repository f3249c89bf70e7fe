"""Propose, review, challenge, respond, approve, reject, withdraw: thin views over app.services.proposals."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.domain.diff import word_diff
from app.domain.proposals import Event, field_labels
from app.policy import Permission, can, is_reviewer
from app.services import notifications, proposals
from app.services.errors import Conflict, ServiceError, ValidationFailed
from app.services.proposals import EvidenceInput, OpenProposalExists, ProposalInput, TargetChanged
from app.web.decorators import permission_required
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
from app.web.rendering import apply_errors, render


def _me() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _evidence_input(form: Any) -> EvidenceInput:
    upload = form.evidence_file.data
    filename, data = "", b""
    if upload is not None and getattr(upload, "filename", ""):
        filename = upload.filename
        data = upload.read()
    return EvidenceInput(
        filename=filename,
        data=data,
        url=form.evidence_url.data or "",
        title=form.evidence_title.data or "",
        note=form.evidence_note.data or "",
    )


def _proposal_input(form: Any, target_type: str) -> ProposalInput:
    names = field_labels(target_type)
    values: dict[str, Any] = {}
    for name in names:
        values[name] = getattr(form, name).data
    reasons = {name: getattr(form, f"{name}_reason").data or "" for name in names if hasattr(form, f"{name}_reason")}
    version = form.target_version.data
    return ProposalInput(
        values=values,
        reasons=reasons,
        evidence=_evidence_input(form),
        target_version=int(version) if version and str(version).isdigit() else None,
    )


def _prefill(form: Any, target: Any, target_type: str, changes: dict[str, Any] | None = None) -> None:
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


def _form_class(target_type: str) -> type:
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
    me = _me()
    target = proposals.get_target(target_type, target_id)
    if not can(me, Permission.PROPOSE_CHANGE, target.work_stream_id):
        from app.policy import PermissionDenied

        raise PermissionDenied(Permission.PROPOSE_CHANGE, "You can only propose updates in the work streams you run")
    existing = proposals.open_proposal_for(target_type, target_id)
    form = _form_class(target_type)()
    if existing is not None and request.method == "GET":
        return _open_exists(existing.id, target_type, target, form)
    if not form.is_submitted():
        _prefill(form, target, target_type)
    elif form.validate():
        try:
            proposal = proposals.create(
                me, target_type, target_id, _proposal_input(form, target_type), submit=bool(form.submit_proposal.data)
            )
        except OpenProposalExists as error:
            return _open_exists(error.proposal_id, target_type, target, form)
        except ValidationFailed as error:
            apply_errors(form, error.errors)
            form.target_version.data = target.version
        except ServiceError as error:
            form.form_errors.append(error.message)
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
        status=400 if form.errors else 200,
    )


def _open_exists(proposal_id: int, target_type: str, target: Any, form: Any) -> Response:
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
    return _show(proposals.get_for(_me(), proposal_id))


def _show(proposal: Any, status: int = 200, **forms: Any) -> Response:
    me = _me()
    version = proposal.version
    events = proposals.events_for(me, proposal)
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
    me = _me()
    proposal = proposals.get_for(me, proposal_id)
    if Event.EDIT not in proposals.events_for(me, proposal):
        flash("This proposal can no longer be edited.", "info")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    target = proposal.target
    form = _form_class(proposal.target_type)()
    if not form.is_submitted():
        _prefill(form, target, proposal.target_type, proposal.changes)
        form.proposal_version.data = proposal.version
    elif form.validate():
        try:
            proposals.edit(
                me,
                proposal.id,
                _int(form.proposal_version.data),
                _proposal_input(form, proposal.target_type),
                submit=bool(form.submit_proposal.data),
            )
        except ValidationFailed as error:
            apply_errors(form, error.errors)
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            flash("Proposal submitted for approval" if form.submit_proposal.data else "Draft saved", "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    return render(
        "proposals/form.html",
        form=form,
        target=target,
        target_type=proposal.target_type,
        proposal=proposal,
        status=400 if form.errors else 200,
    )


def _int(value: Any) -> int:
    return int(value) if value is not None and str(value).isdigit() else -1


def _event(proposal_id: int, action: Any, form_class: type, form_key: str, **kwargs: Any) -> Response:
    me = _me()
    proposal = proposals.get_for(me, proposal_id)
    form = form_class()
    if not form.validate():
        return _show(proposal, 400, **{form_key: form, "error_form": form})
    try:
        action(me, proposal.id, _int(form.proposal_version.data), form)
    except TargetChanged as changed:
        form.confirmed_target_version.data = changed.target_version
        form.form_errors.append(changed.message)
        return _show(
            proposals.get_for(me, proposal_id),
            409,
            **{form_key: form, "error_form": form, "differences": changed.differences},
        )
    except ValidationFailed as error:
        apply_errors(form, error.errors)
        return _show(proposals.get_for(me, proposal_id), 400, **{form_key: form, "error_form": form})
    except Conflict as error:
        form.form_errors.append(error.message)
        return _show(proposals.get_for(me, proposal_id), 409, error_form=form)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _show(proposals.get_for(me, proposal_id), 400, error_form=form)
    flash(kwargs["done"], "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)


@bp.post("/proposals/<int:proposal_id>/submit")
@login_required
def submit(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.submit(me, pid, v),
        SimpleEventForm,
        "event_form",
        done="Proposal submitted for approval",
    )


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.withdraw(me, pid, v),
        SimpleEventForm,
        "event_form",
        done="Proposal withdrawn",
    )


@bp.post("/proposals/<int:proposal_id>/challenge")
@login_required
def challenge(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.challenge(
            me, pid, v, f.question.data or "", more_evidence=bool(f.more_evidence.data)
        ),
        ChallengeForm,
        "challenge_form",
        done="Challenge sent. The proposal is back with its author.",
    )


@bp.post("/proposals/<int:proposal_id>/reject")
@login_required
def reject(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.reject(me, pid, v, f.reason.data or ""),
        RejectForm,
        "reject_form",
        done="Proposal rejected",
    )


@bp.post("/proposals/<int:proposal_id>/approve")
@login_required
def approve(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.approve(
            me,
            pid,
            v,
            confirmed_target_version=_int(f.confirmed_target_version.data) if f.confirmed_target_version.data else None,
            note=f.note.data or "",
        ),
        ApproveForm,
        "approve_form",
        done="Proposal approved: the change has been applied to the plan",
    )


@bp.post("/proposals/<int:proposal_id>/respond")
@login_required
def respond(proposal_id: int) -> Response:
    return _event(
        proposal_id,
        lambda me, pid, v, f: proposals.respond(me, pid, v, f.answer.data or "", _evidence_input(f)),
        RespondForm,
        "respond_form",
        done="Answer sent. The proposal is back with the project manager.",
    )


@bp.get("/review")
@permission_required(Permission.REVIEW_PROPOSAL)
def queue() -> Response:
    return render("proposals/queue.html", queue=proposals.review_queue())


@bp.get("/review/count")
@login_required
def queue_count() -> Response:
    """The navigation badge, refreshed by htmx."""
    count = proposals.queue_count() if is_reviewer(_me()) else 0
    return render("proposals/_queue_count.html", count=count)


@bp.get("/proposals")
@permission_required(Permission.PROPOSE_CHANGE)
def mine() -> Response:
    return render("proposals/mine.html", proposals=proposals.proposals_by(_me()))


@bp.get("/evidence/<int:evidence_id>")
@login_required
def download(evidence_id: int) -> Response:
    from app.domain.evidence import extension_for, safe_download_name

    evidence, data = proposals.evidence_for_download(_me(), evidence_id)
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
    me = _me()
    return render("proposals/notifications.html", items=notifications.for_user(me.id), form=None)


@bp.post("/notifications/read")
@login_required
def notifications_read() -> Response:
    notifications.mark_all_read(_me().id)
    return redirect(url_for("proposals.notifications_page"), 303)
