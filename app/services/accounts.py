"""Accounts, passwords and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import Select, bindparam, func, select, update

from app.clock import utcnow
from app.domain.passwords import password_problem
from app.extensions import db
from app.models import User, UserSession, WorkStream
from app.policy import Actor, Permission, Role, may_run_work_streams, require_as, role_has, roles_with
from app.services import audit, badges, memo
from app.services.errors import NotFound, ValidationFailed
from app.services.tx import write_transaction

DEMO_PASSWORD = "demo-password-2015"  # noqa: S105 - published in the README, accepted only in demo mode
SESSION_TOUCH_INTERVAL = timedelta(seconds=60)


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile == "fast":  # tests only: the same argon2id algorithm, cheaper parameters
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def hasher() -> PasswordHasher:
    return _hasher(current_app.config.get("ARGON2_PROFILE", "default"))


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("timing-equaliser-not-a-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, *, email: str = "", name: str = "") -> str | None:
    if password == DEMO_PASSWORD and not current_app.config.get("DEMO_MODE"):
        return "That password is published in the README. Choose another"
    forbidden = tuple(p for p in [email.split("@")[0] if email else "", *name.split()] if len(p) >= 4)
    return password_problem(password, forbidden=forbidden, context=(name, email, *email.replace("@", ".").split(".")))


# --- signing in -----------------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Every failure looks the same to the person signing in."""
    normalised = normalise_email(email)
    user = db.session.scalars(select(User).where(User.email == normalised)).first()
    profile = current_app.config.get("ARGON2_PROFILE", "default")
    if user is None:
        verify_password(_dummy_hash(profile), password)
        audit.record_and_commit(None, "auth.login_failed", f"Failed sign-in for unknown e-mail {normalised[:80]}")
        return None
    ok = verify_password(user.password_hash, password)
    if ok and password == DEMO_PASSWORD and not current_app.config.get("DEMO_MODE"):
        ok = False
    if not ok or not user.active:
        why = "wrong password" if not ok else "account deactivated"
        audit.record_and_commit(
            user, "auth.login_failed", f"Failed sign-in for {user.name} ({why})", object_type="user", object_id=user.id
        )
        return None
    if hasher().check_needs_rehash(user.password_hash):  # stronger parameters since it was set
        new_hash = hash_password(password)
        with write_transaction():
            user.password_hash = new_hash
    return user


def start_session(user: User) -> str:
    """Create the server-side session and return the token that goes into the signed cookie."""
    token = secrets.token_urlsafe(32)
    with write_transaction():
        db.session.add(UserSession(token_hash=_token_hash(token), user_id=user.id))
        audit.record(user, "auth.login", f"{user.name} signed in", object_type="user", object_id=user.id)
    user.session_token = token
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_session(token: str, *, touch: bool = True) -> User | None:
    """The user of a live session, or None if it was revoked, has been idle too long, or the account is off.

    touch=False for requests the browser makes by itself (badge polling), which must not keep an idle
    session alive.
    """
    found = _load_session(token, touch=touch, with_badges=False)
    return None if found is None else found[0]


def load_session_with_badges(token: str, *, touch: bool = True) -> tuple[User, badges.Badges] | None:
    """`load_session`, and the navigation's badges read in the same query (for a request that shows a page)."""
    found = _load_session(token, touch=touch, with_badges=True)
    if found is None:
        return None
    user, row = found
    return user, badges.from_row(*row[5:8])


@cache
def _session_query(with_badges: bool) -> Select[Any]:
    """Built once, not on every request: the statement is always the same, only the token's hash differs. The
    trail's newest records come with it, for the pages kept per version of the trail (`memo.trail_head`)."""
    return (
        select(UserSession, User, *memo.trail_head_columns())
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
        .add_columns(*(badges.columns() if with_badges else ()))
    )


def _load_session(token: str, *, touch: bool, with_badges: bool) -> tuple[User, tuple[Any, ...]] | None:
    found = db.session.execute(_session_query(with_badges), {"token_hash": _token_hash(token)}).first()
    if found is None:
        return None
    row: tuple[Any, ...] = tuple(found)
    user_session, user = row[0], row[1]
    memo.read_trail_head(*row[2:5])
    now = utcnow()
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if user_session.revoked_at is not None or not user.active:
        return None
    if now - user_session.last_seen_at > idle_limit:
        _update_session(user_session.id, revoked_at=now, revoked_reason="idle")
        return None
    if touch and now - user_session.last_seen_at > SESSION_TOUCH_INTERVAL:
        _update_session(user_session.id, last_seen_at=now)
    user.session_token = token
    return user, row


def _update_session(session_id: int, **values: Any) -> None:
    """A write of its own (BEGIN IMMEDIATE on SQLite): a page's parallel requests touch the same session."""
    with write_transaction():
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(**values))


def end_session(user: User) -> None:
    token = user.session_token
    with write_transaction():
        if token:
            db.session.execute(
                update(UserSession)
                .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
                .values(revoked_at=utcnow(), revoked_reason="logout")
            )
        audit.record(user, "auth.logout", f"{user.name} signed out", object_type="user", object_id=user.id)


def _revoke_all(user: User, reason: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


# --- administration -------------------------------------------------------------------------------------


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "job_title": user.job_title,
        "role": user.role,
        "active": user.active,
        "work_streams": [ws.id for ws in user.work_streams],
        "must_change_password": user.must_change_password,
    }


def email_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "Enter an e-mail address in the correct format, like name@example.org"
    return None


