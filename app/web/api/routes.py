from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for
from werkzeug.wrappers import Response

from app.domain.bounds import parse_id
from app.policy import Permission
from app.services import memo, plan_read
from app.web.api import bp
from app.web.api.caching import cached_json
from app.web.api.spec import document
from app.web.decorators import permission_required
from app.web.rendering import int_arg

PER_PAGE = 50  # work streams per page of the summary, unless ?per_page= asks for fewer (or up to MAX_PER_PAGE)
MAX_PER_PAGE = 200


@bp.get("/summary")
@permission_required(Permission.VIEW_PLAN)
def summary() -> Response:
    """The plan's figures, as the dashboard charts draw them: the totals, and one page of work streams
    (?page=, ?per_page=), with links to the next and previous pages. Cached by ETag (the plan's version)."""
    plan_id = plan_read.plan_id_or_current(int_arg(request.args.get("plan")))  # no query: kept per trail
    per_page = min(max(parse_id(request.args.get("per_page")) or PER_PAGE, 1), MAX_PER_PAGE)
    number = max(parse_id(request.args.get("page")) or 1, 1)

    def build() -> dict[str, Any]:
        plan = plan_read.get_plan(plan_id)
        figures = plan_read.plan_summary(plan, first=(number - 1) * per_page, limit=per_page)
        pages = max(1, -(-figures.total_work_streams // per_page))

        def link(n: int) -> str | None:
            return url_for("api.summary", plan=plan_id, page=n, per_page=per_page) if 1 <= n <= pages else None

        return {
            **figures.as_json(),
            "page": number,
            "per_page": per_page,
            "pages": pages,
            "next": link(number + 1),
            "previous": link(number - 1) if number <= pages else link(pages),
        }

    def kept() -> dict[str, Any]:  # the body too is worked out once per version of the plan (`memo`)
        return memo.per_plan_version(f"api_summary:{number}:{per_page}:{request.script_root}", plan_id, build)

    return cached_json(("summary", plan_id, plan_read.plan_version(plan_id), number, per_page), kept)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document, generated from the code. No sign-in: it describes the API and holds no data."""
    return jsonify(document(current_app._get_current_object()))  # type: ignore[attr-defined]
