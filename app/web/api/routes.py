from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from app.policy import Permission
from app.services import plan_read
from app.web.api import bp
from app.web.decorators import permission_required
from app.web.rendering import selected_plan


@bp.get("/summary")
@permission_required(Permission.VIEW_PLAN)
def summary() -> Response:
    """The plan's figures, as the dashboard charts draw them."""
    plan = selected_plan()
    response = jsonify(plan_read.plan_summary(plan).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
