"""The long lists (changes, compare, work streams, risks, review, audit, notifications) come a page at a time:
the same queries at 1x and 20x the demo, GOV.UK pagination whose links keep the filters, the whole list still
in the CSV, and a work stream filter that stays usable at hundreds of work streams."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.clock import today
from app.domain.filters import ActionFilter
from app.domain.status import Status
from app.extensions import db
from app.models import Baseline, Notification, Plan, User, WorkStream
from app.services import audit, demo_scale, lists, meetings, notifications, plan_read, proposals, risks
from tests.conftest import PASSWORD


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _scaled(make_app: Callable[..., Flask], scale: int) -> Flask:
    app = make_app()
    with app.app_context():
        demo_scale.seed_scaled(scale)
    return app


def _pages(app: Flask) -> dict[str, tuple[str, dict[str, str]]]:
    with app.app_context():
        a, b = db.session.scalars(select(Baseline.id).order_by(Baseline.presented_at)).all()[-2:]
        ws_id = db.session.scalars(select(WorkStream.id).order_by(WorkStream.number).limit(1)).one()
    htmx = {"HX-Request": "true"}
    return {
        "changes": ("/changes", {}),
        "changes, page 2": ("/changes?page=2", {}),
        "changes, filtered fragment": ("/changes?kind=action.changed&page=2", htmx),
        "changes, a work stream": (f"/changes?work_stream={ws_id}", {}),
        "compare": (f"/baselines/compare?a={a}&b={b}", {}),
        "compare, page 2": (f"/baselines/compare?a={a}&b={b}&page=2", {}),
        "work streams": ("/work-streams", {}),
        "work streams, page 2": ("/work-streams?page=2", {}),
        "work streams, searched": ("/work-streams?q=i", {}),
        "risks": ("/risks", {}),
        "risks, page 2, filtered": ("/risks?escalated=no&page=2", {}),
        "risks fragment": ("/risks", htmx),
        "review": ("/review", {}),
        "review, page 2": ("/review?page=2", {}),
        "audit": ("/audit", {}),
        "audit, page 2, filtered": ("/audit?kind=proposal&page=2", {}),
        "notifications": ("/notifications", {}),
        "notifications, page 2": ("/notifications?page=2", {}),
    }


PICKER_PAGES = ("/changes", "/risks", "/review", "/audit")  # the pages whose filters have a work stream picker


def _queries(app: Flask, count_queries: Any) -> tuple[dict[str, int], dict[str, int], dict[str, bool]]:
    """Each page's queries and size, and whether its work stream filter lists the work streams."""
    client: Any = app.test_client()
    assert client.login("pm@example.org", PASSWORD).status_code == 302
    with app.app_context():  # the project manager has notifications enough for two pages at either scale
        pm = db.session.scalars(select(User.id).where(User.email == "pm@example.org")).one()
        db.session.add_all(Notification(user_id=pm, message=f"Notice {n}.", link="/") for n in range(120))
        db.session.commit()
    counts, sizes, pickers = {}, {}, {}
    for name, (url, headers) in _pages(app).items():
        client.get(url, headers=headers)  # warm: the first request of a session loads what later ones reuse
        with count_queries() as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        counts[name], sizes[name] = counter.count, len(response.data)
        pickers[name] = 'name="work_stream"' in response.get_data(as_text=True) and "<select" in response.get_data(
            as_text=True
        )
    return counts, sizes, pickers


def test_the_long_lists_run_the_same_queries_at_1x_and_20x(make_app: Callable[..., Flask], count_queries: Any) -> None:
    small, small_sizes, small_pickers = _queries(_scaled(make_app, 1), count_queries)
    large_app = _scaled(make_app, 20)
    large, large_sizes, large_pickers = _queries(large_app, count_queries)
    # The only difference allowed: up to lists.PICKER_LIMIT work streams the work stream filter is a <select>
    # of them (one query); past it, a box for the number (none). Anything that grows with the plan fails here.
    assert small_pickers["changes"] and not large_pickers["changes"], "a <select> at 1x, a box at 20x"
    pages = _pages(large_app)
    pickers = {name for name in small if pages[name][0].split("?")[0] in PICKER_PAGES}
    # Pages kept whole (`render_kept`): asked for again, they read no work streams at either scale. Only the
    # changes page's htmx fragment, kept in parts, still lists them for its filter.
    pickers = {n for n in pickers if n.startswith("changes") and "fragment" in n}
    expected = {name: count - (1 if name in pickers else 0) for name, count in small.items()}
    # A page of the review queue loads the actions and the measures its proposals are about: one query each,
    # and only for the kinds on that page (at 20x the second page holds both, the first measures only).
    for name in ("review", "review, page 2"):
        assert expected[name] <= large[name] <= expected[name] + 1, (name, small, large)
        large[name] = expected[name]
    assert large == expected, (small, large)
    assert max(large_sizes.values()) < 250_000, large_sizes  # a page, not the whole list: no megabytes
    with large_app.app_context():  # and the pages really are pages of longer lists at 20x
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        assert meetings.changes_since_last_meeting_page(plan_id)[1].total > meetings.CHANGES_PER_PAGE
        assert lists.work_streams_page(plan_id).total == 140


