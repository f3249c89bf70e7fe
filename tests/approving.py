"""An action completed the way the app completes one: a service manager's proposal with evidence, submitted,
then approved by the project manager, each step through the services (and so into the audit trail)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Proposal, User
from app.services import proposals
from app.services.proposals import EvidenceInput, ProposalInput

COMPLETED = ProposalInput(
    values={"status": "COMPLETED", "progress": "All posts filled."},
    reasons={"status": "The evidence shows the key targets are met"},
    evidence=EvidenceInput(filename="posts.csv", data=b"post,filled\nTeam manager,yes\n", note="All filled"),
)


def submit(app: Flask, demo: dict[str, Any], ref: str, who: str = "sm2") -> int:
    """The proposal that action `ref` is COMPLETED, submitted by `who`: its id."""
    with app.app_context():
        author = db.session.get(User, demo["users"][who])
        return proposals.create(author, "action", demo["actions"][ref], COMPLETED, submit=True).id


def approve(app: Flask, demo: dict[str, Any], proposal_id: int) -> None:
    with app.app_context():
        pm = db.session.get(User, demo["users"]["pm"])
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal is not None
        proposals.approve(pm, proposal_id, proposal.version, note="The posts are filled, as the evidence shows")


def complete(app: Flask, demo: dict[str, Any], ref: str) -> None:
    """Action `ref` COMPLETED by an approved proposal."""
    approve(app, demo, submit(app, demo, ref))
