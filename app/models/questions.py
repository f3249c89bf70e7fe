from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.domain.questions import QuestionState
from app.extensions import Model
from app.models.plan import Action, WorkStream
from app.models.risks import RiskEntry
from app.models.users import User


class MemberQuestion(Model):
    """A committee member's question on an action or a risk register entry, its answer and where it stands.

    The officer's answer is kept as they wrote it; `published_answer` is the wording the project manager
    published (the same, or edited, with the reason in the audit trail).
    """

    __tablename__ = "member_questions"
    __table_args__ = (
        CheckConstraint("state IN ('asked', 'routed', 'answered', 'published')", name="state_valid"),
        CheckConstraint("target_type IN ('action', 'risk')", name="target_valid"),
        CheckConstraint("(target_type = 'risk') = (risk_entry_id IS NOT NULL)", name="risk_target_has_entry"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    work_stream_id: Mapped[int] = mapped_column(ForeignKey("work_streams.id"), index=True)
    target_type: Mapped[str] = mapped_column(String(10))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)  # a risk entry's action too
    risk_entry_id: Mapped[int | None] = mapped_column(ForeignKey("risk_entries.id"), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(12), default=QuestionState.ASKED.value, index=True)
    text: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    routed_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    routed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    routed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    routing_note: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    published_answer: Mapped[str] = mapped_column(Text, default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    work_stream: Mapped[WorkStream] = relationship()
    action: Mapped[Action] = relationship()
    risk_entry: Mapped[RiskEntry | None] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    routed_to: Mapped[User | None] = relationship(foreign_keys=[routed_to_id])
    routed_by: Mapped[User | None] = relationship(foreign_keys=[routed_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> QuestionState:
        return QuestionState(self.state)

    @property
    def target_label(self) -> str:
        if self.target_type == "risk":
            return f"the risk register entry for action {self.action.reference}"
        return f"action {self.action.reference}"
