from __future__ import annotations

from flask import Response, request, stream_with_context
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.domain.bounds import parse_id
from app.formatting import format_date
from app.policy import Permission
from app.services import accounts, audit, meetings, plan_read
from app.services.errors import NotFound
from app.web.audit_trail import bp
from app.web.decorators import permission_required
from app.web.rendering import render, titled

MAX_PAGE = 1_000_000  # 100 million events: beyond any real trail, and the offset stays inside the database's integers


@bp.get("/audit")
@permission_required(Permission.VIEW_AUDIT)
def trail() -> WResponse:
    f = audit.AuditFilter.from_args(request.args)
    page = parse_id(request.args.get("page"), maximum=MAX_PAGE) or 1  # out of range: the first page
    events, more = audit.trail(f, page=page)
    try:
        work_streams = plan_read.get_plan().work_streams
    except NotFound:
        work_streams = []
    people = accounts.list_users()
    words = [f"work stream {ws.roman}" for ws in work_streams if ws.id == f.work_stream_id]
    words += [person.name for person in people if person.id == f.actor_id]
    words += [audit.KIND_GROUPS[f.kind] if f.kind else ""]
    words += [
        f"from {format_date(f.date_from)}" if f.date_from else "",
        f"to {format_date(f.date_to)}" if f.date_to else "",
    ]
    return render(
        "audit/trail.html",
        "audit/_results.html",
        events=events,
        changes=meetings.describe_events(events),
        more=more,
        page=page,
        f=f,
        kinds=audit.KIND_GROUPS,
        work_streams=work_streams,
        people=people,
        page_title=titled("Audit trail", [*words, f"page {page}" if page > 1 else ""]),
    )


@bp.get("/audit.csv")
@permission_required(Permission.VIEW_AUDIT)
def trail_csv() -> Response:
    f = audit.AuditFilter.from_args(request.args)
    response = Response(stream_with_context(audit.csv_text(f)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-trail-{today().isoformat()}.csv"'
    return response
