"""Every kind of message people choose for on their account page: each module lists its own in `KINDS`.

Joined here, above the modules that send them (they import `notifications`, which imports `mail`), so the
account page and the service that keeps the choices read one table.
"""

from __future__ import annotations

from app.policy import Actor, Permission, can
from app.services import challenges, mail, proposals, questions, risks, rounds

KINDS: dict[str, str] = {
    **proposals.KINDS,
    **challenges.KINDS,
    **questions.KINDS,
    **risks.KINDS,
    **rounds.KINDS,
    **mail.KINDS,
}

# Who is ever sent each kind, so a person is asked only about messages they can get. A kind not named here is
# offered to everyone.
AUDIENCE: dict[str, Permission | tuple[Permission, ...]] = {
    "proposal_submitted": Permission.REVIEW_PROPOSAL,
    "proposal_responded": Permission.REVIEW_PROPOSAL,
    "evidence_unavailable": Permission.REVIEW_PROPOSAL,
    "proposal_challenged": Permission.PROPOSE_CHANGE,
    "proposal_rejected": Permission.PROPOSE_CHANGE,
    "proposal_approved": Permission.PROPOSE_CHANGE,
    "risk_review_due": Permission.OWN_ACTIONS,
    "challenge_due": Permission.PROPOSE_CHANGE,
    "question_asked": Permission.MANAGE_QUESTIONS,
    "question_answer_ready": Permission.MANAGE_QUESTIONS,
    "question_routed": Permission.ANSWER_QUESTION,
    "question_answered": Permission.ASK_QUESTION,
    "challenge_overdue": (Permission.PROPOSE_CHANGE, Permission.HEAR_ESCALATIONS),
    "round_opened": Permission.PROPOSE_CHANGE,
    "round_due_soon": Permission.PROPOSE_CHANGE,
    "round_overdue": Permission.PROPOSE_CHANGE,
    mail.WEEKLY_DIGEST: Permission.WEEKLY_DIGEST,
}


def kinds_for(actor: Actor) -> dict[str, str]:
    """The kinds of message this person can be sent, by label, in the order the page shows them."""

    def hears(kind: str) -> bool:
        audience = AUDIENCE.get(kind)
        if audience is None:
            return True
        return any(can(actor, p) for p in (audience if isinstance(audience, tuple) else (audience,)))

    return {kind: label for kind, label in KINDS.items() if hears(kind)}
