"""E-mail that reaches people: a transactional outbox, sent after commit by a background job, with retries.

A notification that its person wants by e-mail adds an `OutgoingMessage` in the notification's own
transaction (`queue`), so a rolled-back change sends nothing and a committed one is never lost. Once that
transaction has committed, `jobs.enqueue("app.services.mail.send_pending")` sends what is due, outside any
request's transaction: each message is claimed, sent through Flask-Mailman, then marked sent or given a later
try (`RETRY_DELAYS`); after `MAIL_MAX_ATTEMPTS` tries it is "failed", listed for the administrator with a
"Try again" (`retry`). One message failing never stops the others. `flask mail send` (cron) sends the retries
that have come due.

Without `MAIL_SERVER` (`make run`) messages are written to `MAIL_OUTBOX_DIR` (instance/outbox/) as .eml files
by `FolderEmailBackend`. Messages carry the notification's words (titles and references, never evidence or
anything that could identify a child) and a link, `BASE_URL` + the page's path; plain text and HTML, the HTML
from a Jinja template that escapes what it is given.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_mailman import EmailMessage, EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend
from sqlalchemy import and_, func, or_, select, update

from app.clock import utcnow
from app.extensions import db, mailman
from app.models import MailPreference, Notification, OutgoingMessage, User
from app.policy import Actor, Permission, require_as, roles_with
from app.services import audit, jobs
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.tx import after_commit, write_transaction

IMMEDIATELY, DAILY, NEVER = "immediately", "daily", "never"
CHOICES: dict[str, str] = {
    IMMEDIATELY: "E-mail me straight away",
    DAILY: "Put it in a daily e-mail",
    NEVER: "Do not e-mail me",
}
DEFAULT_CHOICE = IMMEDIATELY

# Kinds of message this module sends itself (the other modules list theirs beside their rules; see
# app/services/mail_kinds.py). A digest is one e-mail, so its choices are "send it" or "do not".
DAILY_DIGEST = "daily_digest"
WEEKLY_DIGEST = "weekly_digest"
KINDS: dict[str, str] = {
    WEEKLY_DIGEST: "A weekly summary of what changed (proposals, challenges, risks)",
    "general": "Other messages from the tracker",
}
ONE_EMAIL_KINDS = frozenset({WEEKLY_DIGEST})

PENDING, SENDING, SENT, FAILED, DIGEST, DIGESTED, CANCELLED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "digest",
    "digested",
    "cancelled",
)
STATUS_WORDS = {
    PENDING: "Waiting to be sent",
    SENDING: "Being sent",
    SENT: "Sent",
    FAILED: "Could not be sent",
    DIGEST: "Waiting for the daily e-mail",
    DIGESTED: "Sent in a daily e-mail",
    CANCELLED: "Not sent",
}
# After the n-th failed try, wait this long before the next; a claim older than STALE_CLAIM was abandoned
# (a worker that died mid-send) and is taken again.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
STALE_CLAIM = timedelta(minutes=15)
BATCH = 100
SEND_JOB = "app.services.mail.send_pending"

log = logging.getLogger(__name__)

_quiet = False
_held = False


@contextmanager
def quiet() -> Iterator[None]:
    """Notifications made in the block are in-app only: the demo's history is not news to e-mail anyone."""
    global _quiet
    saved, _quiet = _quiet, True
    try:
        yield
    finally:
        _quiet = saved


@contextmanager
def held() -> Iterator[None]:
    """Messages added in the block wait in the outbox rather than being queued one commit at a time: for a
    command that makes many (`flask reminders send`) and then sends them all with `send_pending`."""
    global _held
    saved, _held = _held, True
    try:
        yield
    finally:
        _held = saved


# --- preferences ----------------------------------------------------------------------------------------


