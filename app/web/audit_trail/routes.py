from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, render_template, request, stream_with_context
from markupsafe import Markup
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.formatting import format_date
from app.policy import Permission
from app.services import accounts, audit, meetings, memo, plan_read
from app.services.errors import NotFound
from app.web.audit_trail import bp
from app.web.decorators import permission_required
from app.web.pagination import govuk_pagination, page_number
from app.web.pickers import WorkStreamPicker, work_stream_picker
from app.web.rendering import is_htmx, render_kept, titled


@bp.get("/audit")
@permission_required(Permission.VIEW_AUDIT)
def trail() -> WResponse:
    """Kept whole while the trail's newest record is the same, sign-ins included (the trail only grows), for the
    query string, kind of request and set of rights; a page whose work stream filter is in error is worked out
    each time."""
    return render_kept(
        "audit_trail",
        "audit/trail.html",
        "audit/_results.html",
        _trail_page,
        light=("page_title",),
        version=memo.newest_record(),
    )


def _trail_page() -> dict[str, Any]:
    f = audit.AuditFilter.from_args(request.args)
    try:
        picker: WorkStreamPicker | None = work_stream_picker(plan_read.get_plan().id)
    except NotFound:  # no plan yet: the trail still has sign-ins
        picker = None
    f = replace(f, work_stream_id=picker.id if picker else None)
    people = accounts.list_users()
    words = picker.words() if picker else []
    words += [person.name for person in people if person.id == f.actor_id]
    words += [audit.KIND_GROUPS[f.kind] if f.kind else ""]
    words += [
        f"from {format_date(f.date_from)}" if f.date_from else "",
        f"to {format_date(f.date_to)}" if f.date_to else "",
    ]
    page = audit.trail_page(f, page=page_number())  # garbled or out of range: the first page; past the end: the last
    page_title = titled("Audit trail", [*words, f"page {page.number}" if page.number > 1 else ""])
    results = {
        "events": page.items,
        "changes": meetings.describe_events(page.items),
        "page": page,
        "pagination": govuk_pagination(page, "Pages of the audit trail", f.query_string()),
        "picker": picker,
        "page_title": page_title,
    }
    if is_htmx():
        return results
    return {
        "results_html": Markup(render_template("audit/_results.html", **results)),
        "f": f,
        "kinds": audit.KIND_GROUPS,
        "picker": picker,
        "form": picker.form if picker and picker.failed else None,
        "people": people,
        "page_title": page_title,
    }


@bp.get("/audit.csv")
@permission_required(Permission.VIEW_AUDIT)
def trail_csv() -> Response:
    f = audit.AuditFilter.from_args(request.args)
    response = Response(stream_with_context(audit.csv_text(f)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-trail-{today().isoformat()}.csv"'
    return response
