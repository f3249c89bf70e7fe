"""Pages drawn from every plan (the review queue, its overdue panel) are kept while the audit trail's newest
record is the same: asked for again, nothing is read but the session and that record; a new submission, which
is audited, is on the next page at once."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import User
from app.services import proposals
from app.services.proposals import EvidenceInput, ProposalInput


def _submit(app: Flask, demo: dict[str, Any], ref: str) -> int:
    with app.app_context():
        sm2 = db.session.get(User, demo["users"]["sm2"])
        data = ProposalInput(
            values={"status": "COMPLETED", "progress": "All posts filled."},
            reasons={"status": "The evidence shows the key targets are met"},
            evidence=EvidenceInput(filename="posts.csv", data=b"post,filled\nTeam manager,yes\n", note="All filled"),
        )
        return proposals.create(sm2, "action", demo["actions"][ref], data, submit=True).id


def _queue(html: str) -> str:
    part = html[html.index('id="queue"') :]
    return part[: part.index("</table>")]


def test_the_review_queue_is_kept_until_the_trail_moves(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    waiting = _submit(app, demo, "3.3")
    pm = login("pm")
    first = pm.get("/review").get_data(as_text=True)
    assert f'href="/proposals/{waiting}"' in _queue(first)
    with count_queries() as queries:
        again = pm.get("/review").get_data(as_text=True)
    assert _queue(again) == _queue(first)
    assert not [s for s in queries.statements if "FROM proposals" in s and "user_sessions" not in s], (
        "the kept queue was read again"
    )
    made = _submit(app, demo, "3.4")
    assert f'href="/proposals/{made}"' in _queue(pm.get("/review").get_data(as_text=True)), "the new one is not there"
