"""The audit trail proves itself: `flask audit verify` on the real schema, SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app.domain.audit_chain import GENESIS, link_hash
from app.extensions import db
from app.models import AuditEvent
from app.policy import SYSTEM
from app.services import audit
from tests.conftest import ON_POSTGRES


def as_owner(statement: str, **params: Any) -> None:
    """What the owner of the tables can do and the app's role cannot: set the triggers aside and edit."""
    if ON_POSTGRES:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(text(statement), params)
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER audit_events_no_delete"))
        db.session.execute(text(statement), params)
    db.session.commit()


def verify(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_every_event_is_chained_to_the_one_before(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len(events) >= 6
        prev = GENESIS
        for seq, event in enumerate(events, start=1):
            assert (event.seq, event.prev_hash) == (seq, prev)
            assert event.hash == link_hash(prev, audit.content(event))
            prev = event.hash
        head = f"{events[-1].seq}:{events[-1].hash}"
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"Audit trail verified: {len(events)} events, head {head}." in result.output


def test_events_of_one_transaction_follow_each_other(app: Flask, demo: dict[str, Any]) -> None:
    with app.test_request_context():
        before = db.session.scalar(select(func.max(AuditEvent.seq)))
        with audit.write_transaction():
            first = audit.record(SYSTEM, "plan.noted", "first")
            second = audit.record(SYSTEM, "plan.noted", "second", before={"a": [1, 2]}, after={"b": "é"})
        assert (first.seq, second.seq) == (before + 1, before + 2)
        assert second.prev_hash == first.hash
    assert verify(app).exit_code == 0


def test_an_event_edited_by_the_owner_is_found(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        target = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 5)).one()
        target_id = target.id
        as_owner("UPDATE audit_events SET summary = 'Nothing happened' WHERE seq = 5")
    result = verify(app)
    assert result.exit_code == 1
    assert f"Audit trail BROKEN at event 5 (id {target_id}): its content does not match its hash" in result.output
    assert "The 4 events before it verify, up to 4:" in result.output


def test_a_rewritten_trail_is_caught_by_the_published_head(app: Flask, demo: dict[str, Any]) -> None:
    published = re.search(r"head (\d+:[0-9a-f]{64})", verify(app).output).group(1)  # type: ignore[union-attr]
    with app.app_context():
        as_owner("UPDATE audit_events SET summary = 'Nothing happened' WHERE seq = 3")
        if not ON_POSTGRES:
            db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        else:
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        prev = GENESIS
        for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all():
            digest = link_hash(prev, audit.content(event))
            db.session.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"),
                {"p": prev, "h": digest, "id": event.id},
            )
            prev = digest
        db.session.commit()
    assert verify(app).exit_code == 0, "a rewrite with every hash recomputed is consistent in itself"
    result = verify(app, "--head", published)
    assert result.exit_code == 1
    seq = published.split(":")[0]
    assert f"BROKEN at event {seq}" in result.output and "no longer the published head" in result.output


def test_a_deleted_last_event_is_caught_by_the_published_head(app: Flask, demo: dict[str, Any]) -> None:
    published = re.search(r"head (\d+:[0-9a-f]{64})", verify(app).output).group(1)  # type: ignore[union-attr]
    assert verify(app, "--head", published[:30]).exit_code == 0
    with app.app_context():
        as_owner("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)")
    assert verify(app).exit_code == 0
    result = verify(app, "--head", published)
    assert result.exit_code == 1 and "fewer than the published head" in result.output


def test_a_garbled_head_is_a_usage_error(app: Flask) -> None:
    result = verify(app, "--head", "12")
    assert result.exit_code == 2 and "SEQUENCE:HASH" in result.output


def test_the_committee_report_prints_the_head_it_was_presented_at(login: Any, app: Flask) -> None:
    from tests.web.test_committee_cycle import present, record_meeting

    pm = login("pm")
    meeting = record_meeting(pm)
    with app.app_context():
        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        head = f"{last.seq}:{last.hash}"
    assert present(pm, meeting).status_code == 303
    html = pm.get(f"/meetings/{meeting}/report").get_data(as_text=True)
    assert f"Audit trail head at presentation: {head}." in html
    assert verify(app, "--head", head).exit_code == 0


