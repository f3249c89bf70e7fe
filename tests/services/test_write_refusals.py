"""Every write service refuses by itself: called directly (no view, no decorator) by each role it must refuse.

Rights come from the role held now: an author moved to the committee keeps no right over their proposals.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from app.clock import today
from app.extensions import db
from app.models import User
from app.policy import SYSTEM, PermissionDenied
from app.services import accounts, checklist_workbook, excel_io, mail, meetings, plan_editor, proposals, risks, rounds
from app.services.excel_io import ImportPreview
from app.services.plan_editor import ActionDraft
from app.services.proposals import EvidenceInput, ProposalInput
from app.services.risks import EntryInput
from tests.conftest import Databases
from tests.web.test_permissions import make_meetings, make_work_stream_things

ROLES = ("admin", "pm", "sm1", "sm2", "smt", "committee", "demoted")
STRONG = "walnut harbour velvet compass"

Call = Callable[[User, dict[str, Any]], object]


def _entry(ids: dict[str, Any]) -> EntryInput:
    return EntryInput(
        likelihood=3, impact=3, mitigations="More checks", remedial_actions="Weekly review",
        next_review_on=date(2027, 1, 1), owner_id=None, reason="Reviewed",
    )  # fmt: skip


# service -> (call, the roles that may make it: every other role must get PermissionDenied)
WRITES: dict[str, tuple[Call, set[str]]] = {
    "proposals.create": (
        lambda u, ids: proposals.create(
            u, "action", ids["actions"]["1.6"], ProposalInput(values={"progress": "New words."})
        ),
        {"pm", "sm1"},
    ),
    "proposals.edit": (
        lambda u, ids: proposals.edit(u, ids["draft"], 0, ProposalInput(values={"progress": "Edited."})),
        {"sm1"},
    ),
    "proposals.submit": (lambda u, ids: proposals.submit(u, ids["draft"], 0), {"sm1"}),
    "proposals.withdraw": (lambda u, ids: proposals.withdraw(u, ids["draft"], 0), {"sm1"}),
    "proposals.challenge": (lambda u, ids: proposals.challenge(u, ids["submitted"], 0, "Why?"), {"pm"}),
    "proposals.reject": (lambda u, ids: proposals.reject(u, ids["submitted"], 0, "Not enough evidence"), {"pm"}),
    "proposals.approve": (lambda u, ids: proposals.approve(u, ids["submitted"], 0, note="Agreed"), {"pm"}),
    "proposals.respond": (
        lambda u, ids: proposals.respond(u, ids["submitted"], 0, "Because.", EvidenceInput()),
        {"sm1"},
    ),
    "proposals.evidence_for_download": (
        lambda u, ids: proposals.evidence_for_download(u, ids["evidence"]),
        {"pm", "sm1", "smt"},
    ),
    "plan_editor.add_action": (
        lambda u, ids: plan_editor.add_action(u, ids["work_streams"][1], ActionDraft(title="New"), "Needed"),
        {"pm"},
    ),
    "plan_editor.edit_action": (
        lambda u, ids: plan_editor.edit_action(u, ids["actions"]["1.3"], 0, ActionDraft(title="Edited"), "Why"),
        {"pm"},
    ),
    "plan_editor.set_retired": (
        lambda u, ids: plan_editor.set_retired(u, ids["actions"]["1.3"], 0, True, "Done with"),
        {"pm"},
    ),
    "plan_editor.add_work_stream": (
        lambda u, ids: plan_editor.add_work_stream(u, ids["plan_id"], "Another", "Needed"),
        {"pm"},
    ),
    "plan_editor.add_measure": (
        lambda u, ids: plan_editor.add_measure(
            u, ids["work_streams"][1], reference="1.M9", description="More", target="90%", checkpoint=6, reason="Why"
        ),
        {"pm"},
    ),
    "plan_editor.edit_measure": (
        lambda u, ids: plan_editor.edit_measure(u, ids["measure"], 0, description="D", target="T", reason="Why"),
        {"pm"},
    ),
    "plan_editor.make_current": (lambda u, ids: plan_editor.make_current(u, ids["plan_id"], "Why"), {"pm"}),
    "risks.edit": (lambda u, ids: risks.edit(u, ids["risk"], 0, _entry(ids)), {"pm", "sm1"}),
    "risks.set_escalated": (lambda u, ids: risks.set_escalated(u, ids["risk"], 0, True, "Worse"), {"smt"}),
    "risks.add_comment": (lambda u, ids: risks.add_comment(u, ids["risk"], "A comment"), {"pm", "sm1", "smt"}),
    "risks.set_warning_window": (lambda u, ids: risks.set_warning_window(u, ids["plan_id"], 30, "Why"), {"pm"}),
    "meetings.create_meeting": (
        lambda u, ids: meetings.create_meeting(u, ids["plan_id"], "Scrutiny", date(2027, 3, 1)),
        {"pm"},
    ),
    "meetings.present": (lambda u, ids: meetings.present(u, ids["upcoming"]), {"pm"}),
    "meetings.update_details": (
        lambda u, ids: meetings.update_details(
            u, ids["upcoming"], contact_officer="A Person", contact_telephone="", report_author="", checkpoint=12
        ),
        {"pm"},
    ),
    "meetings.set_checkpoint": (lambda u, ids: meetings.set_checkpoint(u, ids["upcoming"], 12), {"pm"}),
    "meetings.save_narrative": (
        lambda u, ids: meetings.save_narrative(u, ids["upcoming"], {"summary": "Words"}),
        {"pm"},
    ),
    "accounts.create_user": (
        lambda u, ids: accounts.create_user(u, email="n@example.org", name="N Person", role="pm", password=STRONG),
        {"admin"},
    ),
    "accounts.update_user": (
        lambda u, ids: accounts.update_user(
            u, ids["users"]["sm2"], name="Renamed", job_title="", role="service_manager", work_stream_ids=[]
        ),
        {"admin"},
    ),
    "accounts.set_active": (lambda u, ids: accounts.set_active(u, ids["users"]["sm2"], False, "Left"), {"admin"}),
    "accounts.set_password": (lambda u, ids: accounts.set_password(u, ids["users"]["sm2"], STRONG), {"admin"}),
    "excel_io.apply_import": (lambda u, ids: excel_io.apply_import(u, ImportPreview()), {"pm"}),
    "rounds.open_for_month": (
        lambda u, ids: rounds.open_for_month(u, ids["plan_id"], date(2027, 3, 1), date(2027, 3, 15)),
        {"pm"},
    ),
    "rounds.close": (lambda u, ids: rounds.close(u, ids["round"], 0), {"pm"}),
    "rounds.record_no_change": (lambda u, ids: rounds.record_no_change(u, ids["round_item"], "No change"), {"sm1"}),
    "checklist_workbook.apply": (
        lambda u, ids: checklist_workbook.apply(u, ids["round"], b""),
        {"pm", "sm1", "sm2"},  # each their own checklist; an empty file is then refused as such
    ),
    "mail.retry": (lambda u, ids: mail.retry(u, 1), {"admin"}),
}

REFUSED = [(name, role) for name, (_, allowed) in WRITES.items() for role in ROLES if role not in allowed]


@pytest.fixture(scope="module")
def seeded(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """The demo, sm1's draft and submitted proposals, and "demoted": a service manager who wrote proposals
    in work stream 1, then became a committee member."""
    app = databases.app(tmp_path_factory.mktemp("refusals"), demo=True)
    ids = copy.deepcopy(databases.demo_ids)
    with app.app_context():
        ids.update(make_meetings(ids))
        ids.update(make_work_stream_things(ids, "sm1"))
        demoted = accounts.create_user(
            SYSTEM, email="moved@example.org", name="Moved Person", role="service_manager", password=STRONG,
            work_stream_ids=[ids["work_streams"][1]],
        )  # fmt: skip
        draft = proposals.create(demoted, "action", ids["actions"]["1.6"], ProposalInput(values={"progress": "Mine"}))
        submitted = proposals.create(
            demoted,
            "action",
            ids["actions"]["1.8"],
            ProposalInput(
                values={"progress": "Done."},
                evidence=EvidenceInput(filename="mine.csv", data=b"a,b\n1,2\n", note="Mine"),
            ),
            submit=True,
        )
        ids["demoted_draft"], ids["demoted_submitted"] = draft.id, submitted.id
        ids["demoted_evidence"] = submitted.evidence[0].id
        accounts.update_user(
            SYSTEM, demoted.id, name=demoted.name, job_title="", role="committee_member", work_stream_ids=[]
        )
        ids["users"]["demoted"] = demoted.id
        sm1 = db.session.get(User, ids["users"]["sm1"])
        opened = rounds.open_for_month(
            db.session.get(User, ids["users"]["pm"]), ids["plan_id"], today(), today() + timedelta(days=14)
        )
        ids["round"], ids["round_item"] = opened.id, rounds.checklist(sm1, opened.id).items[0].item.id
    yield app, ids
    databases.close(app)


@pytest.mark.parametrize(("service", "role"), REFUSED, ids=[f"{s}-{r}" for s, r in REFUSED])
def test_each_write_service_refuses_each_role_it_must(
    seeded: tuple[Flask, dict[str, Any]], service: str, role: str
) -> None:
    app, ids = seeded
    call, _ = WRITES[service]
    with app.app_context():
        actor = db.session.get(User, ids["users"][role])
        with pytest.raises(PermissionDenied):
            call(actor, ids)
        db.session.rollback()


def test_a_committee_member_is_refused_every_write_service() -> None:
    assert all("committee" not in allowed and "demoted" not in allowed for _, allowed in WRITES.values())


@pytest.mark.parametrize("event", ["edit", "submit", "withdraw"])
def test_a_demoted_author_cannot_change_their_own_draft(seeded: tuple[Flask, dict[str, Any]], event: str) -> None:
    app, ids = seeded
    with app.app_context():
        demoted = db.session.get(User, ids["users"]["demoted"])
        calls = {
            "edit": lambda: proposals.edit(demoted, ids["demoted_draft"], 0, ProposalInput(values={"progress": "X"})),
            "submit": lambda: proposals.submit(demoted, ids["demoted_draft"], 0),
            "withdraw": lambda: proposals.withdraw(demoted, ids["demoted_draft"], 0),
        }
        with pytest.raises(PermissionDenied):
            calls[event]()
        db.session.rollback()


def test_a_demoted_author_can_no_longer_open_their_proposals_or_download_their_evidence(
    seeded: tuple[Flask, dict[str, Any]],
) -> None:
    app, ids = seeded
    with app.app_context():
        demoted = db.session.get(User, ids["users"]["demoted"])
        for proposal_id in (ids["demoted_draft"], ids["demoted_submitted"]):
            with pytest.raises(PermissionDenied):
                proposals.get_for(demoted, proposal_id)
        with pytest.raises(PermissionDenied):
            proposals.evidence_for_download(demoted, ids["demoted_evidence"])
        assert proposals.visible_for_target(demoted, "action", ids["actions"]["1.8"]) == []
