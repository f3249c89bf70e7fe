from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.domain.risk import band, ordered, score
from app.extensions import db
from app.models.plan import Action, WorkStream
from app.models.users import User


class RiskEntry(db.Model):
    """An action in the risk register. One open entry per action; closed entries stay as history."""

    __tablename__ = "risk_entries"
    __table_args__ = (
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        Index(
            "uq_risk_entries_open_action",
            "action_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    likelihood: Mapped[int] = mapped_column(Integer, default=3)
    impact: Mapped[int] = mapped_column(Integer, default=3)
    mitigations: Mapped[str] = mapped_column(Text, default="")
    remedial_actions: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    action: Mapped[Action] = relationship()
    work_stream: Mapped[WorkStream] = relationship()
    owner: Mapped[User | None] = relationship()
    comments: Mapped[list[RiskComment]] = relationship(back_populates="entry", order_by="RiskComment.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def score(self) -> int:
        return score(self.likelihood, self.impact)

    @property
    def band(self) -> Any:
        return band(self.score)

    @property
    def reason_list(self) -> list[Any]:
        return ordered(self.reasons)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class RiskComment(db.Model):
    __tablename__ = "risk_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("risk_entries.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entry: Mapped[RiskEntry] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
