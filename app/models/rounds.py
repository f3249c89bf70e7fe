"""The monthly update round: a month, a due date, and one checklist item per unfinished action or measure."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.models.plan import Action, PerformanceMeasure, Plan, WorkStream
from app.models.users import User


class UpdateRound(Model):
    """One month's round for a plan: opened by the project manager with a due date, closed once."""

    __tablename__ = "update_rounds"
    __table_args__ = (UniqueConstraint("plan_id", "month", name="uq_update_rounds_plan_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month the round is for
    due_date: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[Plan] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    items: Mapped[list[RoundItem]] = relationship(back_populates="round", order_by="RoundItem.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundItem(Model):
    """An action or measure on a service manager's checklist for a round.

    Done when a proposal for it is submitted during the round (read from the proposals), or when the manager
    records "no change this month" with a note (kept here). Closing the round fixes each item's outcome.
    """

    __tablename__ = "round_items"
    __table_args__ = (
        CheckConstraint("target_type IN ('action', 'measure')", name="target_type_valid"),
        CheckConstraint("(action_id IS NULL) <> (measure_id IS NULL)", name="one_target"),
        CheckConstraint("outcome IS NULL OR outcome IN ('on_time', 'late', 'not_updated')", name="outcome_valid"),
        UniqueConstraint("round_id", "action_id", name="uq_round_items_action"),
        UniqueConstraint("round_id", "measure_id", name="uq_round_items_measure"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("update_rounds.id"), index=True)
    target_type: Mapped[str] = mapped_column(String(10))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), nullable=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("performance_measures.id"), nullable=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    no_change_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    no_change_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    no_change_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # when it was done, fixed at close

    round: Mapped[UpdateRound] = relationship(back_populates="items")
    action: Mapped[Action | None] = relationship()
    measure: Mapped[PerformanceMeasure | None] = relationship()
    work_stream: Mapped[WorkStream] = relationship()
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    no_change_by: Mapped[User | None] = relationship(foreign_keys=[no_change_by_id])

    @property
    def reference(self) -> str:
        if self.action is not None:
            return self.action.reference
        assert self.measure is not None
        return self.measure.reference

    @property
    def label(self) -> str:
        if self.action is not None:
            return f"action {self.action.reference}"
        assert self.measure is not None
        return f"performance measure {self.measure.reference} ({self.measure.checkpoint} months)"

    @property
    def title(self) -> str:
        if self.action is not None:
            return self.action.title
        assert self.measure is not None
        return self.measure.description
