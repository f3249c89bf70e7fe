"""`flask ...` commands an operator runs."""

from __future__ import annotations

from flask import Flask

from app.extensions import db
from app.models import Action, User


def test_demo_seed_is_idempotent(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert "Demo plan loaded" in first.output
    assert "Nothing changed" in second.output
    with app.app_context():
        assert db.session.query(Action).count() == 52
        assert db.session.query(User).count() == 7


def test_create_first_administrator_from_the_command_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Head.Of.IT@Council.gov.uk",
            "--name",
            "Head of IT",
            "--role",
            "administrator",
            "--password",
            "granite meadow violin",
        ],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(User).filter_by(email="head.of.it@council.gov.uk", role="administrator").count() == 1


def test_cli_refuses_a_weak_password_with_the_reason(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@b.org",
            "--name",
            "A B",
            "--role",
            "administrator",
            "--password",
            "password",
        ]
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_cli_assigns_work_streams_and_deactivates(app: Flask, demo: dict) -> None:  # type: ignore[type-arg]
    runner = app.test_cli_runner()
    ws7 = demo["work_streams"][7]
    assert runner.invoke(args=["users", "assign", "sm1@example.org", str(ws7)]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "sm1@example.org"]).exit_code == 0
    with app.app_context():
        user = db.session.get(User, demo["users"]["sm1"])
        assert [ws.id for ws in user.work_streams] == [ws7]
        assert user.active is False


def test_demo_with_history_ends_at_the_reports_figures(app: Flask) -> None:
    from app.clock import today
    from app.models import Baseline, CommitteeMeeting, Proposal
    from app.policy import SYSTEM
    from app.services import meetings, plan_read, proposals

    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        plan = plan_read.get_plan()
        summary = plan_read.plan_summary(plan)
        assert summary.actions.as_dict() == {"total": 52, "completed": 25, "in_progress": 27, "static": 0}
        assert summary.measures.as_dict() == {"total": 57, "completed": 34, "in_progress": 23, "static": 0}
        assert db.session.query(Baseline).count() == 1
        july = db.session.query(Baseline).one()
        assert july.snapshot["summary"]["actions"]["completed"] == 21, "four were completed since July"
        baseline, lines = meetings.changes_since_last_meeting(plan.id)
        assert baseline.id == july.id and len(lines) == 7, "four approvals and three retirements since July"
        assert sum("Status changed from IN PROGRESS to COMPLETED" in line.summary for line in lines) == 4
        assert sum(line.kind == "action.retired" for line in lines) == 3
        assert len(proposals.review_queue()) == 1
        assert db.session.query(Proposal).filter_by(state="approved").count() == 25, "every completion approved"
        upcoming = db.session.query(CommitteeMeeting).filter(CommitteeMeeting.baseline == None).one()  # noqa: E711
        if upcoming.meeting_date > today():  # a meeting can be presented on its day or after, never before
            upcoming.meeting_date = today()
            db.session.commit()
        meetings.present(SYSTEM, upcoming.id)
        report = meetings.report_data(db.session.get(CommitteeMeeting, upcoming.id))
        assert (report.actions.total, report.actions.completed, report.actions.in_progress) == (52, 25, 27)
        assert sum(len(a.changes_since) for ws in report.work_streams for a in ws.actions) == 4
        assert sum(len(ws.retired_actions) for ws in report.work_streams) == 6
