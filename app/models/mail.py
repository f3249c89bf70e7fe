"""E-mail: each person's choices per kind of message, the outbox, and the reminders already sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.models.proposals import Notification
from app.models.users import User


class MailPreference(Model):
    """How someone wants one kind of message: "immediately", "daily" (in the daily digest) or "never".

    No row means the kind's default (`app.services.mail.DEFAULT_CHOICE`).
    """

    __tablename__ = "mail_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_mail_preferences_user_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    choice: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutgoingMessage(Model):
    """One e-mail in the transactional outbox, added in the same transaction as the notification it carries.

    status: "pending" (to send, at `next_attempt_at`), "sending" (claimed by a sender), "sent", "failed" (every
    try used up: the administrator sees it), "digest" (waiting for the person's daily digest) or "digested"
    (gone out inside the digest `digest_id`). The address is read from the account when it is sent, so a
    corrected address is used by the next try; `to_address` records where it went.
    """

    __tablename__ = "outgoing_messages"
    __table_args__ = (Index("ix_outgoing_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    to_address: Mapped[str] = mapped_column(String(254), default="")
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_messages.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    user: Mapped[User] = relationship()
    notification: Mapped[Notification | None] = relationship()


class SentReminder(Model):
    """A reminder (or digest) already sent: one per person, item and reason, whatever runs twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("user_id", "key", "reason", name="uq_sent_reminders_user_key_reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
