from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.models.users import User


class AuditEvent(Model):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration).

    Chained: `hash` is the SHA-256 of `prev_hash` and the event's content (`app.domain.audit_chain`),
    `seq` numbers the events 1, 2, 3... with no gaps (migration 0006).
    """

    __tablename__ = "audit_events"
    # A plan's newest record in one index step, whichever plan (`plan_read.plan_version`, `memo.plan_head`).
    # The approved changes since a baseline (`meetings`: the changes page, the count on the committee's landing
    # page, the trend) read from the index alone: plan, kind, then the ids after the baseline's audit mark.
    __table_args__ = (
        Index("ix_audit_events_plan_id_id", "plan_id", "id"),
        Index("ix_audit_events_plan_kind", "plan_id", "kind", "id", "action_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    actor_role: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    work_stream_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    # The request's X-Request-ID (app/request_ids.py), "" for events before migration 0015; hashed only when set
    request_id: Mapped[str] = mapped_column(String(64), default="", server_default="")

    actor: Mapped[User | None] = relationship()
