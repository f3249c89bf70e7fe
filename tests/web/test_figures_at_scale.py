"""The dashboard, the committee landing page, the figures' API, `flask risks refresh`, presenting and the
exports at 1x and 20x the demo: the same number of queries, pages of a bounded size, and a workbook the app
exported (140 work streams, more sheets than the old limit of 50) that reads back in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Action, Baseline, CommitteeMeeting, Plan, WorkStream
from app.policy import SYSTEM
from app.services import audit, demo_scale, excel_io, meetings, risks
from tests.conftest import PASSWORD

PAGES = {
    "dashboard": "/",
    "dashboard, polled": "/?poll=1",
    "committee landing": "/committee",
    "summary API": "/api/v1/summary",
    "summary API, page 2": "/api/v1/summary?per_page=5&page=2",
    "trend API": "/api/v1/trend",
}


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements this app runs inside the block."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _measure(app: Flask) -> tuple[dict[str, int], dict[str, int]]:
    """Queries per page and operation, and each page's size in bytes."""
    client: Any = app.test_client()
    assert client.login("pm@example.org", PASSWORD).status_code == 302
    queries, sizes = {}, {}
    for name, url in PAGES.items():
        client.get(url)  # warm: the first request of a session loads what later ones reuse
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[name], sizes[name] = len(statements), len(response.get_data())
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        plan_id = plan.id
        risks.refresh(plan_id)
    with app.app_context(), counting(app) as statements:
        risks.refresh(plan_id)
    queries["flask risks refresh"] = len(statements)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        meeting = meetings.create_meeting(SYSTEM, plan_id, meetings.DEFAULT_COMMITTEE, plan.start_date, "An Officer")
        meeting_id = meeting.id
    with app.app_context(), counting(app) as statements:
        meetings.present(SYSTEM, meeting_id, prepare_pack=False)
    queries["presenting"] = len(statements)
    with app.app_context(), counting(app) as statements:
        assert sum(1 for _ in audit.csv_text(audit.AuditFilter())) > 1
    queries["audit CSV"] = len(statements)
    return queries, sizes


def _app(make_app: Callable[..., Flask], scale: int) -> Flask:
    app = make_app()
    with app.app_context():
        demo_scale.seed_scaled(scale)
    return app


def test_queries_and_sizes_do_not_grow_with_the_plan(make_app: Callable[..., Flask]) -> None:
    small_app, large_app = _app(make_app, 1), _app(make_app, 20)
    small, small_sizes = _measure(small_app)
    large, large_sizes = _measure(large_app)
    assert all(small.values()), small  # every page and operation was counted
    assert large == small
    for name, size in large_sizes.items():  # bounded pages: 20 times the plan is not 20 times the page
        if name != "summary API":  # its first page: the demo's 7 work streams, then 50 of the 140
            assert size < 2 * small_sizes[name] + 4_000, (name, small_sizes[name], size)
    assert large_sizes["summary API"] < 10 * small_sizes["summary API"]
    with large_app.app_context():
        assert db.session.scalar(select(func.count(Baseline.id))) >= 3
        assert db.session.scalar(select(func.count(CommitteeMeeting.id)))


def test_a_workbook_exported_at_scale_imports_as_a_new_plan(make_app: Callable[..., Flask]) -> None:
    app = _app(make_app, 20)
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        workbook = excel_io.export_plan(plan.id)
        preview = excel_io.preview_import(workbook)
        assert preview.ok, preview.problems[:3]
        assert preview.counts["work_streams"] == 140 > excel_io.MAX_SHEETS // 10
        assert preview.counts["actions"] == 52 * 20 and preview.counts["measures"] == 114 * 20
        with counting(app) as statements:
            new = excel_io.apply_import(SYSTEM, preview, title_override="The plan, imported")
        assert len(statements) < 400  # bulk writes, and no query per action for the risk register
        assert (
            db.session.scalar(
                select(func.count(Action.id))
                .join(WorkStream, WorkStream.id == Action.work_stream_id)
                .where(WorkStream.plan_id == new.id)
            )
            == 52 * 20
        )
