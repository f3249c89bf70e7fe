"""Two-step sign-in: a code from an authenticator app (TOTP) after the password, or a recovery code.

Required where `TWO_FACTOR_REQUIRED` is set (production) for the roles `policy.must_use_second_factor`
names, offered to everyone. The demo accounts are exempt in demo mode. Recovery codes are random
(about 49 bits each) and kept as SHA-256 hashes: a slow hash adds nothing to a secret that long, and one
indexed lookup checks a code. Nothing secret reaches the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from app.clock import utcnow
from app.domain import totp
from app.extensions import db
from app.models import RecoveryCode, User
from app.policy import Actor, Permission, must_use_second_factor, require_as
from app.services import audit
from app.services.accounts import get_user
from app.services.demo import is_demo_account
from app.services.errors import ValidationFailed
from app.services.tx import write_transaction

WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code"
WRONG_SETUP_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"


@dataclass(frozen=True)
class Enrolment:
    secret: str  # for typing in by hand
    uri: str  # otpauth://, drawn as the QR code


def demo_exempt(user: User) -> bool:
    return bool(current_app.config.get("DEMO_MODE")) and is_demo_account(user.email)


def required_for(user: User) -> bool:
    """Whether this person must have two-step sign-in set up before they may do anything else."""
    return (
        bool(current_app.config.get("TWO_FACTOR_REQUIRED"))
        and must_use_second_factor(user.role)
        and not demo_exempt(user)
    )


def asked_at_sign_in(user: User) -> bool:
    return user.two_factor_enabled


def remaining_recovery_codes(user: User) -> int:
    count = db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return int(count or 0)


def begin_enrolment(user: User) -> Enrolment:
    """The secret being set up (a new one if there is none): shown until a code from it is confirmed."""
    if user.totp_pending_secret is None:
        with write_transaction():
            user.totp_pending_secret = pyotp.random_base32()
            audit.record(
                user,
                "user.two_factor_setup_started",
                f"{user.name} started setting up two-step sign-in",
                object_type="user",
                object_id=user.id,
            )
    secret = user.totp_pending_secret
    assert secret is not None
    return Enrolment(secret=secret, uri=totp.provisioning_uri(secret, user.email))


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turns two-step sign-in on with the pending secret if the code is right; returns the recovery codes,
    which are never shown again."""
    secret = user.totp_pending_secret
    if secret is None:
        raise ValidationFailed({"code": "Start setting up two-step sign-in again"})
    step = totp.matching_step(secret, code, utcnow(), None)
    if step is None:
        raise ValidationFailed({"code": WRONG_SETUP_CODE if code.strip() else "Enter the 6-digit code"})
    codes = _new_recovery_codes()
    with write_transaction():
        before = _snapshot(user)
        user.totp_secret = secret
        user.totp_pending_secret = None
        user.totp_enabled_at = utcnow()
        user.totp_last_step = step
        _replace_recovery_codes(user, codes)
        audit.record(
            user,
            "user.two_factor_enabled",
            f"{user.name} set up two-step sign-in; {len(codes)} recovery codes issued",
            object_type="user",
            object_id=user.id,
            before=before,
            after=_snapshot(user),
        )
    return [totp.format_recovery_code(c) for c in codes]


def verify(user: User, code: str) -> bool:
    """The second step of signing in: a code from the app (once only) or an unused recovery code."""
    secret = user.totp_secret
    if secret is None:
        return False
    now = utcnow()
    step = totp.matching_step(secret, code, now, user.totp_last_step)
    if step is not None:
        with write_transaction():
            result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]  # an UPDATE has rowcount
                update(User)
                .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                audit.record(
                    user,
                    "auth.second_factor",
                    f"{user.name} gave a code from their authenticator app",
                    object_type="user",
                    object_id=user.id,
                )
                return True
    elif totp.looks_like_recovery_code(code):
        with write_transaction():
            used: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
                update(RecoveryCode)
                .where(
                    RecoveryCode.user_id == user.id,
                    RecoveryCode.code_hash == _hash(totp.normalise_code(code)),
                    RecoveryCode.used_at.is_(None),
                )
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if used.rowcount == 1:
                left = remaining_recovery_codes(user)
                audit.record(
                    user,
                    "auth.recovery_code_used",
                    f"{user.name} signed in with a recovery code; {left} left",
                    object_type="user",
                    object_id=user.id,
                    after={"recovery_codes_left": left},
                )
                return True
    audit.record_and_commit(
        user,
        "auth.second_factor_failed",
        f"Wrong or reused two-step sign-in code for {user.name}",
        object_type="user",
        object_id=user.id,
    )
    return False


def reset(actor: Actor, user_id: int, reason: str = "") -> User:
    """An administrator turns someone's two-step sign-in off (a lost phone): they set it up again."""
    with write_transaction():
        require_as(actor, Permission.MANAGE_USERS)
        user = get_user(user_id)
        before = _snapshot(user)
        user.totp_secret = None
        user.totp_pending_secret = None
        user.totp_enabled_at = None
        user.totp_last_step = None
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        audit.record(
            actor,
            "user.two_factor_reset",
            f"Two-step sign-in reset for {user.name}; they must set it up again"
            if must_use_second_factor(user.role)
            else f"Two-step sign-in reset for {user.name}",
            object_type="user",
            object_id=user.id,
            before=before,
            after={"two_factor": False, "recovery_codes_left": 0},
            reason=reason,
        )
    return user


def _snapshot(user: User) -> dict[str, Any]:
    return {"two_factor": user.two_factor_enabled, "recovery_codes_left": remaining_recovery_codes(user)}


def _new_recovery_codes() -> list[str]:
    alphabet = totp.RECOVERY_ALPHABET
    return [
        "".join(secrets.choice(alphabet) for _ in range(totp.RECOVERY_CODE_LENGTH))
        for _ in range(totp.RECOVERY_CODE_COUNT)
    ]


def _replace_recovery_codes(user: User, codes: list[str]) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
