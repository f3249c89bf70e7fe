"""Read views of the plan: what every signed-in role sees."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.clock import today
from app.domain.bounds import parse_id
from app.domain.filters import ActionFilter
from app.domain.glossary import GLOSSARY
from app.domain.status import Status, actions_headline, measures_headline
from app.models import Plan, User, WorkStream
from app.policy import Permission, can
from app.services import lists, meetings, memo, plan_read, proposals, risks
from app.services.paging import Page
from app.web.decorators import permission_required
from app.web.pagination import govuk_pagination, page_number
from app.web.pickers import work_stream_picker
from app.web.plan import bp
from app.web.rendering import render, render_kept, selected_plan, titled


def _filter_words(f: ActionFilter, owners: list[User], work_streams: list[WorkStream] | None = None) -> list[str]:
    """The action filter in words, for the page's title: status, work stream, owner, overdue."""
    words = [f.status.label if f.status else ""]
    if work_streams and f.work_stream_id:
        words += [f"work stream {ws.roman}" for ws in work_streams if ws.id == f.work_stream_id]
    words += [f"owner {o.name}" for o in owners if f.owner_id and o.id == f.owner_id]
    return [*words, "overdue" if f.overdue else ""]


DASHBOARD_WORK_STREAMS = 10  # work streams drawn and tabled on the dashboard; the rest are a link away
DASHBOARD_LIST = 10  # actions needing an update, risk reviews due: the longest waiting, and how many in all


@bp.get("/")
@permission_required(Permission.VIEW_PLAN)
def dashboard() -> Response:
    """A page of bounded size however large the plan: the plan's totals counted by the database, its first
    work streams, the trend by month, and the person's own lists cut to their longest waiting. Kept whole for
    each person per version of the trail (their lists follow every plan and their own work streams)."""
    return render_kept("dashboard", "plan/dashboard.html", "plan/_summary.html", _dashboard_page, person=True)


def _dashboard_page() -> dict[str, Any]:
    plan = selected_plan()
    actions, measures, _ = plan_read.plan_totals(plan)
    charts = memo.per_plan_version(
        f"dashboard_charts:{DASHBOARD_WORK_STREAMS}", plan.id, lambda: _dashboard_charts(plan)
    )
    return {
        "plan": plan,
        "charts": charts,
        "open_risks": risks.open_counts(plan.id).get(None, 0),
        "reviews_due": risks.reviews_due(current_user.id, limit=DASHBOARD_LIST + 1),  # one more: are there others?
        "list_limit": DASHBOARD_LIST,
        "needing_update": plan_read.actions_needing_update(current_user, plan.id, limit=DASHBOARD_LIST),
        "plans": plan_read.list_plans(),
        "summary_url": url_for("api.summary", plan=plan.id, per_page=DASHBOARD_WORK_STREAMS),
        "actions_headline": actions_headline(actions),
        "measures_headline": measures_headline(measures, plan.reporting_checkpoint),
    }


def _dashboard_charts(plan: Plan) -> Markup:
    """The dashboard's charts and their tables (the first work streams and the trend), the same for everyone:
    `dashboard` keeps them per version of the plan (the trend's months follow the day, which the key holds)."""
    html = render_template(
        "plan/_summary_charts.html",
        plan=plan,
        summary=plan_read.plan_summary(plan, limit=DASHBOARD_WORK_STREAMS),
        trend=meetings.trend(plan)[0],
    )
    return Markup(html)


@bp.get("/work-streams")
@permission_required(Permission.VIEW_PLAN)
def work_streams() -> Response:
    """Kept whole per version of the trail (the managers are named) for each query string and set of rights."""
    return render_kept("work_streams", "plan/work_streams.html", None, _work_streams_page, light=("page_title",))


def _work_streams_page() -> dict[str, Any]:
    plan = selected_plan()
    search = request.args.get("q", "")[:200]
    page, html = _work_streams_table(plan.id, search, page_number())
    return {
        "plan": plan,
        "plans": plan_read.list_plans(),
        "page": page,
        "table_html": html,
        "search": search,
        "page_title": titled("Work streams", [f"matching “{search.strip()}”" if search.strip() else ""]),
    }


def _work_streams_table(plan_id: int, search: str, number: int) -> tuple[Page[int], Markup]:
    page = lists.work_streams_page(plan_id, search=search, page=number)
    html = render_template(
        "plan/_work_streams_table.html",
        page=page,
        pagination=govuk_pagination(page, "Pages of work streams", [("q", search.strip())]),
    )
    return Page([w.work_stream.id for w in page.items], page.number, page.per_page, page.total), Markup(html)