@pytest.fixture
def scaled(make_app: Callable[..., Flask]) -> Flask:
    """The demo once over with a made-up history (`flask demo seed --scale 1`): changes since the last meeting,
    risk entries, waiting proposals and a trail long enough to page."""
    return _scaled(make_app, 1)


@pytest.fixture
def signed_in(scaled: Flask) -> Callable[[str], Any]:
    def _login(who: str) -> Any:
        client: Any = scaled.test_client()
        assert client.login(f"{who}@example.org", PASSWORD).status_code == 302
        return client

    return _login


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows a page, so the demo's lists run to several pages."""
    for module, name in [
        (meetings, "CHANGES_PER_PAGE"),
        (meetings, "COMPARED_PER_PAGE"),
        (lists, "WORK_STREAMS_PER_PAGE"),
        (risks, "REGISTER_PER_PAGE"),
        (proposals, "REVIEW_PER_PAGE"),
        (audit, "TRAIL_PER_PAGE"),
        (notifications, "NOTIFICATIONS_PER_PAGE"),
    ]:
        monkeypatch.setattr(module, name, 3)


def _links(html: str) -> list[str]:
    nav = re.search(r'<nav class="govuk-pagination.*?</nav>', html, re.S)
    assert nav, "no pagination"
    return [html_lib.unescape(h) for h in re.findall(r'<a[^>]+href="([^"]+)"', nav.group(0))]


