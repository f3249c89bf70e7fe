from __future__ import annotations

from flask import jsonify, request
from werkzeug.wrappers import Response

from app.policy import Permission
from app.services import plan_read
from app.web.api import bp
from app.web.decorators import permission_required


@bp.get("/summary")
@permission_required(Permission.VIEW_PLAN)
def summary() -> Response:
    """The plan's figures, as the dashboard charts draw them."""
    raw = request.args.get("plan", "")
    plan = plan_read.get_plan(int(raw) if raw.isdigit() else None)
    response = jsonify(plan_read.plan_summary(plan).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