def choices_for(user_id: int) -> dict[str, str]:
    """The person's stored choices by kind (kinds they never chose for are absent: `DEFAULT_CHOICE`)."""
    rows = db.session.execute(
        select(MailPreference.kind, MailPreference.choice).where(MailPreference.user_id == user_id)
    ).all()
    return {kind: choice for kind, choice in rows}  # noqa: C416 - rows are Row objects, not pairs to mypy


def choice_for(user_id: int, kind: str) -> str:
    choice = db.session.scalar(
        select(MailPreference.choice).where(MailPreference.user_id == user_id, MailPreference.kind == kind)
    )
    return choice or DEFAULT_CHOICE


def choices_offered(kind: str) -> dict[str, str]:
    if kind in ONE_EMAIL_KINDS:
        return {IMMEDIATELY: "E-mail it to me", NEVER: "Do not e-mail it to me"}
    return CHOICES


def save_choices(actor: Actor, user_id: int, wanted: Mapping[str, str], kinds: Sequence[str]) -> dict[str, str]:
    """Keep someone's choice for each kind offered to them (`kinds`); their own only. Returns what changed."""
    if actor.id != user_id:
        raise NotFound("No such account")
    errors = {
        kind: "Choose how you want to hear about this"
        for kind in kinds
        if wanted.get(kind) not in choices_offered(kind)
    }
    unknown = set(wanted) - set(kinds)
    if unknown:
        raise ValidationFailed({"": "Choose only from the kinds of message on this page"})
    if errors:
        raise ValidationFailed(errors)
    with write_transaction():
        mine = select(MailPreference).where(MailPreference.user_id == user_id)
        stored = {p.kind: p for p in db.session.scalars(mine)}
        before: dict[str, str] = {}
        after: dict[str, str] = {}
        for kind in kinds:
            now = stored[kind].choice if kind in stored else DEFAULT_CHOICE
            if wanted[kind] == now:
                continue
            before[kind], after[kind] = now, wanted[kind]
            if kind in stored:
                stored[kind].choice = wanted[kind]
                stored[kind].updated_at = utcnow()
            else:
                db.session.add(MailPreference(user_id=user_id, kind=kind, choice=wanted[kind]))
        if after:
            audit.record(
                actor,
                "account.mail_preferences",
                f"{actor.name} changed which messages they get by e-mail",
                object_type="user",
                object_id=user_id,
                before=before,
                after=after,
            )
    return after


# --- the outbox -----------------------------------------------------------------------------------------


def base_url() -> str:
    return str(current_app.config.get("BASE_URL") or "").rstrip("/")


def absolute(link: str) -> str:
    """The page's address for an e-mail: BASE_URL and the path (an address already absolute is left alone)."""
    if re.match(r"^https?://", link):
        return link
    return base_url() + "/" + link.lstrip("/")


def one_line(text: str, limit: int = 200) -> str:
    """A header-safe subject: no line breaks (they would be refused as header injection), not too long."""
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def render(template: str, **context: Any) -> str:
    """A mail template, without the web pages' context processors (there may be no request, nor anyone signed in)."""
    return current_app.jinja_env.get_template(template).render(**context)


def render_message(user: User, subject: str, text: str, link: str) -> tuple[str, str]:
    """The plain-text and HTML parts of one message (the HTML escaped by Jinja's autoescape)."""
    context = {
        "name": user.name,
        "subject": subject,
        "text": text,
        "link": absolute(link) if link else "",
        "preferences_link": absolute("/account/email"),
    }
    return render("email/message.txt", **context), render("email/message.html", **context)


def queue(note: Notification, *, subject: str | None = None, text: str | None = None) -> OutgoingMessage | None:
    """In the caller's transaction: the e-mail this notification becomes, by its person's choice for its kind.

    Nothing for "never", a row waiting for the daily digest for "daily", or a message to send at once (after
    the transaction commits) for "immediately". Never sent to a deactivated account.
    """
    if _quiet:
        return None
    user = db.session.get(User, note.user_id)
    if user is None or not user.active:
        return None
    choice = choice_for(user.id, note.kind)
    if choice == NEVER:
        return None
    message = outgoing(
        user,
        kind=note.kind,
        subject=subject or note.message,
        text=text or note.message,
        link=note.link,
        status=PENDING if choice == IMMEDIATELY else DIGEST,
    )
    message.notification = note
    return message