def test_the_changes_come_a_page_at_a_time_in_the_reports_order_with_the_filter_kept(
    scaled: Flask, signed_in: Any, small_pages: None
) -> None:
    with scaled.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        _, every = meetings.changes_since_last_meeting(plan_id, kind="action.changed")
    assert len(every) > 3
    pm = signed_in("pm")
    first = pm.get("/changes?kind=action.changed").get_data(as_text=True)
    assert f"{len(every)} approved changes" in _text(first) and "Showing 1 to 3, oldest first" in _text(first)
    assert "/changes?kind=action.changed&page=2" in _links(first)
    second = pm.get("/changes?kind=action.changed&page=2").get_data(as_text=True)
    shown = re.findall(r'href="/actions/(\d+)"', second.split('id="changes"')[1])
    assert [int(a) for a in shown] == [line.action_id for line in every[3:6]]
    assert 'aria-current="page"' in second
    fragment = pm.get("/changes?kind=action.changed&page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "/changes?kind=action.changed&page=3" in _links(fragment)


def test_the_changes_csv_is_every_change_however_many_pages(
    scaled: Flask, signed_in: Any, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meetings, "CHANGES_BATCH", 2)  # read in batches of two: the CSV joins them up
    with scaled.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        _, every = meetings.changes_since_last_meeting(plan_id)
    response = signed_in("pm").get("/changes.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark, as a spreadsheet wants
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == len(every) + 1 and len(every) > 3
    assert [row[2] for row in rows[1:]] == [line.what for line in every]


def test_the_report_still_gets_every_change(scaled: Flask, small_pages: None) -> None:
    with scaled.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        column = meetings.changes_column(plan_id)
        _, every = meetings.changes_since_last_meeting(plan_id)
        assert sum(len(v) for v in column.values()) == len([line for line in every if line.action_id])
        assert len(every) > 3


def test_the_work_stream_list_pages_and_searches(scaled: Flask, signed_in: Any, small_pages: None) -> None:
    pm = signed_in("pm")
    first = pm.get("/work-streams").get_data(as_text=True)
    assert "Showing 1 to 3 of 7 work streams" in _text(first)
    assert "/work-streams?page=3" in _links(first)
    third = pm.get("/work-streams?page=3").get_data(as_text=True)
    assert "Showing 7 to 7 of 7 work streams" in _text(third)
    assert "vii." in _text(third) and " i." not in _text(third).split("Run by")[1]
    found = pm.get("/work-streams?q=iv").get_data(as_text=True)
    assert 'value="iv"' in found  # the typing is kept
    assert "iv." in _text(found)
    with scaled.app_context():
        matching = db.session.scalar(
            select(func.count(WorkStream.id)).where(
                func.lower(WorkStream.title).like("%iv%") | (WorkStream.number == 4)
            )
        )
    assert f"{matching} work stream" in _text(found)
    none = pm.get("/work-streams?q=nothing+like+this")
    assert none.status_code == 200 and "No work streams match “nothing like this”" in _text(none.get_data(as_text=True))


def test_the_risk_register_review_queue_audit_trail_and_notifications_page_with_filters_kept(
    scaled: Flask, signed_in: Any, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(risks, "REGISTER_PER_PAGE", 1)  # the register at 1x holds a handful
    pm = signed_in("pm")
    register = pm.get("/risks?escalated=no").get_data(as_text=True)
    assert "/risks?escalated=no&page=2" in _links(register)
    with scaled.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        every = risks.entries(plan_id, risks.RegisterFilter(escalated=False))
    second = pm.get("/risks?escalated=no&page=2").get_data(as_text=True)
    assert f"{len(every)} open entries match the filters" in _text(second)
    assert len(every) > 1 and f'href="/risks/{every[1].id}"' in second
    assert f'href="/risks/{every[0].id}"' not in second
    heat = re.search(r'id="heat-map".*?</table>', second, re.S)
    assert heat and sum(int(n) for n in re.findall(r">(\d+)<span", heat.group(0))) == len(every)  # all, not a page

    trail = pm.get("/audit?kind=proposal").get_data(as_text=True)
    assert "/audit?kind=proposal&page=2" in _links(trail)
    assert re.search(r"Showing 1 to 3 of \d+ events, newest first", _text(trail))

    sm1 = signed_in("sm1")
    with scaled.app_context():
        user = db.session.scalars(select(User.id).where(User.email == "sm1@example.org")).one()
        db.session.add_all(Notification(user_id=user, message=f"Notice {n}.", link="/") for n in range(4))
        db.session.commit()
    assert "/notifications?page=2" in _links(sm1.get("/notifications").get_data(as_text=True))


def test_a_page_past_the_end_is_the_last_page_and_a_garbled_one_the_first(signed_in: Any, small_pages: None) -> None:
    pm = signed_in("pm")
    last = pm.get("/work-streams?page=999")
    assert last.status_code == 200 and "Showing 7 to 7 of 7" in _text(last.get_data(as_text=True))
    for garbled in ("abc", "-1", "99999999999999999999"):
        response = pm.get(f"/audit?page={garbled}")
        assert response.status_code == 200 and "Showing 1 to 3 of" in _text(response.get_data(as_text=True))


def test_baseline_compare_counts_first_then_pages_the_differences(
    scaled: Flask, signed_in: Any, small_pages: None
) -> None:
    with scaled.app_context():
        a, b = db.session.scalars(select(Baseline).order_by(Baseline.presented_at)).all()[-2:]
        differences = meetings.compare(a, b)
        a_id, b_id = a.id, b.id
    assert len(differences) > 3
    pm = signed_in("pm")
    first = pm.get(f"/baselines/compare?a={a_id}&b={b_id}").get_data(as_text=True)
    counts = _text(first.split('id="comparison-counts"')[1].split("</dl>")[0])
    assert f"Actions that differ {len(differences)}" in counts
    assert f"/baselines/compare?a={a_id}&b={b_id}&page=2" in _links(first)
    second = pm.get(f"/baselines/compare?a={a_id}&b={b_id}&page=2").get_data(as_text=True)
    references = [key.split(":", 1)[1] for key in differences][3:6]
    table = _text(second.split('id="differences"')[1].split("</table>")[0])
    assert all(f" {ref} " in table for ref in references)


def test_the_work_stream_filter_is_a_number_to_type_once_the_plan_is_large(make_app: Callable[..., Flask]) -> None:
    app = _scaled(make_app, 5)  # 35 work streams: more than a <select> should list
    client: Any = app.test_client()
    assert client.login("pm@example.org", PASSWORD).status_code == 302
    for page in ("/changes", "/risks", "/audit", "/actions"):
        html = client.get(page).get_data(as_text=True)
        assert 'name="ws"' in html and 'name="work_stream"' not in html, page
    with app.app_context():
        ws12 = db.session.scalars(select(WorkStream).where(WorkStream.number == 12)).one()
        ws12_id, plan_id = ws12.id, ws12.plan_id
        _, ws12_changes = meetings.changes_since_last_meeting(plan_id, work_stream_id=ws12_id)
    found = client.get("/changes?ws=xii").get_data(as_text=True)
    assert "work stream xii" in _text(found.split("</title>")[0])
    assert 'value="xii"' in found
    assert f"{len(ws12_changes)} approved change" in _text(found)
    assert client.get(f"/changes?work_stream={ws12_id}").get_data(as_text=True).count('href="/actions/') == len(
        [line for line in ws12_changes if line.action_id]
    )
    actions = client.get("/actions?ws=12&status=IN_PROGRESS").get_data(as_text=True)
    assert "Actions: IN PROGRESS, work stream xii" in _text(actions.split("</title>")[0])
    refs = re.findall(r'<span class="govuk-visually-hidden">Action </span>([^<\s]+)', actions)
    with app.app_context():
        in_progress = ActionFilter(status=Status.IN_PROGRESS, work_stream_id=ws12_id)
        expected = [a.reference for a in plan_read.find_actions(plan_id, in_progress, today())]
    assert refs and refs == expected
    wrong = client.get("/risks?ws=zz")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200
    assert "There is a problem" in html and "There is no work stream “zz” in this plan" in _text(html)
    assert 'value="zz"' in html  # the typing is kept
    assert 'href="#ws"' in html  # the error summary links to the box
