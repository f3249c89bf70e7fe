"""Changes in the words people use: what changed, from and to, never a stored value or a field's name."""

from __future__ import annotations

from app.domain.changes import FieldChange, date_words, describe_change, what_words
from app.domain.proposals import ACTION_FIELDS, NEEDS_JUSTIFICATION, approval_reason, justification_words


def test_a_status_change_needs_a_justification_like_every_other_change_but_the_narrative() -> None:
    assert "status" in NEEDS_JUSTIFICATION and "at_risk" in NEEDS_JUSTIFICATION
    assert "progress" not in NEEDS_JUSTIFICATION and "narrative" not in NEEDS_JUSTIFICATION


def test_an_approved_status_change_and_narrative_in_words() -> None:
    parts = describe_change(
        "action.changed",
        {"status": "IN_PROGRESS", "progress": "Old words"},
        {"status": "COMPLETED", "progress": "New words", "proposal_id": 7},
    )
    assert parts == [
        FieldChange("Status", "Status changed from IN PROGRESS to COMPLETED", "IN PROGRESS", "COMPLETED"),
        FieldChange("Progress - actions", "Progress updated", "Old words", "New words"),
    ]
    assert what_words(parts) == "Status changed from IN PROGRESS to COMPLETED; progress updated"


def test_a_deadline_move_and_a_flag_in_words() -> None:
    [moved] = describe_change("action.changed", {"deadline": "2015-09-30"}, {"deadline": "2015-12-31"})
    assert moved.what == "Deadline moved from 30 September 2015 to 31 December 2015"
    [flag] = describe_change("action.changed", {"at_risk": False}, {"at_risk": True})
    assert flag.what == "Flagged as in danger of missing its deadline"
    assert (flag.before, flag.after) == ("Not in danger of missing its deadline", "In danger of missing its deadline")
    [unflag] = describe_change("action.changed", {"at_risk": True}, {"at_risk": False})
    assert unflag.what == "No longer flagged as in danger of missing its deadline"


def test_the_plan_editors_changes_in_words() -> None:
    assert describe_change("action.created", None, {"title": "Audit", "status": "IN_PROGRESS"})[0].what == (
        "New action added"
    )
    assert describe_change("work_stream.created", None, {"number": 8, "title": "Early Intervention"}) == [
        FieldChange("Work stream", "New work stream added", "", "Early Intervention")
    ]
    [retired] = describe_change("action.retired", {"retired_on": None}, {"retired_on": "2015-08-03"})
    assert (retired.what, retired.after) == ("Retired", "Retired on 3 August 2015")
    [back] = describe_change("action.unretired", {"retired_on": "2015-08-03"}, {"retired_on": None})
    assert (back.what, back.before) == ("Returned to the plan", "Retired on 3 August 2015")
    edited = describe_change(
        "action.edited",
        {"title": "Old", "key_targets": "A", "owner": "Sarah Whitfield"},
        {"title": "New", "key_targets": "B", "owner": "Tom Adeyemi"},
    )
    assert [p.what for p in edited] == [
        "Title reworded",
        "Key targets reworded",
        "Owner changed from Sarah Whitfield to Tom Adeyemi",
    ]


def test_no_stored_value_or_field_name_leaks_into_the_words() -> None:
    before = {"status": "IN_PROGRESS", "at_risk": False, "key_targets": "A", "measures_and_milestones": "B"}
    after = {"status": "STATIC", "at_risk": True, "key_targets": "C", "measures_and_milestones": "D"}
    parts = describe_change("action.changed", before, after)
    words = " ".join(f"{p.what} {p.label} {p.before} {p.after}" for p in parts)
    for internal in ("IN_PROGRESS", "at_risk", "key_targets", "measures_and_milestones", "True", "False"):
        assert internal not in words


def test_the_justification_and_the_approvers_note_make_the_approvals_why() -> None:
    one = {"at_risk": {"from": False, "to": True, "reason": "Key partner has withdrawn"}}
    assert justification_words(ACTION_FIELDS, one) == "Key partner has withdrawn"
    two = {
        "status": {"reason": "Posts filled"},
        "deadline": {"reason": "Recruitment took longer"},
        "progress": {"reason": ""},
    }
    assert justification_words(ACTION_FIELDS, two) == "Status: Posts filled; Deadline: Recruitment took longer"
    assert approval_reason("Key partner has withdrawn", "Confirmed with the partner.") == (
        "Justification: Key partner has withdrawn. Approver's note: Confirmed with the partner."
    )


def test_dates_in_words() -> None:
    assert date_words("2015-09-30") == "30 September 2015"
    assert date_words(None) == "none set"
