"""Personal access tokens for service accounts: a BI tool reads the API as an existing account, never writes.

Administrators create and revoke them; each is audited (`token.created`, `token.revoked`), never with its
secret. Only the secret's SHA-256 is kept, and a short prefix people can tell tokens apart by.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.clock import utcnow
from app.domain.bounds import has_control_characters
from app.extensions import db
from app.models import ApiToken, User
from app.policy import Actor, Permission, require_as
from app.services import audit
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.tx import write_transaction

SECRET_PREFIX = "ipt_"  # "improvement plan tracker": lets secret scanners and people recognise one
VISIBLE = 12  # characters of the secret shown on the admin pages: "ipt_" and 8 more
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often per token
NAME_LIMIT = 120


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def list_tokens() -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user), joinedload(ApiToken.created_by), joinedload(ApiToken.revoked_by))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such API token")
    return token


def possible_accounts() -> list[User]:
    """The accounts a token may act as: every active one (a service account is an ordinary account)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.id)))


def create(actor: Actor, name: str, user_id: int | None) -> tuple[ApiToken, str]:
    """A new token acting as the account; returns it and its secret, which is shown once and never kept."""
    require_as(actor, Permission.MANAGE_API_TOKENS)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter a name for the token, such as the report or tool that will use it"
    elif len(name) > NAME_LIMIT or has_control_characters(name):
        errors["name"] = f"The name must be {NAME_LIMIT} characters or fewer, with no control characters"
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        errors["user_id"] = "Select the active account the token acts as"
    if errors:
        raise ValidationFailed(errors)
    assert user is not None
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken(
            name=name,
            user_id=user.id,
            token_hash=_hash(secret),
            prefix=secret[:VISIBLE],
            created_by_id=actor.id,
            created_at=utcnow(),
        )
        db.session.add(token)
        db.session.flush()
        audit.record(
            actor,
            "token.created",
            f"API token “{name}” ({token.prefix}…) created, acting as {user.name}",
            object_type="api_token",
            object_id=token.id,
            after={"name": name, "prefix": token.prefix, "user_id": user.id, "user_name": user.name},
        )
    return token, secret


def revoke(actor: Actor, token_id: int) -> ApiToken:
    """Revoked at once: the next request with it is refused (401)."""
    require_as(actor, Permission.MANAGE_API_TOKENS)
    token = get_token(token_id)
    with write_transaction():
        now = utcnow()
        done = db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by_id=actor.id)
        ).rowcount  # type: ignore[attr-defined]
        if done != 1:
            raise Conflict("This token was already revoked")
        audit.record(
            actor,
            "token.revoked",
            f"API token “{token.name}” ({token.prefix}…) revoked",
            object_type="api_token",
            object_id=token.id,
            before={"revoked": False},
            after={"revoked": True, "name": token.name, "prefix": token.prefix},
        )
    db.session.refresh(token)
    return token


def authenticate(secret: str) -> User | None:
    """The account a live token acts as, or None: unknown, revoked, or its account deactivated."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    found = db.session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == _hash(secret))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or not user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        with write_transaction():
            db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return user
