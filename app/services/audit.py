"""Writing the audit trail. Records are added to the caller's transaction, never committed alone."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent
from app.policy import SystemActor


def record(
    actor: Any,
    kind: str,
    summary: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    plan_id: int | None = None,
    work_stream_id: int | None = None,
    action_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    if actor is None:
        actor_id, name, role = None, "Anonymous", ""
    elif isinstance(actor, SystemActor):
        actor_id, name, role = None, actor.name, actor.role
    else:
        actor_id, name, role = actor.id, actor.name, actor.role
    event = AuditEvent(
        actor_id=actor_id,
        actor_name=name,
        actor_role=role,
        kind=kind,
        summary=summary,
        object_type=object_type,
        object_id=object_id,
        plan_id=plan_id,
        work_stream_id=work_stream_id,
        action_id=action_id,
        before=before,
        after=after,
        reason=reason,
        ip_address=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event


def record_and_commit(actor: Any, kind: str, summary: str, **kwargs: Any) -> None:
    """For events that change nothing else, such as a failed login or a refused request."""
    record(actor, kind, summary, **kwargs)
    db.session.commit()
