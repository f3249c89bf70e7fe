"""Migration 0012 builds the challenge log for challenges made before it, from the proposals' messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Challenge, Proposal, User
from app.services import proposals
from app.services.proposals import EvidenceInput, ProposalInput


def _challenge(demo: dict[str, Any], who: str, ref: str) -> int:
    author, pm = db.session.get(User, demo["users"][who]), db.session.get(User, demo["users"]["pm"])
    data = ProposalInput(values={"progress": f"Progress on {ref}."})
    p = proposals.create(author, "action", demo["actions"][ref], data, submit=True)
    return proposals.challenge(pm, p.id, p.version, "Which report shows this?").id


def _log() -> list[tuple[Any, ...]]:
    rows = db.session.scalars(select(Challenge).order_by(Challenge.proposal_id, Challenge.id)).all()
    return [(c.proposal_id, c.question_id, c.raised_by_id, c.due_on, c.answer_id, c.outcome) for c in rows]


def test_the_challenge_log_is_rebuilt_from_the_messages(app: Flask, demo: dict[str, Any]) -> None:
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
            answered = _challenge(demo, "sm2", "3.3")
            waiting = _challenge(demo, "sm1", "1.3")
        with clock.travel_to(datetime(2027, 1, 7, 10, 0)):
            sm2, pm = db.session.get(User, demo["users"]["sm2"]), db.session.get(User, demo["users"]["pm"])
            version = db.session.get(Proposal, answered).version
            p = proposals.respond(sm2, answered, version, "Two posts, both advertised.", EvidenceInput())
            proposals.approve(pm, answered, p.version, note="Checked.")
        before = _log()
        assert [row[0] for row in before] == [answered, waiting]
        assert before[0][4] is not None and before[0][5] == "approved" and before[1][4:] == (None, None)
        db.session.remove()

        downgrade(revision="0012-1")
        upgrade()
        assert _log() == before
        db.session.remove()
        db.engine.dispose()
