"""Throttling password guesses per account, so that no stranger can lock out everyone at one address.

Ten wrong passwords for one account in five minutes (NCSC) and that account's next try is refused, the
right password included, until the oldest failure is five minutes old; other people at the same
address are not affected. The wrong current password on the change-password page counts against the
same account. A generous limit per address (after ProxyFix, the client's own) stops floods.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from flask import g, request, session
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.formatting import format_datetime
from app.services.accounts import normalise_email

ACCOUNT_LIMIT = "10 per 5 minutes"
ACCOUNT_SCOPE = "password-failures"
ADDRESS_LIMIT = "100 per minute"
SECOND_STEP_KEY = "second_step"  # in the signed session cookie: who gave the right password, and when


def sign_in_account() -> str:
    """The account named in the sign-in form (whether or not it exists)."""
    return "account:" + normalise_email(request.form.get("email", ""))[:320]


def signed_in_account() -> str:
    """The signed-in person's own account, for the current-password check."""
    return "account:" + (current_user.email if current_user.is_authenticated else "")


def pending_account() -> str:
    """The account waiting for its second step: wrong codes count with its wrong passwords."""
    pending = session.get(SECOND_STEP_KEY) or {}
    return "account:" + str(pending.get("email", ""))[:320]


def password_failed() -> None:
    """The view saw a wrong password: count it against the account."""
    g.password_failed = True


def count_failure(_response: Response) -> bool:
    return bool(g.get("password_failed"))


def too_many_attempts(error: Exception) -> tuple[str, int]:
    """The 429 page's message, and the seconds until the account or address may try again."""
    limit = getattr(error, "limit", None)
    reset_at = _reset_at(error)
    wait = max(1, math.ceil(reset_at - time.time())) if reset_at else 60
    minutes = max(1, round(wait / 60))
    when = f"after {format_datetime(datetime.fromtimestamp(reset_at, UTC).replace(tzinfo=None))}" if reset_at else ""
    in_words = f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if isinstance(error, RateLimitExceeded) and limit is not None and limit.scope == ACCOUNT_SCOPE:
        message = (
            "There have been 10 wrong passwords for this account in the last 5 minutes, so it cannot sign in "
            f"for now, even with the right password. You can try again {when} ({in_words}). If it was not "
            "you, tell your administrator."
        )
    else:
        message = f"There have been too many attempts from your network in a short while. Try again {in_words}."
    return message.replace("  ", " "), wait


def _reset_at(error: Exception) -> float | None:
    """When the limit this request broke lets the next one through (the limiter's real time, not the app's clock)."""
    current = limiter.current_limit
    if current is not None and current.breached:
        return float(current.reset_at)
    return None
