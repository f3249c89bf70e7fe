from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.domain.proposals import State
from app.extensions import Model
from app.models.plan import Action, PerformanceMeasure, WorkStream
from app.models.users import User

OPEN = "state IN ('draft', 'submitted', 'challenged')"


class Proposal(Model):
    """A proposed change to one action or performance measure, with its evidence and conversation."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(
            "state IN ('draft', 'submitted', 'challenged', 'approved', 'rejected', 'withdrawn')", name="state_valid"
        ),
        CheckConstraint("(action_id IS NULL) <> (measure_id IS NULL)", name="one_target"),
        # One open proposal per action or measure, enforced by the database even under races.
        Index(
            "uq_proposals_open_action", "action_id", unique=True, sqlite_where=text(OPEN), postgresql_where=text(OPEN)
        ),
        Index(
            "uq_proposals_open_measure", "measure_id", unique=True, sqlite_where=text(OPEN), postgresql_where=text(OPEN)
        ),
        # Every proposal on an action or measure, whatever its state (an action's page, its changes' evidence).
        Index("ix_proposals_action_id", "action_id"),
        Index("ix_proposals_measure_id", "measure_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_type: Mapped[str] = mapped_column(String(10))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), nullable=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("performance_measures.id"), nullable=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=State.DRAFT.value, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    base: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    base_version: Mapped[int] = mapped_column(Integer)
    evidence_required: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    action: Mapped[Action | None] = relationship()
    measure: Mapped[PerformanceMeasure | None] = relationship()
    work_stream: Mapped[WorkStream] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[list[Evidence]] = relationship(back_populates="proposal", order_by="Evidence.id")
    messages: Mapped[list[ProposalMessage]] = relationship(back_populates="proposal", order_by="ProposalMessage.id")

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def target(self) -> Action | PerformanceMeasure:
        target = self.action if self.target_type == "action" else self.measure
        assert target is not None
        return target

    @property
    def target_label(self) -> str:
        measure = self.measure
        return target_label(
            self.target_type,
            self.action.reference if self.action else None,
            measure.reference if measure else None,
            measure.checkpoint if measure else None,
        )


def target_label(target_type: str, action_ref: str | None, measure_ref: str | None, checkpoint: int | None) -> str:
    """What a proposal is about, in words: "action 3.3", "performance measure 2.1 (6 months)"."""
    if target_type == "action":
        return f"action {action_ref}" if action_ref else "action"
    return f"performance measure {measure_ref} ({checkpoint} months)" if measure_ref else "measure"


class ProposalMessage(Model):
    """The conversation: challenges, responses, rejections, approvals."""

    __tablename__ = "proposal_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class Evidence(Model):
    """A file or a link, with a note saying what it shows. Never deleted or replaced once submitted."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))  # "file" or "link"
    title: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    storage_key: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    content_type: Mapped[str | None] = mapped_column(String(120), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    proposal: Mapped[Proposal] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()


class EvidenceBlob(Model):
    """Evidence bytes, when EVIDENCE_STORAGE=database: every app server sees the same files."""

    __tablename__ = "evidence_blobs"

    storage_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Notification(Model):
    __tablename__ = "notifications"
    # The unread badge on every page: a person's unread notifications, however many they have read.
    __table_args__ = (
        Index(
            "ix_notifications_unread",
            "user_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        # A page of someone's notifications, newest first, and their count, from the index alone.
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500), default="")
    # the sort of message ("proposal_submitted", "risk_review_due"...): people choose per kind how to be e-mailed
    kind: Mapped[str] = mapped_column(String(60), default="general", server_default="general")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