@bp.get("/work-streams/<int:work_stream_id>")
@permission_required(Permission.VIEW_PLAN)
def work_stream(work_stream_id: int) -> Response:
    """Kept whole per version of the trail (the managers are named) for each query string and set of rights."""
    summary = request.args.get("part") == "summary"  # the summary's own poll
    return render_kept(
        f"work_stream:{work_stream_id}",
        "plan/work_stream.html",
        "plan/_ws_summary.html" if summary else "plan/_actions_table.html",
        lambda: _work_stream_page(work_stream_id),
        light=("page_title", "plan_id"),
    )


def _work_stream_page(work_stream_id: int) -> dict[str, Any]:
    ws = plan_read.get_work_stream(work_stream_id)
    action_filter = ActionFilter.from_args(request.args)
    action_filter = ActionFilter(action_filter.status, action_filter.owner_id, action_filter.overdue, ws.id)
    on = today()
    table = memo.per_plan_version(  # the same for everyone who may see it; an approval is a new version
        f"work_stream_table:{ws.id}:{action_filter.query_string()}:{on}",
        ws.plan_id,
        lambda: _work_stream_table(ws.plan_id, action_filter, on),
    )
    action_counts, measure_counts = plan_read.work_stream_counts(ws)
    owners = plan_read.action_owners(ws.plan_id, ws.id)
    may_propose, may_edit = can(current_user, Permission.PROPOSE_CHANGE, ws.id), can(current_user, Permission.EDIT_PLAN)
    return {
        "work_stream": ws,
        "plan": ws.plan,
        "plan_id": ws.plan_id,
        "actions": table.page.items,
        "actions_html": table.html,
        "action_filter": action_filter,
        "owners": owners,
        "page_title": titled(f"Work stream {ws.roman}: {ws.title}", _filter_words(action_filter, owners)),
        "retired": plan_read.find_actions(ws.plan_id, ActionFilter(work_stream_id=ws.id), on, retired=True),
        "action_counts": action_counts,
        "measure_counts": measure_counts,
        "measures_html": memo.per_plan_version(
            f"work_stream_measures:{ws.id}:{may_propose}:{may_edit}",
            ws.plan_id,
            lambda: Markup(
                render_template(
                    "plan/_ws_measures.html",
                    measures=plan_read.measures_for(ws.id),
                    may_propose=may_propose,
                    may_edit=may_edit,
                )
            ),
        ),
        "open_risks": risks.open_counts(ws.plan_id).get(ws.id, 0),
        "filter_url": request.path,
        "show_work_stream": False,
    }


@bp.get("/actions")
@permission_required(Permission.VIEW_PLAN)
def actions() -> Response:
    """Kept whole per version of the trail (owners are named) for each query string, kind of request and set of
    rights; a page whose work stream filter is in error is worked out each time."""
    return render_kept("actions", "plan/actions.html", "plan/_actions_table.html", _actions_page, light=("page_title",))


def _actions_page() -> dict[str, Any]:
    plan = selected_plan()
    picker = work_stream_picker(plan.id, all_text="All work streams")
    action_filter = replace(ActionFilter.from_args(request.args), work_stream_id=picker.id)
    owners = plan_read.action_owners(plan.id)
    number = parse_id(request.args.get("page")) or 1
    on = today()
    table = memo.per_plan_version(  # the same for everyone who may see the list; an approval is a new version
        f"actions_table:{action_filter.query_string()}:{number}:{plan_read.ACTIONS_PER_PAGE}:{on}",
        plan.id,
        lambda: _actions_table(plan.id, action_filter, on, number),
    )
    return {
        "plan": plan,
        "plans": plan_read.list_plans(),
        "actions": table.page.items,
        "actions_html": table.html,
        "page": table.page,
        "pagination": govuk_pagination(table.page, "Pages of actions", action_filter.query_string()),
        "action_filter": action_filter,
        "owners": owners,
        "picker": picker,
        "form": picker.form if picker.failed else None,
        "page_title": titled("Actions", _filter_words(action_filter, owners, [picker.chosen] if picker.chosen else [])),
        "filter_url": request.path,
        "show_work_stream": True,
    }


@dataclass(frozen=True)
class _ActionsTable:
    """A page of the plan-wide action list, rendered: the page (its items the actions' ids) and its table."""

    page: Page[int]
    html: Markup


