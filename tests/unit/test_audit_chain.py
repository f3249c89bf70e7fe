"""The audit chain's canonical form and hash, written out by hand rather than by calling the rule."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import pytest

from app.domain.audit_chain import GENESIS, Head, Link, canonical, link_hash, parse_head, verify


def event(seq: int, **changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "seq": seq,
        "occurred_at": datetime(2026, 12, 1, 9, 30, 0, 5),
        "actor_id": 3,
        "actor_name": "Helen Marsh",
        "actor_role": "project_manager",
        "kind": "action.changed",
        "summary": "Action 1.1 COMPLETED",
        "object_type": "action",
        "object_id": 7,
        "plan_id": 1,
        "work_stream_id": 2,
        "action_id": 7,
        "before": {"status": "IN_PROGRESS"},
        "after": {"status": "COMPLETED"},
        "reason": "Evidence seen",
        "ip_address": "192.0.2.1",
    }
    content.update(changes)
    return content


def test_canonical_form_is_sorted_compact_utf8_json_with_microseconds() -> None:
    expected = (
        '{"action_id":7,"actor_id":3,"actor_name":"Helen Marsh","actor_role":"project_manager",'
        '"after":{"status":"COMPLETED"},"before":{"status":"IN_PROGRESS"},"ip_address":"192.0.2.1",'
        '"kind":"action.changed","object_id":7,"object_type":"action","occurred_at":"2026-12-01T09:30:00.000005",'
        '"plan_id":1,"reason":"Evidence seen","seq":1,"summary":"Action 1.1 COMPLETED","work_stream_id":2}'
    )
    assert canonical(event(1)) == expected.encode()
    assert canonical(dict(reversed(list(event(1).items())))) == expected.encode(), "key order does not matter"
    assert '"summary":"Café"'.encode() in canonical(event(1, summary="Café")), "UTF-8, not \\u escapes"


def test_a_missing_field_is_refused() -> None:
    content = event(1)
    del content["ip_address"]
    with pytest.raises(ValueError, match="ip_address"):
        canonical(content)


def test_an_event_without_a_request_id_hashes_exactly_as_before_the_column_existed() -> None:
    """Events stored before migration 0015 have request_id "": their stored hashes must still verify."""
    before_0015 = canonical(event(1))
    assert canonical(event(1, request_id="")) == before_0015
    assert canonical(event(1, request_id=None)) == before_0015
    assert link_hash(GENESIS, event(1, request_id="")) == link_hash(GENESIS, event(1))


def test_a_request_id_is_in_the_canonical_form_and_the_hash_when_there_is_one() -> None:
    expected = (
        '{"action_id":7,"actor_id":3,"actor_name":"Helen Marsh","actor_role":"project_manager",'
        '"after":{"status":"COMPLETED"},"before":{"status":"IN_PROGRESS"},"ip_address":"192.0.2.1",'
        '"kind":"action.changed","object_id":7,"object_type":"action","occurred_at":"2026-12-01T09:30:00.000005",'
        '"plan_id":1,"reason":"Evidence seen","request_id":"0123456789abcdef0123456789abcdef","seq":1,'
        '"summary":"Action 1.1 COMPLETED","work_stream_id":2}'
    )
    assert canonical(event(1, request_id="0123456789abcdef0123456789abcdef")) == expected.encode()
    assert link_hash(GENESIS, event(1, request_id="abcdefgh")) != link_hash(GENESIS, event(1))
    assert link_hash(GENESIS, event(1, request_id="abcdefgh")) != link_hash(GENESIS, event(1, request_id="abcdefgi"))


def test_hash_is_sha256_of_previous_hash_newline_and_content() -> None:
    assert link_hash(GENESIS, event(1)) == hashlib.sha256(("0" * 64 + "\n").encode() + canonical(event(1))).hexdigest()


def chain(n: int) -> list[Link]:
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        digest = link_hash(prev, event(seq))
        links.append(Link(100 + seq, seq, prev, digest, event(seq)))
        prev = digest
    return links


def test_an_intact_chain_verifies_with_its_count_and_head() -> None:
    links = chain(4)
    verdict = verify(links)
    assert verdict.ok and verdict.count == 4 and verdict.head == Head(4, links[-1].hash)
    assert verify([]).ok and verify([]).head is None


def test_an_edited_event_is_named() -> None:
    links = chain(4)
    links[1] = Link(102, 2, links[1].prev_hash, links[1].hash, event(2, summary="Action 1.1 STATIC"))
    verdict = verify(links)
    assert not verdict.ok and verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.event_id, verdict.count) == (2, 102, 1)
    assert "content does not match" in verdict.broken.reason


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link() -> None:
    links = chain(4)
    forged = event(2, summary="Action 1.1 STATIC")
    links[1] = Link(102, 2, links[1].prev_hash, link_hash(links[1].prev_hash, forged), forged)
    verdict = verify(links)
    assert verdict.broken is not None and verdict.broken.seq == 3
    assert "does not follow" in verdict.broken.reason


def test_a_deleted_event_is_a_gap() -> None:
    links = chain(4)
    del links[2]
    verdict = verify(links)
    assert verdict.broken is not None and verdict.broken.seq == 3 and "missing" in verdict.broken.reason


def test_a_rewritten_chain_fails_against_the_published_head() -> None:
    published = Head(3, chain(3)[-1].hash)
    links, prev = [], GENESIS
    for seq in range(1, 5):  # every hash recomputed after editing event 2: internally consistent
        content = event(seq, summary="forged") if seq == 2 else event(seq)
        digest = link_hash(prev, content)
        links.append(Link(seq, seq, prev, digest, content))
        prev = digest
    assert verify(links).ok
    verdict = verify(links, published=published)
    assert verdict.broken is not None and verdict.broken.seq == 3 and "published head" in verdict.broken.reason
    assert verify(chain(4), published=Head(3, published.hash[:16])).ok, "a shortened published hash is enough"


def test_a_truncated_chain_fails_against_the_published_head() -> None:
    published = Head(4, chain(4)[-1].hash)
    verdict = verify(chain(3), published=published)
    assert verdict.broken is not None and "fewer than the published head" in verdict.broken.reason


def mixed_chain() -> list[Link]:
    """Events 1 and 2 from before migration 0015 (no request id), 3 and 4 after it, 5 from a command."""
    request_ids = {
        1: None,
        2: "",
        3: "0123456789abcdef0123456789abcdef",
        4: "trace-2026.12.01_lb7",
        5: "cli-9f86d081884c7d65",
    }
    links, prev = [], GENESIS
    for seq, request_id in request_ids.items():
        content = event(seq) if request_id is None else event(seq, request_id=request_id)
        digest = link_hash(prev, content)
        links.append(Link(100 + seq, seq, prev, digest, content))
        prev = digest
    return links


def test_a_chain_of_old_and_new_events_verifies() -> None:
    links = mixed_chain()
    verdict = verify(links)
    assert verdict.ok and verdict.count == 5 and verdict.head == Head(5, links[-1].hash)


def test_a_request_id_added_to_an_old_event_or_changed_on_a_new_one_breaks_the_chain() -> None:
    for seq, forged_id in ((2, "0123456789abcdef"), (4, "someone-else-0001"), (3, "")):
        links = mixed_chain()
        link = links[seq - 1]
        links[seq - 1] = Link(link.event_id, seq, link.prev_hash, link.hash, {**link.content, "request_id": forged_id})
        verdict = verify(links)
        assert verdict.broken is not None and verdict.broken.seq == seq, forged_id
        assert "content does not match" in verdict.broken.reason


def test_parse_head() -> None:
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert parse_head(f"1234:{digest}") == Head(1234, digest)
    assert parse_head(f" 12:{digest[:16].upper()}… ") == Head(12, digest[:16])
    for bad in ("1234", "x:" + digest, "12:abc", "12:" + "g" * 20):
        with pytest.raises(ValueError):
            parse_head(bad)
