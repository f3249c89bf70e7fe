"""The plan-wide action list comes a page at a time, with GOV.UK pagination whose links keep the filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.clock import today
from app.domain.filters import ActionFilter
from app.domain.status import Status
from app.extensions import db
from app.models import Plan, WorkStream
from app.services import plan_read
from tests import approving


def _refs(html: str) -> list[str]:
    return re.findall(r'<span class="govuk-visually-hidden">Action </span>([^<\s]+)\s*</a>', html)


def _plan_order(app: Flask, action_filter: ActionFilter) -> list[str]:
    with app.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        return [a.reference for a in plan_read.find_actions(plan_id, action_filter, today())]


@pytest.fixture
def ten_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_read, "ACTIONS_PER_PAGE", 10)


def test_page_two_lists_the_next_rows(app: Flask, login: Any, ten_a_page: None) -> None:
    everything = _plan_order(app, ActionFilter())
    assert len(everything) > 20
    client = login("pm")
    first = client.get("/actions").get_data(as_text=True)
    assert _refs(first) == everything[:10]
    assert f"Showing 1 to 10 of {len(everything)} live actions" in first
    assert 'class="govuk-pagination' in first
    assert 'href="/actions?page=2"' in first
    second = client.get("/actions?page=2").get_data(as_text=True)
    assert _refs(second) == everything[10:20]
    assert f"Showing 11 to 20 of {len(everything)} live actions" in second
    assert 'href="/actions?page=1"' in second and 'href="/actions?page=3"' in second
    assert 'aria-current="page"' in second


def test_the_filters_stay_in_the_page_links_and_the_fragment_is_paged_too(
    app: Flask, login: Any, ten_a_page: None
) -> None:
    matching = _plan_order(app, ActionFilter(status=Status.IN_PROGRESS))
    assert len(matching) > 10
    client = login("pm")
    page = client.get("/actions?status=IN_PROGRESS").get_data(as_text=True)
    assert _refs(page) == matching[:10]
    assert f"of {len(matching)} actions matching the filters" in page
    assert 'href="/actions?status=IN_PROGRESS&amp;page=2"' in page
    fragment = client.get("/actions?status=IN_PROGRESS&page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert _refs(fragment) == matching[10:20]
    assert 'href="/actions?status=IN_PROGRESS&amp;page=1"' in fragment
    assert "IN_PROGRESS" not in re.sub(r'href="[^"]*"', "", fragment)  # only in links, never in the words


def test_a_page_past_the_end_shows_the_last_page_and_one_page_shows_no_pagination(
    app: Flask, login: Any, ten_a_page: None
) -> None:
    everything = _plan_order(app, ActionFilter())
    client = login("pm")
    last = client.get("/actions?page=999").get_data(as_text=True)
    pages = -(-len(everything) // 10)
    assert _refs(last) == everything[(pages - 1) * 10 :]
    assert client.get("/actions?page=nonsense").status_code == 200
    with app.app_context():
        first_ws = db.session.scalars(select(WorkStream.id).order_by(WorkStream.number).limit(1)).one()
    few = _plan_order(app, ActionFilter(work_stream_id=first_ws))
    assert 0 < len(few) <= 10
    only = client.get(f"/actions?work_stream={first_ws}").get_data(as_text=True)
    assert "govuk-pagination" not in only
    assert _refs(only) == few


def test_a_page_of_the_list_is_kept_until_the_plan_changes_and_an_approval_shows_at_once(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """Asked for again, a page of the list is the one already drawn: no query over the actions. An approved change
    is a new version of the plan, so the next request draws it again and the action has moved."""
    client = login("pm")
    first = client.get("/actions?status=IN_PROGRESS").get_data(as_text=True)
    assert "3.3" in _refs(first)
    with count_queries() as queries:
        again = client.get("/actions?status=IN_PROGRESS").get_data(as_text=True)
    assert _refs(again) == _refs(first)
    assert not [s for s in queries.statements if "FROM actions" in s], "the kept page was drawn again"

    approving.complete(app, demo, "3.3")
    after = client.get("/actions?status=IN_PROGRESS").get_data(as_text=True)
    assert "3.3" not in _refs(after), "the approval did not reach the kept list"
    assert "3.3" in _refs(client.get("/actions?status=COMPLETED").get_data(as_text=True))