def outgoing(
    user: User,
    *,
    kind: str,
    subject: str,
    text: str,
    link: str,
    status: str = PENDING,
    bodies: tuple[str, str] | None = None,
) -> OutgoingMessage:
    """Add a message to the outbox in the caller's transaction; one to send now is queued once it commits.

    Its parts are `bodies` (plain text, HTML) when given (the digests), else the one-message templates'.
    """
    subject = one_line(subject)
    if bodies is not None:
        text_body, html_body = bodies
    elif status == PENDING:
        text_body, html_body = render_message(user, subject, text, link)
    else:
        text_body, html_body = "", ""
    message = OutgoingMessage(
        user_id=user.id,
        kind=kind[:60],
        subject=subject,
        text_body=text if status == DIGEST else text_body,
        html_body=html_body,
        link=link[:500],
        status=status,
        attempts=0,
        last_error="",
        to_address="",
        created_at=utcnow(),
    )
    db.session.add(message)
    if status == PENDING:
        after_commit(SEND_JOB, send_soon)
    return message


def send_soon() -> None:
    """Queue the sender (after a commit): RQ in production, a thread in `make run`, at once in tests.

    The change it follows has committed whatever happens here: a sender that cannot start is logged, and what
    it would have sent waits in the outbox for the next sender (`flask mail send`).
    """
    if _held:
        return
    try:
        jobs.enqueue(SEND_JOB)
    except Exception:
        log.exception("The e-mail sender could not be started; the outbox keeps what it would have sent")


# --- sending --------------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


def send_pending(*, runner: str = "in-process") -> SendResult:
    """Send every message that is due, one at a time, each claimed first so two senders never send one twice.

    A job (jobs.enqueue): safe to run twice or at once, and it records each failure on its message.
    """
    del runner
    result = SendResult()
    while True:
        claimed = _claim(BATCH)
        for message_id in claimed:
            _deliver(message_id, result)
        if len(claimed) < BATCH:
            return result


def _due(now: datetime) -> Any:
    return or_(
        and_(
            OutgoingMessage.status == PENDING,
            or_(OutgoingMessage.next_attempt_at.is_(None), OutgoingMessage.next_attempt_at <= now),
        ),
        and_(OutgoingMessage.status == SENDING, OutgoingMessage.claimed_at < now - STALE_CLAIM),
    )


