"""Rights come from the role held now; committee members see evidence titles and notes from approved proposals only."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Evidence, User
from app.policy import SYSTEM
from app.services import accounts
from tests.web.test_workflow import act, proposal_id, propose


def test_committee_members_see_evidence_titles_from_approved_proposals_only(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    sm2, pm, committee = login("sm2"), login("pm"), login("committee")
    action_id = demo["actions"]["3.3"]
    pid = proposal_id(
        propose(
            sm2,
            action_id,
            evidence_title="Recruitment tracker for panel",
            evidence_note="Signed off by the Assistant Director",
        )
    )
    page = committee.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Recruitment tracker for panel" not in page, "evidence of a proposal not yet approved"
    assert "Signed off by the Assistant Director" not in page

    assert act(pm, pid, "approve", "approve").status_code == 303
    page = committee.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Recruitment tracker for panel" in page and "Signed off by the Assistant Director" in page
    assert "/evidence/" not in page, "titles and notes only, never the file"
    with app.app_context():
        evidence_id = db.session.query(Evidence).filter_by(proposal_id=pid).one().id
    assert committee.get(f"/evidence/{evidence_id}").status_code == 403
    assert committee.get(f"/proposals/{pid}").status_code == 403


def test_an_author_moved_to_the_committee_loses_their_proposals_and_evidence(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    sm2 = login("sm2")
    action_id = demo["actions"]["3.3"]
    pid = proposal_id(propose(sm2, action_id, evidence_file=(io.BytesIO(b"a,b\n1,2\n"), "tracker.csv")))
    with app.app_context():
        evidence_id = db.session.query(Evidence).filter_by(proposal_id=pid).one().id
        user = db.session.get(User, demo["users"]["sm2"])
        accounts.update_user(
            SYSTEM, user.id, name=user.name, job_title=user.job_title or "", role="committee_member", work_stream_ids=[]
        )
    moved = login("sm2")
    assert moved.get(f"/proposals/{pid}").status_code == 403
    assert moved.get(f"/evidence/{evidence_id}").status_code == 403
    assert f"/proposals/{pid}" not in moved.get(f"/actions/{action_id}").get_data(as_text=True)
