"""Password rules after NCSC and NIST SP 800-63B: length, no composition rules, no common passwords."""

from __future__ import annotations

from functools import cache

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def _common_passwords() -> frozenset[str]:
    # 30,000 words: loaded on first use, not at import.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, forbidden: tuple[str, ...] = ()) -> str | None:
    """Return why the password is refused, in words for the person choosing it, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        return "Password is too common. Choose a longer phrase that others would not guess, such as 3 random words"
    if len(set(lowered)) < 4:
        return "Password is too easy to guess. Choose a longer phrase that others would not guess"
    for word in forbidden:
        if word and word.lower() in lowered:
            return "Password must not contain your name, your e-mail address or the name of this service"
    return None