def _claim(limit: int) -> list[int]:
    now = utcnow()
    claimed: list[int] = []
    with write_transaction():
        candidates = db.session.scalars(
            select(OutgoingMessage.id).where(_due(now)).order_by(OutgoingMessage.id).limit(limit)
        ).all()
        for message_id in candidates:
            taken = db.session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.id == message_id, _due(now))
                .values(status=SENDING, claimed_at=now, attempts=OutgoingMessage.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(message_id)
    return claimed


def max_attempts() -> int:
    return int(current_app.config.get("MAIL_MAX_ATTEMPTS") or 5)


def _deliver(message_id: int, result: SendResult) -> None:
    message = db.session.get(OutgoingMessage, message_id)
    if message is None:
        return
    user = message.user
    address = user.email
    error = ""
    if not user.active:
        outcome = CANCELLED
        error = "The account was deactivated before the message was sent"
    else:
        email = _email(message, address)
        db.session.rollback()  # ends the read: no transaction is held open while the mail server is talked to
        try:
            delivered = _send(email)
            outcome = SENT if delivered else PENDING
            if not delivered:
                error = "The mail server accepted nothing for this address"
        except Exception as problem:  # any refusal or network error: tried again later, then shown
            outcome = PENDING
            error = f"{type(problem).__name__}: {problem}"[:2000]
    with write_transaction():
        message = db.session.get(OutgoingMessage, message_id)
        if message is None or message.status != SENDING:
            return
        now = utcnow()
        message.last_error = error
        if outcome == SENT:
            message.status, message.sent_at, message.to_address = SENT, now, address
            result.sent += 1
        elif outcome == CANCELLED:
            message.status = CANCELLED
        elif message.attempts >= max_attempts():
            message.status, message.to_address = FAILED, address
            result.failed += 1
            result.problems.append(f"message {message.id} to {address}: {error}")
            _tell_administrators(message)
        else:
            delay = RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
            message.status, message.next_attempt_at = PENDING, now + delay
            result.retrying += 1
        message.claimed_at = None


def _tell_administrators(message: OutgoingMessage) -> None:
    """In-app only (an e-mail about e-mail that cannot be sent could fail the same way, for ever)."""
    admins = db.session.scalars(
        select(User.id).where(User.role.in_(roles_with(Permission.MANAGE_MAIL)), User.active.is_(True))
    ).all()
    for admin_id in admins:
        db.session.add(
            Notification(
                user_id=admin_id,
                kind="mail_failed",
                message=one_line(f"An e-mail to {message.user.name} could not be sent: {message.subject}", 500),
                link="/admin/mail",
            )
        )


def _email(message: OutgoingMessage, address: str) -> EmailMessage:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER") or None,
        to=[address],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def _send(email: EmailMessage) -> bool:
    with mailman.get_connection() as connection:
        return bool(connection.send_messages([email]))


class FolderEmailBackend(BaseEmailBackend):  # type: ignore[misc]
    """Writes each message to MAIL_OUTBOX_DIR as an .eml file: `make run` and the demo need no mail server."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for email in email_messages:
            name = f"{utcnow():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
            (folder / name).write_bytes(email.message().as_bytes())
        return len(email_messages)


# --- for the administrator ------------------------------------------------------------------------------


def failed_messages(actor: Actor) -> list[OutgoingMessage]:
    require_as(actor, Permission.MANAGE_MAIL)
    return list(
        db.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.status == FAILED).order_by(OutgoingMessage.id.desc())
        )
    )


def waiting_count(actor: Actor) -> int:
    """Messages still to be sent, or waiting for another try."""
    require_as(actor, Permission.MANAGE_MAIL)
    return db.session.scalar(select(func.count(OutgoingMessage.id)).where(OutgoingMessage.status == PENDING)) or 0


def recent_messages(actor: Actor, limit: int = 50) -> list[OutgoingMessage]:
    """The outbox, newest first: what the demo would have e-mailed, and to whom."""
    require_as(actor, Permission.MANAGE_MAIL)
    return list(
        db.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.status.in_((PENDING, SENDING, SENT, FAILED)))
            .order_by(OutgoingMessage.id.desc())
            .limit(limit)
        )
    )


def retry(actor: Actor, message_id: int) -> OutgoingMessage:
    """Give a failed message a fresh set of tries (to the account's address as it is now), after commit."""
    require_as(actor, Permission.MANAGE_MAIL)
    with write_transaction():
        message = db.session.get(OutgoingMessage, message_id)
        if message is None:
            raise NotFound("No such message")
        changed = db.session.execute(
            update(OutgoingMessage)
            .where(OutgoingMessage.id == message_id, OutgoingMessage.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("This message is no longer waiting to be tried again: someone may have done it already.")
        audit.record(
            actor,
            "mail.retried",
            f"{actor.name} asked for the e-mail “{message.subject}” to {message.user.name} to be tried again",
            object_type="outgoing_message",
            object_id=message_id,
            before={"status": FAILED, "last_error": message.last_error},
            after={"status": PENDING},
        )
        after_commit(SEND_JOB, send_soon)
    db.session.expire_all()
    return message
