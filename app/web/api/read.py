"""The read API: the approved plan as the pages show it, a page at a time, cached by ETag.

Approved state only: the plan's own rows (what approvals and the plan editor have applied), never a proposal.
The same permissions as the pages (`Permission.VIEW_PLAN`; owners' e-mail addresses only with
`VIEW_INTERNAL`, as in the Excel export). A fixed number of queries per page, whatever the plan's size.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.clock import today
from app.domain.bounds import parse_id
from app.domain.changes import APPROVED_CHANGE_KINDS
from app.domain.filters import ActionFilter
from app.models import Action, CommitteeMeeting, PerformanceMeasure, Plan, RiskEntry, User, WorkStream
from app.policy import Permission, can
from app.services import lists, meetings, plan_read, risks
from app.services.errors import NotFound
from app.services.meetings import ChangeLine
from app.services.paging import Page
from app.web.api import bp
from app.web.api.caching import cached_json
from app.web.api.spec import operation
from app.web.decorators import permission_required

PER_PAGE = 50
MAX_PER_PAGE = 200


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"  # stored as naive UTC
    return value.isoformat()


def _paging() -> tuple[int, int]:
    per_page = min(max(parse_id(request.args.get("per_page")) or PER_PAGE, 1), MAX_PER_PAGE)
    return max(parse_id(request.args.get("page")) or 1, 1), per_page


def _page(page: Page[Any], endpoint: str, items: list[dict[str, Any]], **values: Any) -> dict[str, Any]:
    """The page's items and where it sits, with links that keep the filters (as /api/v1/summary's do)."""
    kept: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

    def link(n: int) -> str | None:
        if not 1 <= n <= page.pages:
            return None
        return url_for(endpoint, **values, **kept, page=n, per_page=page.per_page)

    return {
        "items": items,
        "page": page.number,
        "per_page": page.per_page,
        "pages": page.pages,
        "total": page.total,
        "next": link(page.number + 1),
        "previous": link(page.number - 1),
    }


def _internal() -> bool:
    return can(current_user, Permission.VIEW_INTERNAL)


def _cached(version: int, build: Callable[[], Any]) -> Response:
    """ETag from the plan's version, the request's URL and what the viewer may see (and the day, for overdue)."""
    parts = (request.endpoint, request.view_args, sorted(request.args.items()), version, _internal(), today())
    return cached_json(parts, build)


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    out: dict[str, Any] = {"id": user.id, "name": user.name}
    if _internal():
        out["email"] = user.email
    return out


def _plan(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "start_date": _iso(plan.start_date),
        "is_current": bool(plan.is_current),
        "reporting_checkpoint": plan.reporting_checkpoint,
        "risk_warning_days": plan.risk_warning_days,
    }


def _action(action: Action, on: date) -> dict[str, Any]:
    return {
        "id": action.id,
        "work_stream_id": action.work_stream_id,
        "work_stream_number": action.work_stream.number,
        "reference": action.reference,
        "title": action.title,
        "measures_and_milestones": action.measures_and_milestones,
        "key_targets": action.key_targets,
        "progress": action.progress,
        "status": action.status,
        "deadline": _iso(action.deadline),
        "overdue": action.is_overdue(on),
        "at_risk": bool(action.at_risk),
        "retired_on": _iso(action.retired_on),
        "owner": _person(action.owner),
        "version": action.version,
        "updated_at": _iso(action.updated_at),
    }


def _measure(measure: PerformanceMeasure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "work_stream_id": measure.work_stream_id,
        "work_stream_number": measure.work_stream.number,
        "reference": measure.reference,
        "description": measure.description,
        "checkpoint": measure.checkpoint,
        "target": measure.target,
        "status": measure.status,
        "narrative": measure.narrative,
        "updated_at": _iso(measure.updated_at),
    }


def _risk(entry: RiskEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "action_id": entry.action_id,
        "action_reference": entry.action.reference,
        "action_title": entry.action.title,
        "work_stream_id": entry.work_stream_id,
        "reasons": [r.value for r in entry.reason_list],
        "opened_on": _iso(entry.opened_on),
        "owner": _person(entry.owner),
        "likelihood": entry.likelihood,
        "impact": entry.impact,
        "score": entry.score,
        "band": entry.band.label,
        "mitigations": entry.mitigations,
        "remedial_actions": entry.remedial_actions,
        "next_review_on": _iso(entry.next_review_on),
        "escalated": bool(entry.escalated),
    }


def _change(line: ChangeLine) -> dict[str, Any]:
    return {
        "event_id": line.event_id,
        "kind": line.kind,
        "action_id": line.action_id,
        "work_stream_id": line.work_stream_id,
        "reference": line.reference,
        "what": line.what,
        "before": line.before,
        "after": line.after,
        "justification": line.justification,
        "approval_note": line.approval_note,
        "proposer": line.proposer,
        "proposed_on": _iso(line.proposed_on),
        "approver": line.approver,
        "approved_on": _iso(line.approved_on),
        "evidence_titles": list(line.evidence_titles),
        "text": line.text,
    }


def _meeting(meeting: CommitteeMeeting) -> dict[str, Any]:
    baseline = meeting.baseline
    return {
        "id": meeting.id,
        "plan_id": meeting.plan_id,
        "committee_name": meeting.committee_name,
        "meeting_date": _iso(meeting.meeting_date),
        "checkpoint": meetings.checkpoint_of(meeting),
        "presented": baseline is not None,
        "presented_at": _iso(baseline.presented_at) if baseline is not None else None,
        "report": url_for("committee.report", meeting_id=meeting.id) if baseline is not None else None,
    }


def _plan_or_404(plan_id: int) -> Plan:
    return plan_read.get_plan(plan_id)


@bp.get("/plans")
@permission_required(Permission.VIEW_PLAN)
@operation("Plans", "PlanPage", paged=True, summary="The plans, the current one first")
def plans() -> Response:
    number, per_page = _paging()

    def build() -> dict[str, Any]:
        page = plan_read.plans_page(number, per_page)
        return _page(page, "api.plans", [_plan(p) for p in page.items])

    return _cached(plan_read.trail_version(), build)


@bp.get("/plans/<int:plan_id>")
@permission_required(Permission.VIEW_PLAN)
@operation("Plans", "PlanDetail", summary="A plan, with its totals")
def plan(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)

    def build() -> dict[str, Any]:
        actions, measures, count = plan_read.plan_totals(found)
        return {
            **_plan(found),
            "actions": actions.as_dict(),
            "measures": measures.as_dict(),
            "work_stream_count": count,
        }

    return _cached(plan_read.plan_version(found.id), build)


@bp.get("/plans/<int:plan_id>/work-streams")
@permission_required(Permission.VIEW_PLAN)
@operation("Work streams", "WorkStreamPage", paged=True, summary="A plan's work streams, with their actions counted")
def work_streams(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    number, per_page = _paging()

    def build() -> dict[str, Any]:
        page = lists.work_streams_page(found.id, page=number, per_page=per_page)
        items = [
            {
                "id": s.work_stream.id,
                "plan_id": s.work_stream.plan_id,
                "number": s.work_stream.number,
                "roman": s.work_stream.roman,
                "title": s.work_stream.title,
                "actions": s.actions.as_dict(),
            }
            for s in page.items
        ]
        return _page(page, "api.work_streams", items, plan_id=found.id)

    return _cached(plan_read.plan_version(found.id), build)


@bp.get("/work-streams/<int:work_stream_id>")
@permission_required(Permission.VIEW_PLAN)
@operation("Work streams", "WorkStreamDetail", summary="A work stream: its figures, managers and open risks")
def work_stream(work_stream_id: int) -> Response:
    ws: WorkStream = plan_read.get_work_stream(work_stream_id)

    def build() -> dict[str, Any]:
        actions, measures = plan_read.work_stream_counts(ws)
        return {
            "id": ws.id,
            "plan_id": ws.plan_id,
            "number": ws.number,
            "roman": ws.roman,
            "title": ws.title,
            "actions": actions.as_dict(),
            "measures": measures.as_dict(),
            "managers": [_person(m) for m in ws.managers],
            "open_risks": risks.open_counts(ws.plan_id).get(ws.id, 0),
        }

    return _cached(plan_read.plan_version(ws.plan_id), build)


@bp.get("/plans/<int:plan_id>/actions")
@permission_required(Permission.VIEW_PLAN)
@operation(
    "Actions",
    "ActionPage",
    paged=True,
    query=("status", "work_stream", "owner", "overdue"),
    summary="A plan's live actions in the plan's order, filtered as the Actions page filters them",
)
def actions(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    number, per_page = _paging()
    action_filter = ActionFilter.from_args(request.args)
    on = today()

    def build() -> dict[str, Any]:
        page = plan_read.find_actions_page(found.id, action_filter, on, page=number, per_page=per_page)
        return _page(page, "api.actions", [_action(a, on) for a in page.items], plan_id=found.id)

    return _cached(plan_read.plan_version(found.id), build)


@bp.get("/actions/<int:action_id>")
@permission_required(Permission.VIEW_PLAN)
@operation("Actions", "Action", summary="An action as approved (never a pending proposal)")
def action(action_id: int) -> Response:
    found = plan_read.get_action(action_id)
    return _cached(plan_read.plan_version(found.work_stream.plan_id), lambda: _action(found, today()))


@bp.get("/plans/<int:plan_id>/measures")
@permission_required(Permission.VIEW_PLAN)
@operation(
    "Measures",
    "MeasurePage",
    paged=True,
    query=("checkpoint", "work_stream"),
    summary="A plan's performance measures, 6-month ones first in each work stream",
)
def measures(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    number, per_page = _paging()
    checkpoint = parse_id(request.args.get("checkpoint"))
    ws_id = parse_id(request.args.get("work_stream"))

    def build() -> dict[str, Any]:
        page = plan_read.measures_page(
            found.id,
            checkpoint=checkpoint if checkpoint in (6, 12) else None,
            work_stream_id=ws_id,
            page=number,
            per_page=per_page,
        )
        return _page(page, "api.measures", [_measure(m) for m in page.items], plan_id=found.id)

    return _cached(plan_read.plan_version(found.id), build)


@bp.get("/plans/<int:plan_id>/risks")
@permission_required(Permission.VIEW_PLAN)
@operation(
    "Risk register",
    "RiskPage",
    paged=True,
    query=("work_stream", "reason", "owner", "escalated"),
    summary="The open risk register, highest score first, with the heat map of every matching entry",
)
def risk_register(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    number, per_page = _paging()
    f = risks.RegisterFilter.from_args(request.args)

    def build() -> dict[str, Any]:
        register = risks.register_page(found.id, f, page=number, per_page=per_page)
        body = _page(register.page, "api.risk_register", [_risk(e) for e in register.page.items], plan_id=found.id)
        return {**body, "heat_map": register.grid}

    return _cached(plan_read.plan_version(found.id), build)


def _changes(of_plan: int, since: CommitteeMeeting | None, mark: int, endpoint: str, **values: Any) -> Response:
    number, per_page = _paging()
    ws_id = parse_id(request.args.get("work_stream"))
    kind = request.args.get("kind", "")

    def build() -> dict[str, Any]:
        page = meetings.approved_changes_page(
            of_plan,
            after_mark=mark,
            work_stream_id=ws_id,
            kind=kind if kind in APPROVED_CHANGE_KINDS else None,
            page=number,
            per_page=per_page,
        )
        body = _page(page, endpoint, [_change(c) for c in page.items], **values)
        return {**body, "since": _meeting(since) if since is not None else None}

    return _cached(plan_read.plan_version(of_plan), build)


@bp.get("/plans/<int:plan_id>/changes")
@permission_required(Permission.VIEW_PLAN)
@operation(
    "Changes",
    "ChangePage",
    paged=True,
    query=("work_stream", "kind"),
    summary="The approved changes since the last committee meeting (its baseline), oldest first",
)
def changes(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    baseline = meetings.last_baseline(found.id)
    since = baseline.meeting if baseline is not None else None
    return _changes(found.id, since, baseline.audit_mark if baseline else 0, "api.changes", plan_id=found.id)


@bp.get("/meetings/<int:meeting_id>/changes")
@permission_required(Permission.VIEW_PLAN)
@operation(
    "Changes",
    "ChangePage",
    paged=True,
    query=("work_stream", "kind"),
    summary="The approved changes since a presented meeting's baseline, oldest first (404 if not presented)",
)
def changes_since(meeting_id: int) -> Response:
    meeting = meetings.get_meeting(meeting_id)
    if meeting.baseline is None:
        raise NotFound("This meeting has not been presented: there is no baseline to count changes from")
    return _changes(meeting.plan_id, meeting, meeting.baseline.audit_mark, "api.changes_since", meeting_id=meeting.id)


@bp.get("/plans/<int:plan_id>/meetings")
@permission_required(Permission.VIEW_PLAN)
@operation("Meetings", "MeetingPage", paged=True, summary="A plan's committee meetings, newest first")
def meetings_list(plan_id: int) -> Response:
    found = _plan_or_404(plan_id)
    number, per_page = _paging()

    def build() -> dict[str, Any]:
        page = meetings.meetings_page(found.id, page=number, per_page=per_page)
        return _page(page, "api.meetings_list", [_meeting(m) for m in page.items], plan_id=found.id)

    return _cached(plan_read.plan_version(found.id), build)


@bp.get("/meetings/<int:meeting_id>")
@permission_required(Permission.VIEW_PLAN)
@operation("Meetings", "Meeting", summary="A committee meeting: its date, checkpoint and, once presented, its report")
def meeting(meeting_id: int) -> Response:
    found = meetings.get_meeting(meeting_id)
    return _cached(plan_read.plan_version(found.plan_id), lambda: _meeting(found))
