"""The plan's figures over HTTP: the summary API a page of work streams at a time, both it and the trend
cached by an ETag from the plan's version (304 while nothing changed), and a dashboard of bounded size
however many work streams the plan has."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Action, Plan, User, WorkStream
from app.services import plan_editor
from tests import approving

FIGURES = ["/api/v1/summary", "/api/v1/trend"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _retire_a_completed_action(app: Flask) -> None:
    """An edit that lands in the plan (and in its audit trail), as the project manager makes it."""
    with app.app_context():
        action = db.session.scalars(
            select(Action).where(Action.status == "COMPLETED", Action.retired_on.is_(None)).limit(1)
        ).one()
        pm = db.session.scalars(select(User).where(User.email == "pm@example.org")).one()
        plan_editor.set_retired(pm, action.id, action.version, True, "No further progress is needed")


def test_figures_answer_304_while_the_plan_is_unchanged(app: Flask, login: Any) -> None:
    client = login("committee")
    for url in FIGURES:
        first = client.get(url)
        assert first.status_code == 200 and first.get_json()
        tag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "private, no-cache"  # kept by the browser, always asked again
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304, url
        assert again.get_data() == b"" and again.headers["ETag"] == tag
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_an_edit_to_the_plan_changes_the_etag(app: Flask, login: Any) -> None:
    client = login("pm")
    tags = {url: client.get(url).headers["ETag"] for url in FIGURES}
    _retire_a_completed_action(app)
    for url, tag in tags.items():
        response = client.get(url, headers={"If-None-Match": tag})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != tag


def test_each_page_of_the_summary_has_its_own_etag(login: Any) -> None:
    client = login("pm")
    one = client.get("/api/v1/summary?per_page=2")
    two = client.get("/api/v1/summary?per_page=2&page=2")
    assert one.headers["ETag"] != two.headers["ETag"]
    assert (
        client.get("/api/v1/summary?per_page=2&page=2", headers={"If-None-Match": one.headers["ETag"]}).status_code
        == 200
    )


def test_the_summary_comes_a_page_of_work_streams_at_a_time_with_the_whole_plans_totals(login: Any) -> None:
    client = login("committee")
    first = client.get("/api/v1/summary?per_page=3").get_json()
    assert [ws["number"] for ws in first["work_streams"]] == [1, 2, 3]
    assert (first["page"], first["pages"], first["work_stream_count"]) == (1, 3, 7)
    assert first["actions"] == {"total": 52, "completed": 25, "in_progress": 27, "static": 0}
    assert first["previous"] is None
    last = client.get(first["next"].replace("page=2", "page=3")).get_json()
    assert [ws["number"] for ws in last["work_streams"]] == [7]
    assert last["next"] is None and last["actions"] == first["actions"]
    seen = 0
    url: str | None = "/api/v1/summary?per_page=3"
    while url:
        page = client.get(url).get_json()
        seen += sum(ws["actions"]["total"] for ws in page["work_streams"])
        url = page["next"]
    assert seen == 52
    assert client.get("/api/v1/summary?per_page=100000&page=-1").status_code == 200  # out of range is bounded


def test_signed_in_pages_are_still_never_stored(login: Any) -> None:
    client = login("pm")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/committee").headers["Cache-Control"] == "no-store"


def test_a_plan_of_many_work_streams_shows_its_first_ten_and_links_to_the_rest(app: Flask, login: Any) -> None:
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        db.session.add_all(WorkStream(plan=plan, number=n, title=f"Extra work stream {n}") for n in range(8, 18))
        db.session.commit()
    html = login("smt").get("/").get_data(as_text=True)
    table = html[html.index('id="actions-table"') :]
    table = table[: table.index("</table>")]
    assert len(re.findall(r'href="/work-streams/\d+"', table)) == 10
    words = text_of(html)
    assert "All 17 work streams" in words and "See all 17 work streams" in words
    assert "Work streams i to x of 17" in words
    assert "all 52 actions in the Plan" in words  # the totals are the whole plan's
    assert 'data-summary-url="/api/v1/summary?plan=' in html and "per_page=10" in html


def test_the_demo_dashboard_lists_every_work_stream_with_no_link_to_more(login: Any) -> None:
    words = text_of(login("smt").get("/").get_data(as_text=True))
    assert "All work streams" in words and "See all" not in words


def test_the_dashboard_charts_are_drawn_once_per_version_of_the_plan(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """Asked for again, the dashboard's charts and tables are the ones already drawn (no query over the work
    streams); an approval is a new version of the plan, so the next dashboard shows it."""

    def table(html: str) -> str:
        part = html[html.index('id="actions-table"') :]
        return part[: part.index("</table>")]

    client = login("pm")
    first = table(client.get("/").get_data(as_text=True))
    with count_queries() as queries:
        again = table(client.get("/").get_data(as_text=True))
    assert again == first
    drawn = [s for s in queries.statements if "ORDER BY work_streams.number, work_streams.id" in s]
    assert not drawn, "the kept charts were drawn again"
    approving.complete(app, demo, "3.3")
    assert table(client.get("/").get_data(as_text=True)) != first, "the approval did not reach the dashboard"


def test_the_summary_body_follows_an_approval(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    """The summary's body is kept per version of the plan: an approval is counted in the next answer."""
    client = login("pm")
    before = client.get("/api/v1/summary").get_json()
    assert client.get("/api/v1/summary").get_json() == before
    approving.complete(app, demo, "3.3")
    after = client.get("/api/v1/summary").get_json()
    assert after["actions"]["completed"] == before["actions"]["completed"] + 1
    assert after["actions"]["in_progress"] == before["actions"]["in_progress"] - 1
