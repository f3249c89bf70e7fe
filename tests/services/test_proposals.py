"""The change workflow at the service layer: rules hold whatever a view does."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from app.clock import today
from app.extensions import db
from app.models import Action, AuditEvent, Evidence, Proposal, User
from app.policy import PermissionDenied
from app.services import proposals
from app.services.errors import Conflict, ServiceError, ValidationFailed
from app.services.proposals import EvidenceInput, OpenProposalExists, ProposalInput, TargetChanged

CSV = EvidenceInput(filename="posts.csv", data=b"post,filled\nTeam manager,yes\n", note="All posts filled")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WHY = {"status": "The evidence shows the key targets are met"}


def user(key: str, demo: dict[str, Any]) -> User:
    return db.session.get(User, demo["users"][key])


def completed(narrative: str = "All twelve team manager posts are filled by permanent staff.") -> ProposalInput:
    return ProposalInput(values={"status": "COMPLETED", "progress": narrative}, reasons=WHY, evidence=CSV)


def submitted(demo: dict[str, Any], ref: str = "3.3", who: str = "sm2") -> Proposal:
    return proposals.create(user(who, demo), "action", demo["actions"][ref], completed(), submit=True)


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def test_status_change_needs_evidence(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"status": "COMPLETED"}, reasons=WHY),
            submit=True,
        )
    assert "evidence_file" in refused.value.errors
    assert db.session.query(Proposal).count() == 0, "nothing half-saved"


def test_flagging_an_action_in_danger_of_missing_its_deadline_needs_evidence(ctx: Any, demo: dict[str, Any]) -> None:
    flag = ProposalInput(
        values={"at_risk": True}, reasons={"at_risk": "Two of the three social workers are on long-term leave"}
    )
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], flag, submit=True)
    assert refused.value.errors == {
        "evidence_file": "Add evidence for the flag: choose a file or give a link, and say what it shows"
    }
    assert db.session.query(Proposal).count() == 0, "nothing half-saved"
    flag.evidence = CSV
    assert proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], flag, submit=True).state == "submitted"


def test_a_narrative_update_alone_needs_no_evidence(ctx: Any, demo: dict[str, Any]) -> None:
    p = proposals.create(
        user("sm2", demo),
        "action",
        demo["actions"]["3.3"],
        ProposalInput(values={"progress": "Interviews held; two offers made."}),
        submit=True,
    )
    assert p.state == "submitted"


def test_evidence_note_is_required(ctx: Any, demo: dict[str, Any]) -> None:
    evidence = EvidenceInput(filename="posts.csv", data=b"a,b\n1,2\n", note="")
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"status": "COMPLETED"}, reasons=WHY, evidence=evidence),
            submit=True,
        )
    assert refused.value.errors["evidence_note"] == "Say what the evidence shows"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "must be a PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "content does not match its name"),
        ("photo.png", PDF, "content does not match its name"),
        ("notes.docx", b"PK\x03\x04 not really a zip", "content does not match its name"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_disallowed_files_are_refused_by_content(
    ctx: Any, demo: dict[str, Any], filename: str, data: bytes, message: str
) -> None:
    evidence = EvidenceInput(filename=filename, data=data, note="It shows things")
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"status": "COMPLETED"}, reasons=WHY, evidence=evidence),
            submit=True,
        )
    assert message in refused.value.errors["evidence_file"]


def test_file_over_20_mb_is_refused(ctx: Any, demo: dict[str, Any]) -> None:
    big = PDF + b"0" * (20 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(
                values={"status": "COMPLETED"},
                reasons=WHY,
                evidence=EvidenceInput(filename="big.pdf", data=big, note="Big"),
            ),
            submit=True,
        )
    assert refused.value.errors["evidence_file"] == "The selected file must be smaller than 20 MB"


def test_evidence_is_stored_with_checksum_outside_static(app: Flask, ctx: Any, demo: dict[str, Any]) -> None:
    p = proposals.create(
        user("sm2", demo),
        "action",
        demo["actions"]["3.3"],
        ProposalInput(
            values={"status": "COMPLETED"},
            reasons=WHY,
            evidence=EvidenceInput(filename="minutes.pdf", data=PDF, note="Panel minutes"),
        ),
        submit=True,
    )
    evidence = p.evidence[0]
    import hashlib
    from pathlib import Path

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
    assert "minutes" not in evidence.storage_key, "stored under a generated name"
    stored = list(Path(app.config["EVIDENCE_DIR"]).rglob(evidence.storage_key))
    assert stored and stored[0].read_bytes() == PDF
    assert "static" not in str(stored[0])


def test_database_evidence_store_serves_the_same_bytes(app: Flask, ctx: Any, demo: dict[str, Any]) -> None:
    app.config["EVIDENCE_STORAGE"] = "database"
    p = submitted(demo)
    ev, data = proposals.evidence_for_download(user("pm", demo), p.evidence[0].id)
    assert data == CSV.data


def test_deadline_in_the_past_is_refused(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"deadline": today() - timedelta(days=1)}, reasons={"deadline": "Late"}),
        )
    assert refused.value.errors["deadline"] == "The new deadline must be today or in the future"


def test_moving_a_deadline_needs_a_justification(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"deadline": today() + timedelta(days=60)}),
        )
    assert "deadline_reason" in refused.value.errors


def test_only_one_open_proposal_per_action(ctx: Any, demo: dict[str, Any]) -> None:
    first = submitted(demo)
    with pytest.raises(OpenProposalExists) as refused:
        proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], completed())
    assert refused.value.proposal_id == first.id


def test_service_manager_cannot_propose_outside_their_work_streams(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        proposals.create(user("sm1", demo), "action", demo["actions"]["3.3"], completed())


@pytest.mark.parametrize("who", ["committee", "smt", "admin"])
def test_people_who_change_nothing_cannot_propose(ctx: Any, demo: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        proposals.create(user(who, demo), "action", demo["actions"]["3.3"], completed())


def test_service_manager_cannot_see_drafts_or_download_evidence_of_other_work_streams(
    ctx: Any, demo: dict[str, Any]
) -> None:
    draft = proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], completed())
    with pytest.raises(PermissionDenied):
        proposals.get_for(user("sm1", demo), draft.id)
    with pytest.raises(PermissionDenied):
        proposals.evidence_for_download(user("sm1", demo), draft.evidence[0].id)
    with pytest.raises(PermissionDenied):
        proposals.get_for(user("pm", demo), draft.id)  # drafts stay with their author's work stream
    assert proposals.get_for(user("sm2", demo), draft.id).id == draft.id


@pytest.mark.parametrize("who", ["committee", "admin"])
def test_committee_and_admin_never_download_evidence(ctx: Any, demo: dict[str, Any], who: str) -> None:
    p = submitted(demo)
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    with pytest.raises(PermissionDenied):
        proposals.evidence_for_download(user(who, demo), p.evidence[0].id)
    titles = [e.title for e in proposals.approved_evidence_for_action(demo["actions"]["3.3"])]
    assert titles == ["posts.csv"], "but the titles and notes of approved evidence are visible"


def test_nobody_approves_their_own_proposal(ctx: Any, demo: dict[str, Any]) -> None:
    pm = user("pm", demo)
    p = proposals.create(pm, "action", demo["actions"]["3.3"], completed(), submit=True)
    with pytest.raises(PermissionDenied, match="cannot review a proposal you wrote"):
        proposals.approve(pm, p.id, p.version, note="Evidence checked")


@pytest.mark.parametrize("who", ["smt", "admin", "committee", "sm1"])
def test_only_the_project_manager_acts_on_proposals(ctx: Any, demo: dict[str, Any], who: str) -> None:
    p = submitted(demo)
    for call in (
        lambda: proposals.approve(user(who, demo), p.id, p.version, note="Evidence checked"),
        lambda: proposals.challenge(user(who, demo), p.id, p.version, "Why?"),
        lambda: proposals.reject(user(who, demo), p.id, p.version, "No"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert db.session.get(Proposal, p.id).state == "submitted"


def test_empty_challenge_question_and_rejection_reason_are_refused(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    with pytest.raises(ValidationFailed) as refused:
        proposals.challenge(user("pm", demo), p.id, p.version, "   ")
    assert refused.value.errors == {"question": "Enter the question the service manager must answer"}
    with pytest.raises(ValidationFailed) as refused:
        proposals.reject(user("pm", demo), p.id, p.version, "")
    assert refused.value.errors == {"reason": "Enter the reason for rejecting the proposal"}
    assert db.session.get(Proposal, p.id).state == "submitted"


def test_approval_applies_the_change_bumps_the_version_and_audits(ctx: Any, demo: dict[str, Any]) -> None:
    action_id = demo["actions"]["3.3"]
    before = db.session.get(Action, action_id)
    old_version, old_status = before.version, before.status
    p = submitted(demo)
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    action = db.session.get(Action, action_id)
    assert action.status == "COMPLETED" and old_status != "COMPLETED"
    assert action.progress.startswith("All twelve team manager posts")
    assert action.version == old_version + 1
    event = db.session.query(AuditEvent).filter_by(kind="action.changed", action_id=action_id).one()
    assert event.before["status"] == old_status and event.after["status"] == "COMPLETED"
    assert "Status changed from IN PROGRESS to COMPLETED" in event.summary
    assert "Proposed by Tom Adeyemi" in event.summary and "approved by Helen Marsh" in event.summary
    assert "“posts.csv”" in event.summary


def test_challenge_respond_then_approve(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    proposals.challenge(user("pm", demo), p.id, p.version, "Where is the signed contract?", more_evidence=True)
    assert p.state == "challenged"
    with pytest.raises(ValidationFailed) as refused:
        proposals.respond(user("sm2", demo), p.id, p.version, "Attached.", EvidenceInput())
    assert "evidence_file" in refused.value.errors, "more evidence was asked for"
    proposals.respond(
        user("sm2", demo),
        p.id,
        p.version,
        "The signed contract is attached.",
        EvidenceInput(filename="contract.pdf", data=PDF, note="Signed contract"),
    )
    assert p.state == "submitted" and len(p.evidence) == 2
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    assert p.state == "approved"
    assert [m.kind for m in p.messages] == ["challenge", "response", "approval"], "the approver's note is kept"


def test_withdraw_by_author_only(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    with pytest.raises(PermissionDenied):
        proposals.withdraw(user("pm", demo), p.id, p.version)
    proposals.withdraw(user("sm2", demo), p.id, p.version)
    assert p.state == "withdrawn"
    # a new proposal can now be opened
    assert proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], completed()).state == "draft"


def test_double_submit_is_a_clear_conflict(ctx: Any, demo: dict[str, Any]) -> None:
    draft = proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], completed())
    version = draft.version
    proposals.submit(user("sm2", demo), draft.id, version)
    with pytest.raises(ServiceError):
        proposals.submit(user("sm2", demo), draft.id, version)
    assert db.session.query(AuditEvent).filter_by(kind="proposal.submitted").count() == 1


def test_deciding_twice_says_it_was_already_decided(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    version = p.version
    proposals.approve(user("pm", demo), p.id, version, note="Evidence checked")
    with pytest.raises(Conflict, match="already been decided: it was approved by Helen Marsh"):
        proposals.reject(user("pm", demo), p.id, version, "Too late")


def test_stale_form_when_the_action_changed_while_writing(ctx: Any, demo: dict[str, Any]) -> None:
    action = db.session.get(Action, demo["actions"]["3.3"])
    seen_version = action.version
    action.key_targets = "Changed by the project manager meanwhile"
    db.session.commit()
    data = completed()
    data.target_version = seen_version
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(user("sm2", demo), "action", action.id, data, submit=True)
    assert "changed by someone else while you were writing" in refused.value.errors["status"]


def test_approver_must_confirm_when_the_action_changed_after_the_proposal(ctx: Any, demo: dict[str, Any]) -> None:
    from app.services import plan_editor
    from app.services.plan_editor import ActionDraft

    p = submitted(demo)
    action = db.session.get(Action, demo["actions"]["3.3"])
    plan_editor.edit_action(
        user("pm", demo),
        action.id,
        action.version,
        ActionDraft(
            title=action.title,
            measures_and_milestones=action.measures_and_milestones,
            key_targets="Twelve permanent team managers",
            deadline=action.deadline,
            owner_id=action.owner_id,
        ),
        "Targets agreed with the AD",
    )
    with pytest.raises(TargetChanged) as changed:
        proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    assert [label for label, *_ in changed.value.differences] == ["Key targets"]
    assert db.session.get(Proposal, p.id).state == "submitted"
    proposals.approve(
        user("pm", demo),
        p.id,
        p.version,
        confirmed_target_version=changed.value.target_version,
        note="Evidence checked",
    )
    assert db.session.get(Action, action.id).status == "COMPLETED"


def test_approved_change_moves_the_summary(app: Flask, ctx: Any, demo: dict[str, Any]) -> None:
    from app.services import plan_read

    plan = plan_read.get_plan()
    assert plan_read.plan_summary(plan).actions.completed == 25
    p = submitted(demo)
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    summary = plan_read.plan_summary(plan)
    assert (summary.actions.completed, summary.actions.in_progress) == (26, 26)


def test_measure_proposals_work_the_same_way(ctx: Any, demo: dict[str, Any]) -> None:
    from app.models import PerformanceMeasure
    from app.services import plan_read

    measure = (
        db.session.query(PerformanceMeasure)
        .filter_by(checkpoint=6, status="IN_PROGRESS")
        .join(PerformanceMeasure.work_stream)
        .filter_by(number=3)
        .first()
    )
    p = proposals.create(
        user("sm2", demo),
        "measure",
        measure.id,
        ProposalInput(values={"status": "COMPLETED", "narrative": "Target met in August."}, reasons=WHY, evidence=CSV),
        submit=True,
    )
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    assert db.session.get(PerformanceMeasure, measure.id).status == "COMPLETED"
    assert plan_read.plan_summary(plan_read.get_plan()).measures.completed == 35


def test_audit_records_cannot_be_updated_or_deleted(ctx: Any, demo: dict[str, Any]) -> None:
    for statement in ("UPDATE audit_events SET summary = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.query(AuditEvent).filter(AuditEvent.summary == "forged").count() == 0


def test_submitted_evidence_cannot_be_deleted_or_replaced(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    evidence_id = p.evidence[0].id
    for statement in (
        f"DELETE FROM evidence WHERE id = {evidence_id}",
        f"UPDATE evidence SET sha256 = 'x' WHERE id = {evidence_id}",
    ):
        with pytest.raises(Exception, match="permanent"):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.get(Evidence, evidence_id) is not None


def test_every_proposal_event_is_audited(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    proposals.challenge(user("pm", demo), p.id, p.version, "Evidence of sign-off?")
    proposals.respond(user("sm2", demo), p.id, p.version, "Signed off by the AD on the 3rd.", EvidenceInput())
    proposals.approve(user("pm", demo), p.id, p.version, note="Evidence checked")
    kinds = [e.kind for e in db.session.query(AuditEvent).filter_by(object_type="proposal").order_by(AuditEvent.id)]
    assert kinds == ["proposal.created", "proposal.submitted", "proposal.challenged", "proposal.responded"]
    assert db.session.query(AuditEvent).filter_by(kind="evidence.added").count() == 1
    assert db.session.query(AuditEvent).filter_by(kind="action.changed").count() == 1


def test_notifications_reach_the_right_people(ctx: Any, demo: dict[str, Any]) -> None:
    from app.services import notifications

    p = submitted(demo)
    assert notifications.unread_count(demo["users"]["pm"]) == 1
    proposals.challenge(user("pm", demo), p.id, p.version, "Which posts?")
    assert notifications.unread_count(demo["users"]["sm2"]) == 1
    assert "challenged your proposal" in notifications.for_user(demo["users"]["sm2"])[0].message


def test_two_project_managers_approving_at_once_exactly_one_wins(app: Flask, demo: dict[str, Any]) -> None:
    from app.policy import SYSTEM
    from app.services import accounts

    with app.test_request_context():
        accounts.create_user(
            SYSTEM,
            email="pm2@example.org",
            name="Second Reviewer",
            role="project_manager",
            password="quiet orchard lantern",
        )
        p = submitted(demo)
        proposal_id, version = p.id, p.version
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve_as(email: str) -> None:
        with app.test_request_context():
            me = db.session.query(User).filter_by(email=email).one()
            db.session.commit()
            barrier.wait()
            try:
                proposals.approve(me, proposal_id, version, note="Evidence checked")
                outcomes.append("approved")
            except Conflict as conflict:
                outcomes.append(conflict.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve_as, args=(e,)) for e in ("pm@example.org", "pm2@example.org")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o == "approved" for o in outcomes) == [False, True], outcomes
    assert any("already been decided" in o for o in outcomes)
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(kind="action.changed").count() == 1
        assert db.session.get(Action, demo["actions"]["3.3"]).version == 2
        db.session.remove()


def test_a_status_change_without_its_justification_is_refused_and_nothing_saved(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo),
            "action",
            demo["actions"]["3.3"],
            ProposalInput(values={"status": "COMPLETED", "progress": "Posts filled."}, evidence=CSV),
            submit=True,
        )
    assert refused.value.errors == {"status_reason": "Enter why the status is changing"}
    assert db.session.query(Proposal).count() == 0, "nothing half-saved"


def test_approval_without_a_note_is_refused_and_the_proposal_stays_submitted(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    with pytest.raises(ValidationFailed) as refused:
        proposals.approve(user("pm", demo), p.id, p.version, note="   ")
    assert refused.value.errors["note"].startswith("Enter why you are approving this change")
    db.session.rollback()
    assert db.session.get(Proposal, p.id).state == "submitted"
    assert db.session.get(Action, demo["actions"]["3.3"]).status == "IN_PROGRESS"


def test_the_approval_records_the_justification_and_the_note_as_its_why(ctx: Any, demo: dict[str, Any]) -> None:
    flag = ProposalInput(
        values={"at_risk": True}, reasons={"at_risk": "Key partner has withdrawn from the scheme"}, evidence=CSV
    )
    p = proposals.create(user("sm2", demo), "action", demo["actions"]["3.3"], flag, submit=True)
    proposals.approve(user("pm", demo), p.id, p.version, note="Confirmed with the partner's director")
    event = db.session.query(AuditEvent).filter_by(kind="action.changed").order_by(AuditEvent.id.desc()).first()
    assert event.reason == (
        "Justification: Key partner has withdrawn from the scheme. Approver's note: Confirmed with the partner's director."
    )
    assert "at_risk" not in event.reason and "at_risk" not in event.summary
    assert "Flagged as in danger of missing its deadline" in event.summary


def test_a_status_change_without_reason_or_evidence_is_told_both_at_once(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        proposals.create(
            user("sm2", demo), "action", demo["actions"]["3.3"], ProposalInput(values={"status": "STATIC"}), submit=True
        )
    assert set(refused.value.errors) == {"status_reason", "evidence_file"}