def _actions_table(plan_id: int, action_filter: ActionFilter, on: date, number: int) -> _ActionsTable:
    page = plan_read.find_actions_page(plan_id, action_filter, on, page=number, per_page=plan_read.ACTIONS_PER_PAGE)
    html = render_template(
        "plan/_actions_rows.html",
        actions=page.actions,
        changes_since=meetings.changes_by_action(plan_id, action_ids={a.id for a in page.actions}),
        show_work_stream=True,
        today=on,
    )
    return _ActionsTable(Page([a.id for a in page.actions], page.number, page.per_page, page.total), Markup(html))


def _work_stream_table(plan_id: int, action_filter: ActionFilter, on: date) -> _ActionsTable:
    """A work stream's actions matching the filter, in full, rendered (`work_stream` keeps it per plan version)."""
    actions = plan_read.find_actions(plan_id, action_filter, on)
    html = render_template(
        "plan/_actions_rows.html",
        actions=actions,
        changes_since=meetings.changes_by_action(plan_id, work_stream_id=action_filter.work_stream_id),
        show_work_stream=False,
        today=on,
    )
    return _ActionsTable(Page([a.id for a in actions], 1, max(len(actions), 1), len(actions)), Markup(html))


@bp.get("/actions/<int:action_id>")
@permission_required(Permission.VIEW_PLAN)
def action(action_id: int) -> Response:
    """Kept whole for each person per version of the trail: the proposals shown are those they may see (every
    proposal drafted, moved or decided is audited); the parts the same for everyone are kept apart too."""
    return render_kept(
        f"action:{action_id}",
        "plan/action.html",
        None,
        lambda: _action_context(action_id),
        light=("action",),  # the kept parts: plain values for its title and breadcrumbs
        person=True,
    )


def _action_context(action_id: int) -> dict[str, Any]:
    kept = _action_page(action_id, internal=can(current_user, Permission.VIEW_INTERNAL))
    return {"action": kept, "proposals": proposals.on_target(current_user, "action", kept.id)}


@dataclass(frozen=True)
class _ActionPage:
    """What an action's page shows the same to everyone who may see the action: plain values for the rest of the
    page, and its heading, details and history rendered."""

    id: int
    plan_id: int
    work_stream_id: int
    roman: str
    reference: str
    title: str
    is_retired: bool
    completed: bool
    head: Markup
    details: Markup
    history: Markup


def _action_page(action_id: int, *, internal: bool) -> _ActionPage:
    """Worked out once per version of the trail (an owner's new name is on the trail, not the plan), for those
    who see internal records and for those who do not."""

    def build() -> _ActionPage:
        item = plan_read.get_action(action_id)
        plan_id = item.work_stream.plan_id
        on = today()
        return _ActionPage(
            id=item.id,
            plan_id=plan_id,
            work_stream_id=item.work_stream_id,
            roman=item.work_stream.roman,
            reference=item.reference,
            title=item.title,
            is_retired=item.is_retired,
            completed=item.status == Status.COMPLETED.value,
            head=Markup(render_template("plan/_action_head.html", action=item, today=on)),
            details=Markup(
                render_template(
                    "plan/_action_details.html",
                    action=item,
                    risk=risks.entry_for_action(item.id),
                    approved_evidence=proposals.approved_evidence_for_action(item.id),
                )
            ),
            history=Markup(
                render_template(
                    "plan/_action_history.html",
                    history=plan_read.action_history(item.id, approved_only=not internal),
                    changes={c.event_id: c for c in _approved_changes(plan_id, item.id)},
                )
            ),
        )

    return memo.per_trail_version(f"action_page:{action_id}:{internal}", build, one_of_many=True)


def _approved_changes(plan_id: int, action_id: int) -> tuple[meetings.ChangeLine, ...]:
    """The action's approved changes with their why and who (plain values), worked out once per plan version."""
    return memo.per_plan_version(
        f"approved_changes:{action_id}",
        plan_id,
        lambda: tuple(meetings.approved_changes(plan_id, action_id=action_id)),
    )


@bp.get("/accessibility")
def accessibility() -> Response:
    """Public, as the regulations require: no sign-in needed."""
    return render("plan/accessibility.html")


@bp.get("/glossary")
def glossary() -> Response:
    """Public: the abbreviations are the report's, and the footer links here from the sign-in page too."""
    return render("plan/glossary.html", glossary=GLOSSARY)
