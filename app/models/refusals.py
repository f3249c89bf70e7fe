from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class RefusalCount(Model):
    """How often one person was refused one request in one minute.

    The audit trail gets one `access.refused` record per person, request and minute (the first, linked
    here by `audit_event_id`); the repeats only add to `count`, so a burst cannot flood the trail. The
    trail itself stays append-only: the count lives here, and the next minute's record carries the last
    minute's total.
    """

    __tablename__ = "refusal_counts"
    __table_args__ = (UniqueConstraint("who", "request", "minute", name="uq_refusal_counts_who_request_minute"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    who: Mapped[str] = mapped_column(String(80))  # "user:12", or "address:203.0.113.9" when not signed in
    request: Mapped[str] = mapped_column(String(220))  # "GET /admin/users"
    minute: Mapped[datetime] = mapped_column(DateTime, index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    audit_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"), nullable=True)
