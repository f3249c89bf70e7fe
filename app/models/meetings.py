from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

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
    contact_telephone: Mapped[str] = mapped_column(String(60), default="", server_default="")
    report_author: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # the reporting checkpoint (6 or 12 months) this meeting's report follows; None: the plan's own
    checkpoint: Mapped[int | None] = mapped_column(Integer, nullable=True)
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
    # Megabytes at a council's scale: loaded only where it is shown (the meeting page, compare, the report),
    # not by every page that wants a baseline's audit mark or date.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    # The snapshot's action counts by status (its summary.actions), kept beside it for the dashboard's trend;
    # set whenever the snapshot is, and backfilled by migration 0010.
    action_counts: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)

    @validates("snapshot")
    def _keep_action_counts(self, _key: str, value: dict[str, Any]) -> dict[str, Any]:
        self.action_counts = dict(((value or {}).get("summary") or {}).get("actions") or {}) or None
        return value

    meeting: Mapped[CommitteeMeeting] = relationship(back_populates="baseline")
    presented_by: Mapped[User | None] = relationship()
    documents: Mapped[list[ReportDocument]] = relationship(back_populates="baseline", order_by="ReportDocument.kind")
    job: Mapped[ReportJob | None] = relationship(back_populates="baseline", uselist=False)


class ReportJob(Model):
    """Rendering a presented baseline's pack, once: its state, so the meeting page can show progress."""

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    baseline_id: Mapped[int] = mapped_column(ForeignKey("baselines.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    current: Mapped[str] = mapped_column(String(120), default="", server_default="")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    runner: Mapped[str] = mapped_column(String(20), default="", server_default="")  # "worker" or "in-process"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    baseline: Mapped[Baseline] = relationship(back_populates="job")

    __mapper_args__ = {"version_id_col": version}


class ReportDocument(Model):
    """One stored document of a presented baseline's pack (HTML, PDF, Word, a chart): written once."""

    __tablename__ = "report_documents"
    __table_args__ = (UniqueConstraint("baseline_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    baseline_id: Mapped[int] = mapped_column(ForeignKey("baselines.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    baseline: Mapped[Baseline] = relationship(back_populates="documents")
