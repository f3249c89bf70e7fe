"""Time-based one-time codes (RFC 6238) and recovery codes: the rules, with no database and no clock.

A code belongs to a time step (30 seconds). One step either side is accepted, for a phone's clock that
is a little out; a step at or before the last one used is refused, so a code works once.
"""

from __future__ import annotations

import calendar
import hmac
import re
from datetime import datetime

import pyotp

STEP_SECONDS = 30
WINDOW = 1  # steps either side of now
ISSUER = "Improvement plan tracker"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand
RECOVERY_CODE_LENGTH = 10  # about 49 bits each
_SEPARATORS = re.compile(r"[\s\-]+")


def time_step(at: datetime) -> int:
    """The step a naive UTC moment falls in."""
    return calendar.timegm(at.utctimetuple()) // STEP_SECONDS


def normalise_code(text: str) -> str:
    """What someone typed, without spaces or hyphens, in lower case."""
    return _SEPARATORS.sub("", text).lower()


def looks_like_totp(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, at: datetime, last_used_step: int | None) -> int | None:
    """The step whose code this is, if it is within the window and later than the last one used; else None."""
    if not looks_like_totp(code):
        return None
    wanted = normalise_code(code)
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = time_step(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), wanted):
            if last_used_step is not None and step <= last_used_step:
                return None  # a replay, or an older code after a newer one
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=ISSUER)


def format_recovery_code(code: str) -> str:
    """abcdefghjk -> abcde-fghjk, as shown to the person."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def looks_like_recovery_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == RECOVERY_CODE_LENGTH and all(c in RECOVERY_ALPHABET for c in code)


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
