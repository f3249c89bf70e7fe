"""Password rules after NCSC and NIST SP 800-63B: length, no composition rules, and judged for guessability.

zxcvbn estimates how many guesses a password would take, knowing the person's name and e-mail address
and the service's own words (an attacker knows them too). A password needs a score of at least 3
("safely unguessable": about 10^10 guesses), and the message says why one is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters are judged

# What an attacker would try first here: the service's name and words, the council's words, and the
# passphrases published as examples of good ones.
SERVICE_WORDS: tuple[str, ...] = (
    "improvement plan tracker",
    "service improvement plan",
    "improvement",
    "plan",
    "tracker",
    "service",
    "council",
    "children",
    "childrens",
    "social",
    "care",
    "social care",
    "children's social care",
    "ofsted",
    "committee",
    "councillor",
    "scrutiny",
)
PUBLISHED_EXAMPLES: tuple[str, ...] = ("correct horse battery staple", "Tr0ub4dor&3")

_SEPARATORS = re.compile(r"[\s\-_.,'’]+")
GENERIC_ADVICE = "Choose a longer phrase that others would not guess, such as 3 or 4 random words"


@cache
def _common_passwords() -> frozenset[str]:
    # 30,000 words: loaded on first use, not at import.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415

    return frozenset(FREQUENCY_LISTS["passwords"])


def context_words(*given: str) -> list[str]:
    """The words zxcvbn is told: each phrase as written, run together, and word by word."""
    words: list[str] = []
    for phrase in (*given, *SERVICE_WORDS, *PUBLISHED_EXAMPLES):
        lowered = phrase.strip().lower()
        if not lowered:
            continue
        words.append(lowered)
        words.append(_SEPARATORS.sub("", lowered))
        words.extend(part for part in _SEPARATORS.split(lowered) if len(part) >= 3)
    return list(dict.fromkeys(words))


def _judge(password: str, user_inputs: list[str]) -> dict[str, Any]:
    from zxcvbn import zxcvbn  # noqa: PLC0415 - loads its word lists on first use, not at import

    result: dict[str, Any] = zxcvbn(password[:ZXCVBN_MAX], user_inputs=user_inputs)
    return result


def strength(password: str, *, context: Iterable[str] = ()) -> tuple[int, str]:
    """zxcvbn's score (0-4) and why it is low: the weaker of the password as typed and with its spaces,
    hyphens and dots taken out (zxcvbn does not see words through a space)."""
    user_inputs = context_words(*context)
    results = [_judge(password, user_inputs)]
    joined = _SEPARATORS.sub("", password)
    if joined and joined != password:
        results.append(_judge(joined, user_inputs))
    weakest = min(results, key=lambda r: int(r["score"]))
    return int(weakest["score"]), _reason(weakest)


def _reason(result: dict[str, Any]) -> str:
    if any(match.get("dictionary_name") == "user_inputs" for match in result.get("sequence", [])):
        reason = (
            "It is built from words others would try first: your name, your e-mail address, the name of "
            "this service, the council's words or a well-known example password"
        )
    else:
        reason = str(result["feedback"].get("warning") or "").rstrip(".")
    advice = " ".join(str(s) for s in result["feedback"].get("suggestions") or []) or GENERIC_ADVICE + "."
    return f"{reason}. {advice}" if reason else advice


def password_problem(password: str, *, forbidden: tuple[str, ...] = (), context: Iterable[str] = ()) -> str | None:
    """Return why the password is refused, in words for the person choosing it, or None if it is fine.

    forbidden: words the password must not contain (the person's name, the start of their e-mail address);
    context: what an attacker would know about them, for zxcvbn (the service's own words are always added).
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!") in _common_passwords():
        return f"Password is too common. {GENERIC_ADVICE}"
    if len(set(lowered)) < 4:
        return f"Password is too easy to guess. {GENERIC_ADVICE}"
    for word in forbidden:
        if word and word.lower() in lowered:
            return "Password must not contain your name or your e-mail address"
    score, reason = strength(password, context=(*forbidden, *context))
    if score < MIN_SCORE:
        return f"Password is too easy to guess. {reason}"
    return None
