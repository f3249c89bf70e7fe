from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.domain.references import to_roman
from app.domain.status import Status
from app.extensions import Model, db
from app.models.users import User

STATUS_CHECK = "status IN ('COMPLETED', 'IN_PROGRESS', 'STATIC')"

work_stream_managers = Table(
    "work_stream_managers",
    db.metadata,
    Column("work_stream_id", ForeignKey("work_streams.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Plan(Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    reporting_checkpoint: Mapped[int] = mapped_column(Integer, default=6)
    risk_warning_days: Mapped[int] = mapped_column(Integer, default=30)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    work_streams: Mapped[list[WorkStream]] = relationship(
        back_populates="plan", order_by="WorkStream.number", cascade="all, delete-orphan"
    )


class WorkStream(Model):
    __tablename__ = "work_streams"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_work_streams_plan_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))

    plan: Mapped[Plan] = relationship(back_populates="work_streams")
    managers: Mapped[list[User]] = relationship(
        secondary=work_stream_managers, back_populates="work_streams", order_by="User.name"
    )
    actions: Mapped[list[Action]] = relationship(back_populates="work_stream", order_by="Action.position")
    measures: Mapped[list[PerformanceMeasure]] = relationship(
        back_populates="work_stream", order_by="PerformanceMeasure.position"
    )

    @property
    def roman(self) -> str:
        return to_roman(self.number)


class Action(Model):
    """A row of a work stream's action plan."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("work_stream_id", "reference", name="uq_actions_work_stream_reference"),
        CheckConstraint(STATUS_CHECK, name="status_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    measures_and_milestones: Mapped[str] = mapped_column(Text, default="")
    key_targets: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.IN_PROGRESS.value)
    retired_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    work_stream: Mapped[WorkStream] = relationship(back_populates="actions")
    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def is_overdue(self, on: date) -> bool:
        return self.status != Status.COMPLETED and self.deadline is not None and self.deadline < on


class PerformanceMeasure(Model):
    """A projected outcome, measured at 6 or at 12 months (Appendices 2 and 4 of the report)."""

    __tablename__ = "performance_measures"
    __table_args__ = (
        UniqueConstraint(
            "work_stream_id", "reference", "checkpoint", name="uq_performance_measures_ws_reference_checkpoint"
        ),
        CheckConstraint(STATUS_CHECK, name="status_valid"),
        CheckConstraint("checkpoint IN (6, 12)", name="checkpoint_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    checkpoint: Mapped[int] = mapped_column(Integer, default=6)
    target: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=Status.IN_PROGRESS.value)
    narrative: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    work_stream: Mapped[WorkStream] = relationship(back_populates="measures")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> Status:
        return Status(self.status)