def _validate_identity(email: str, name: str, role: str, exclude_user_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
    else:
        clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
        if clash is not None and clash != exclude_user_id:
            errors["email"] = "An account with this e-mail address already exists"
    if not name.strip():
        errors["name"] = "Enter the person's full name"
    elif len(name) > 120:
        errors["name"] = "Name must be 120 characters or fewer"
    if role not in {r.value for r in Role}:
        errors["role"] = "Select a role"
    return errors


def create_user(
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    job_title: str = "",
    work_stream_ids: Iterable[int] = (),
    must_change_password: bool = True,
) -> User:
    """A new account. The person must replace the first password when they first sign in, unless the
    caller chose it for themselves (`flask users create`, bootstrapping the first administrator)."""
    require_as(actor, Permission.MANAGE_USERS)
    email = normalise_email(email)
    errors = _validate_identity(email, name, role)
    problem = check_new_password(password, email=email, name=name)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    with write_transaction():
        user = User(
            email=email,
            name=name.strip(),
            job_title=job_title.strip(),
            role=role,
            password_hash=hash_password(password),
            active=True,
            must_change_password=must_change_password,
        )
        db.session.add(user)
        if may_run_work_streams(role):
            user.work_streams = _work_streams(work_stream_ids)
        db.session.flush()
        audit.record(
            actor,
            "user.created",
            f"Account created for {user.name} as {Role(role).label}"
            + ("; they must choose their own password when they first sign in" if must_change_password else ""),
            object_type="user",
            object_id=user.id,
            after=_user_snapshot(user),
        )
    return user


def _work_streams(ids: Iterable[int]) -> list[WorkStream]:
    wanted = set(ids)
    if not wanted:
        return []
    found = list(db.session.scalars(select(WorkStream).where(WorkStream.id.in_(wanted))))
    if len(found) != len(wanted):
        raise ValidationFailed({"work_streams": "Select work streams from the list"})
    return found


def _is_last_user_manager(user: User) -> bool:
    """Whether this active account is the only one left that can manage accounts (so nobody could fix them)."""
    if not (user.active and role_has(user.role, Permission.MANAGE_USERS)):
        return False
    managers = db.session.scalar(
        select(func.count(User.id)).where(User.role.in_(roles_with(Permission.MANAGE_USERS)), User.active.is_(True))
    )
    return (managers or 0) <= 1


def update_user(
    actor: Actor,
    user_id: int,
    *,
    name: str,
    job_title: str,
    role: str,
    work_stream_ids: Iterable[int],
    reason: str = "",
) -> User:
    with write_transaction():
        require_as(actor, Permission.MANAGE_USERS)
        user = get_user(user_id)
        before = _user_snapshot(user)
        errors = _validate_identity(user.email, name, role, exclude_user_id=user.id)
        if not role_has(role, Permission.MANAGE_USERS) and _is_last_user_manager(user):
            errors["role"] = "This is the only active administrator. Make someone else an administrator first"
        if errors:
            raise ValidationFailed(errors)
        user.name = name.strip()
        user.job_title = job_title.strip()
        user.role = role
        user.work_streams = _work_streams(work_stream_ids) if may_run_work_streams(role) else []
        after = _user_snapshot(user)
        if after == before:
            return user
        audit.record(
            actor,
            "user.updated",
            f"Account of {user.name} changed",
            object_type="user",
            object_id=user.id,
            before=before,
            after=after,
            reason=reason,
        )
    return user


def set_active(actor: Actor, user_id: int, active: bool, reason: str = "") -> User:
    with write_transaction():
        require_as(actor, Permission.MANAGE_USERS)
        user = get_user(user_id)
        if user.active == active:
            return user
        if not active:
            if getattr(actor, "id", None) == user.id:
                raise ValidationFailed({"active": "You cannot deactivate your own account"})
            if _is_last_user_manager(user):
                raise ValidationFailed({"active": "This is the only active administrator and cannot be deactivated"})
            _revoke_all(user, "deactivated")
        user.active = active
        audit.record(
            actor,
            "user.deactivated" if not active else "user.reactivated",
            f"Account of {user.name} {'deactivated' if not active else 'reactivated'}",
            object_type="user",
            object_id=user.id,
            before={"active": not active},
            after={"active": active},
            reason=reason,
        )
    return user


def set_password(actor: Actor, user_id: int, password: str) -> User:
    """An administrator (or the command line) sets a new password; every session of that person ends.

    Someone else now knows it, so its owner must choose their own when they next sign in; an
    administrator setting their own password is not asked again.
    """
    require_as(actor, Permission.MANAGE_USERS)
    user = get_user(user_id)
    return _apply_password(actor, user, password, must_change=getattr(actor, "id", None) != user.id)


def change_own_password(user: User, current_password: str, new_password: str) -> User:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": "Your current password is not right"})
    if current_password == new_password:
        raise ValidationFailed({"new_password": "Your new password must be different from your current one"})
    return _apply_password(user, user, new_password, must_change=False, field="new_password")


def _apply_password(actor: Actor, user: User, password: str, *, must_change: bool, field: str = "password") -> User:
    """Every session of the person ends, this one too: the caller signs the browser in again afresh."""
    problem = check_new_password(password, email=user.email, name=user.name)
    if problem:
        raise ValidationFailed({field: problem})
    password_hash = hash_password(password)  # slow by design: before the write lock is taken
    with write_transaction():
        before = {"must_change_password": user.must_change_password}
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
        user.must_change_password = must_change
        _revoke_all(user, "password changed")
        if getattr(actor, "id", None) == user.id:
            summary = f"{user.name} changed their password; their other sessions signed out"
        elif must_change:
            summary = (
                f"New password set for {user.name}, who must choose their own when they next sign in; "
                "their sessions signed out"
            )
        else:
            summary = f"New password set for {user.name}; their sessions signed out"
        audit.record(
            actor,
            "user.password_changed",
            summary,
            object_type="user",
            object_id=user.id,
            before=before,
            after={"must_change_password": must_change},
        )
    return user


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))
