from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.models.users import User


class CommitteeMeeting(Model):
    __tablename__ = "committee_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    committee_name: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date] = mapped_column(Date)
    contact_officer: Mapped[str] = mapped_column(String(120), default="")
    narrative: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    baseline: Mapped[Baseline | None] = relationship(back_populates="meeting", uselist=False)
    created_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Baseline(Model):
    """The approved plan, its measures and its risk register as presented: kept for good, never changed."""

    __tablename__ = "baselines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("committee_meetings.id"), unique=True)
    presented_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    presented_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    audit_mark: Mapped[int] = mapped_column(Integer, default=0)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="baseline")
    presented_by: Mapped[User | None] = relationship()