@pytest.mark.skipif(ON_POSTGRES, reason="the backfill is the same code on both; rows are easiest to forge here")
def test_migration_chains_the_events_already_stored(make_app: Callable[..., Flask]) -> None:
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="0005")
        for n in range(3):
            db.session.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor_name, actor_role, kind, object_type, summary, "
                    "before, reason, ip_address) VALUES ('2026-11-0" + str(n + 1) + " 10:00:00.000000', 'Old', '', "
                    "'plan.noted', '', :summary, :before, '', '')"
                ),
                {"summary": f"event {n}", "before": '{"n": ' + str(n) + "}"},
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT seq, prev_hash FROM audit_events ORDER BY id")).all()
        assert [r.seq for r in rows] == [1, 2, 3] and rows[0].prev_hash == GENESIS
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE audit_events SET summary = 'x'"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    assert "3 events" in verify(app).output


def test_events_stored_before_request_ids_still_verify_beside_events_with_them(make_app: Callable[..., Flask]) -> None:
    """Built at migration 0014 with chained events, upgraded: nothing rewritten, old and new verify together."""
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="0014")
        prev = GENESIS
        for seq in (1, 2, 3):
            row = {
                "seq": seq,
                "occurred_at": datetime(2026, 11, seq, 10, 0),
                "actor_id": None,
                "actor_name": "Old",
                "actor_role": "",
                "kind": "plan.noted",
                "summary": f"event {seq}",
                "object_type": "",
                "object_id": None,
                "plan_id": None,
                "work_stream_id": None,
                "action_id": None,
                "before": {"n": seq},
                "after": None,
                "reason": "",
                "ip_address": "",
            }
            digest = link_hash(prev, row)  # as the app hashed before migration 0015
            db.session.execute(
                text(
                    "INSERT INTO audit_events (seq, prev_hash, hash, occurred_at, actor_name, actor_role, kind, "
                    "object_type, summary, before, reason, ip_address) VALUES (:seq, :prev, :hash, :at, 'Old', '', "
                    "'plan.noted', '', :summary, :before, '', '')"
                ),
                {
                    "seq": seq,
                    "prev": prev,
                    "hash": digest,
                    "at": row["occurred_at"],
                    "summary": row["summary"],
                    "before": json.dumps(row["before"]),
                },
            )
            prev = digest
        db.session.commit()
        upgrade()
        old_hashes = db.session.execute(text("SELECT seq, hash, request_id FROM audit_events ORDER BY seq")).all()
        assert [(r.seq, r.request_id) for r in old_hashes] == [(1, ""), (2, ""), (3, "")]
        with app.test_request_context(headers={"X-Request-ID": "after-upgrade-0001"}):
            with audit.write_transaction():
                audit.record(SYSTEM, "plan.noted", "after the upgrade")
        new = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 4)).one()
        assert (new.request_id, new.prev_hash) == ("after-upgrade-0001", old_hashes[-1].hash)
        assert audit.verify_chain().ok and audit.verify_chain().count == 4
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("UPDATE audit_events SET request_id = 'forged-0001' WHERE seq = 1"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    assert "4 events" in verify(app).output


def test_a_request_id_forged_onto_a_stored_event_is_found(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        as_owner("UPDATE audit_events SET request_id = 'someone-else-0001' WHERE seq = 2")
    result = verify(app)
    assert result.exit_code == 1 and "BROKEN at event 2" in result.output


def test_the_whole_trail_is_counted_by_its_last_number_and_a_filtered_one_by_the_database(
    app: Flask, demo: dict[str, Any], count_queries: Any
) -> None:
    """The audit page's "of N events": the whole trail's N is the last event's number, read in one index step;
    it is the number of events there are, and a filter still counts what it matches."""
    from app.services.audit import AuditFilter, trail_page

    with app.app_context():
        every = db.session.scalar(select(func.count(AuditEvent.id)))
        with count_queries() as queries:
            page = trail_page(AuditFilter(), page=2, per_page=3)
        assert every > 6 and page.total == every and queries.count == 2
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc()).offset(3).limit(3)).all()
        assert [e.id for e in page.items] == list(ids), f"the second page, newest first, of {every}"
        kind = db.session.scalar(select(AuditEvent.kind).order_by(AuditEvent.id)).split(".")[0]
        proposals_only = trail_page(AuditFilter(kind=kind))
        matching = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind.like(f"{kind}.%")))
        assert 0 < proposals_only.total == matching < every
