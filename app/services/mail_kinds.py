"""Every kind of message people choose for on their account page: each module lists its own in `KINDS`.

Joined here, above the modules that send them (they import `notifications`, which imports `mail`), so the
account page and the service that keeps the choices read one table.
"""

from __future__ import annotations

from app.policy import Actor, Permission, can
from app.services import mail, proposals, risks, rounds

KINDS: dict[str, str] = {**proposals.KINDS, **risks.KINDS, **rounds.KINDS, **mail.KINDS}

# Who is ever sent each kind, so a person is asked only about messages they can get. A kind not named here is
# offered to everyone.
AUDIENCE: dict[str, Permission] = {
    "proposal_submitted": Permission.REVIEW_PROPOSAL,
    "proposal_responded": Permission.REVIEW_PROPOSAL,
    "evidence_unavailable": Permission.REVIEW_PROPOSAL,
    "proposal_challenged": Permission.PROPOSE_CHANGE,
    "proposal_rejected": Permission.PROPOSE_CHANGE,
    "proposal_approved": Permission.PROPOSE_CHANGE,
    "risk_review_due": Permission.OWN_ACTIONS,
    "round_opened": Permission.PROPOSE_CHANGE,
    "round_due_soon": Permission.PROPOSE_CHANGE,
    "round_overdue": Permission.PROPOSE_CHANGE,
    mail.WEEKLY_DIGEST: Permission.WEEKLY_DIGEST,
}


def kinds_for(actor: Actor) -> dict[str, str]:
    """The kinds of message this person can be sent, by label, in the order the page shows them."""
    return {kind: label for kind, label in KINDS.items() if kind not in AUDIENCE or can(actor, AUDIENCE[kind])}
