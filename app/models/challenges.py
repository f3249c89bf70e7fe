from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.models.proposals import Proposal, ProposalMessage
from app.models.users import User


class Challenge(Model):
    """The project manager's challenge on a proposal, as a log: its question, when the answer is due, when it came,
    and what became of the proposal. The question and the answer are the proposal's messages."""

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR outcome IN ('approved', 'rejected', 'withdrawn')", name="outcome_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("proposal_messages.id"), unique=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_messages.id"), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    proposal: Mapped[Proposal] = relationship()
    question: Mapped[ProposalMessage] = relationship(foreign_keys=[question_id])
    answer: Mapped[ProposalMessage | None] = relationship(foreign_keys=[answer_id])
    raised_by: Mapped[User] = relationship()
