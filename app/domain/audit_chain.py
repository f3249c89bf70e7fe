"""The audit trail as a hash chain: each event's hash covers its own content and the previous event's hash.

Editing, deleting or inserting any event changes every hash after it, so a head (sequence number and hash)
printed in a committee report pins everything before it. Pure: no database, no clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64  # the previous hash of the first event

# The fields an event's hash covers, in the order the canonical form lists them (the JSON sorts them anyway).
FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "kind",
    "summary",
    "object_type",
    "object_id",
    "plan_id",
    "work_stream_id",
    "action_id",
    "before",
    "after",
    "reason",
    "ip_address",
)
# Fields added after the chain began: covered only when not empty, so an event stored without one (every event
# written before migration 0015 added `request_id`) hashes exactly as it did, and no stored hash changes.
OPTIONAL_FIELDS = ("request_id",)
HASHED_FIELDS = FIELDS + OPTIONAL_FIELDS


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


def canonical(content: Mapping[str, Any]) -> bytes:
    """A stable JSON of the event's fields: sorted keys, no spaces, UTF-8, timestamps to the microsecond.

    Every name in FIELDS must be there; one in OPTIONAL_FIELDS is listed only when it has a value."""
    missing = set(FIELDS) - set(content)
    if missing:
        raise ValueError(f"An audit event's content lacks {', '.join(sorted(missing))}")
    plain = {name: _plain(content[name]) for name in FIELDS}
    plain.update({name: content[name] for name in OPTIONAL_FIELDS if content.get(name)})
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def link_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 of the previous event's hash and this event's canonical content."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse_head(text: str) -> Head:
    """`1234:ab12...` as printed in a report; the hash may be shortened to no fewer than 16 characters."""
    seq, sep, digest = text.strip().partition(":")
    digest = digest.strip().lower().rstrip("…").rstrip(".")
    if not sep or not seq.isdigit() or len(digest) < 16 or len(digest) > 64:
        raise ValueError(
            "A head is written as SEQUENCE:HASH, for example 1234:9f86d081884c7d65 (at least 16 hex digits)"
        )
    if any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("The hash of a head is hexadecimal: 0-9 and a-f")
    return Head(int(seq), digest)


@dataclass(frozen=True)
class Link:
    """One stored event as read back: what it says, and the hashes it was stored with."""

    event_id: int
    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class Break:
    seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class Verdict:
    count: int
    head: Head | None
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(links: Iterable[Link], *, published: Head | None = None) -> Verdict:
    """Walk the chain in sequence order; stop at the first event that does not follow from the one before.

    With `published`, the event at that sequence number must also still have that hash (or a hash
    starting with it), which proves nothing up to it was changed since the head was published, even by
    someone who recomputed every hash after an edit.
    """
    expected_prev, count, head = GENESIS, 0, None
    for link in links:
        expected_seq = count + 1
        if link.seq != expected_seq:
            reason = f"event {expected_seq} is missing (the next stored event is {link.seq})"
            return Verdict(count, head, Break(expected_seq, None if link.seq > expected_seq else link.event_id, reason))
        if link.prev_hash != expected_prev:
            return Verdict(count, head, Break(link.seq, link.event_id, "it does not follow from the event before it"))
        if link_hash(link.prev_hash, link.content) != link.hash:
            return Verdict(count, head, Break(link.seq, link.event_id, "its content does not match its hash"))
        if published is not None and link.seq == published.seq and not link.hash.startswith(published.hash):
            reason = f"its hash is no longer the published head {published}"
            return Verdict(count, head, Break(link.seq, link.event_id, reason))
        expected_prev, count, head = link.hash, expected_seq, Head(link.seq, link.hash)
    if published is not None and count < published.seq:
        reason = f"the trail has {count} events, fewer than the published head {published}"
        return Verdict(count, head, Break(count + 1, None, reason))
    return Verdict(count, head, None)
