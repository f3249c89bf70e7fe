from __future__ import annotations

from flask import Response, request, stream_with_context
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import User
from app.policy import Permission
from app.services import audit, plan_read
from app.services.errors import NotFound
from app.web.audit_trail import bp
from app.web.decorators import permission_required
from app.web.rendering import render


@bp.get("/audit")
@permission_required(Permission.VIEW_AUDIT)
def trail() -> Response:
    f = audit.AuditFilter.from_args(request.args)
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() and int(request.args["page"]) > 0 else 1
    events, more = audit.trail(f, page=page)
    try:
        work_streams = plan_read.get_plan().work_streams
    except NotFound:
        work_streams = []
    people = list(db.session.scalars(select(User).order_by(User.name)))
    return render(
        "audit/trail.html",
        "audit/_results.html",
        events=events,
        more=more,
        page=page,
        f=f,
        kinds=audit.KIND_GROUPS,
        work_streams=work_streams,
        people=people,
    )


@bp.get("/audit.csv")
@permission_required(Permission.VIEW_AUDIT)
def trail_csv() -> Response:
    f = audit.AuditFilter.from_args(request.args)
    response = Response(stream_with_context(audit.csv_text(f)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-trail-{today().isoformat()}.csv"'
    return response
