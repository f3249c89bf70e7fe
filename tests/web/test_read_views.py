"""What every signed-in role reads: the figures of the committee report, computed from the plan."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import Action, User
from app.policy import SYSTEM
from app.services import audit, proposals
from app.services.proposals import EvidenceInput, ProposalInput
from app.services.tx import write_transaction


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_summary_json_has_the_report_figures(login: Any) -> None:
    data = login("committee").get("/api/v1/summary").get_json()
    assert data["actions"] == {"total": 52, "completed": 25, "in_progress": 27, "static": 0}
    assert data["measures"] == {"total": 57, "completed": 34, "in_progress": 23, "static": 0}
    assert [ws["number"] for ws in data["work_streams"]] == [1, 2, 3, 4, 5, 6, 7]
    assert data["work_streams"][0]["title"] == "Workforce Development"
    assert sum(ws["actions"]["completed"] for ws in data["work_streams"]) == 25
    assert data["plan"]["title"] == "Children's Social Care Improvement Plan 2015/16"


def test_summary_json_requires_sign_in(client: Any, demo: dict[str, Any]) -> None:
    response = client.get("/api/v1/summary")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"


def test_dashboard_headline_is_computed_in_the_reports_words(login: Any) -> None:
    html = text_of(login("smt").get("/").get_data(as_text=True))
    assert (
        "Steady progress is being made against all 52 actions in the Plan, "
        "with 25 COMPLETED, 27 IN PROGRESS and 0 STATIC." in html
    )
    assert "Out of 57 projected outcomes at 6 months, 34 are COMPLETED, 23 are IN PROGRESS and 0 are STATIC." in html


def test_headline_follows_the_data(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    with app.app_context():
        action = db.session.query(Action).filter_by(status="IN_PROGRESS").first()
        action.status = "STATIC"
        db.session.commit()
    html = text_of(login("pm").get("/").get_data(as_text=True))
    assert "with 25 COMPLETED, 26 IN PROGRESS and 1 STATIC" in html


def test_dashboard_charts_have_tables_with_the_same_numbers(login: Any) -> None:
    client = login("committee")
    html = client.get("/").get_data(as_text=True)
    summary = client.get("/api/v1/summary").get_json()
    assert 'data-chart="actions"' in html and 'data-chart="measures"' in html
    table = html[html.index('id="actions-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]
    for ws, row in zip(summary["work_streams"], rows, strict=False):
        numbers = [int(n) for n in re.findall(r"numeric\">(\d+)</td>", row)]
        assert numbers == [
            ws["actions"]["completed"],
            ws["actions"]["in_progress"],
            ws["actions"]["static"],
            ws["actions"]["total"],
        ]


def test_work_stream_page_has_the_reports_columns_in_order(login: Any, demo: dict[str, Any]) -> None:
    html = login("committee").get(f"/work-streams/{demo['work_streams'][1]}").get_data(as_text=True)
    headers = re.findall(r'<th scope="col" class="govuk-table__header[^"]*">([^<]+)</th>', html)
    expected = [
        "Ref",
        "Performance measures and milestones",
        "Key targets",
        "Progress - actions",
        "Status",
        "Changes since the last committee meeting",
    ]
    assert headers[:6] == expected


def test_work_stream_page_has_summary_box_retired_box_and_measures(login: Any, demo: dict[str, Any]) -> None:
    html = login("committee").get(f"/work-streams/{demo['work_streams'][1]}").get_data(as_text=True)
    box = text_of(html[html.index('id="summary-box"') :])
    assert "COMPLETED 5 56%" in box and "IN PROGRESS 4 44%" in box and "STATIC 0 0%" in box
    retired = text_of(html[html.index('id="retired-actions"') : html.index('id="measures"')])
    assert "1.1" in retired and "1.2" in retired
    assert 'id="measures-6"' in html and 'id="measures-12"' in html
    live = html[html.index('id="actions-results"') : html.index('id="summary-box"')]
    assert ">1.1</a>" not in live, "retired actions leave the live table"
    assert "Showing all 7 live actions" in text_of(live)


def test_status_is_shown_in_words_as_well_as_colour(login: Any, demo: dict[str, Any]) -> None:
    html = login("committee").get(f"/work-streams/{demo['work_streams'][3]}").get_data(as_text=True)
    tags = re.findall(r'<strong class="govuk-tag (govuk-tag--\w+) app-status">([^<]+)</strong>', html)
    assert tags
    for colour, word in tags:
        assert word.strip() in {"COMPLETED", "IN PROGRESS", "STATIC", "Overdue"}, (colour, word)


def test_work_stream_without_retired_actions_says_so(login: Any, demo: dict[str, Any]) -> None:
    html = login("committee").get(f"/work-streams/{demo['work_streams'][3]}").get_data(as_text=True)
    assert "No actions have been retired from this work stream." in html


def test_action_page_shows_every_field(login: Any, demo: dict[str, Any]) -> None:
    html = text_of(login("committee").get(f"/actions/{demo['actions']['3.1']}").get_data(as_text=True))
    for label in [
        "Owner",
        "Deadline",
        "Performance measures and milestones",
        "Key targets",
        "Progress - actions",
        "History",
    ]:
        assert label in html
    assert "Tom Adeyemi" in html


def test_filter_by_status_owner_and_overdue(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    client = login("pm")
    completed = text_of(client.get("/actions?status=COMPLETED").get_data(as_text=True))
    assert "Showing 19 actions matching the filters" in completed, "25 completed less 6 retired"
    owner = text_of(client.get(f"/actions?owner={demo['users']['sm2']}").get_data(as_text=True))
    assert "Showing 16 actions matching the filters" in owner
    assert "Showing 0 actions" in text_of(client.get("/actions?overdue=1").get_data(as_text=True))
    with app.app_context():
        from datetime import timedelta

        from app.clock import today

        with write_transaction():  # as the editor does it: with its audit record, which the kept lists follow
            db.session.get(Action, demo["actions"]["4.2"]).deadline = today() - timedelta(days=1)
            audit.record(SYSTEM, "action.edited", "Deadline moved for a test", plan_id=demo["plan_id"])
    overdue = client.get("/actions?overdue=1").get_data(as_text=True)
    assert "Showing 1 action matching the filters" in text_of(overdue)
    assert ">4.2</a>" in overdue


def test_filters_work_without_javascript_and_keep_their_choices(login: Any, demo: dict[str, Any]) -> None:
    html = login("pm").get(f"/work-streams/{demo['work_streams'][2]}?status=IN_PROGRESS").get_data(as_text=True)
    assert "<html" in html
    assert '<option value="IN_PROGRESS" selected>' in html
    assert "Showing 4 actions matching the filters" in text_of(html)


def test_htmx_filter_gets_the_fragment_and_a_normal_request_the_page(login: Any, demo: dict[str, Any]) -> None:
    client = login("pm")
    url = f"/work-streams/{demo['work_streams'][2]}?status=IN_PROGRESS"
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'id="actions-results"' in fragment.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    for response in (fragment, page):
        assert "HX-Request" in response.headers.get("Vary", "")


def test_unknown_filter_values_are_ignored_not_an_error(login: Any) -> None:
    response = login("committee").get("/actions?status=NONSENSE&owner=abc&overdue=maybe")
    assert response.status_code == 200
    assert "Showing all 46 live actions" in text_of(response.get_data(as_text=True))


def test_glossary_lists_the_reports_abbreviations(login: Any) -> None:
    html = login("committee").get("/glossary").get_data(as_text=True)
    for abbreviation in ["CP", "LAC", "MASH", "RAG", "SIP", "SMT"]:
        assert f">{abbreviation}</abbr>" in html


def test_missing_work_stream_is_a_friendly_404(login: Any) -> None:
    response = login("committee").get("/work-streams/9999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def _multiply_actions(app: Flask, factor: int) -> None:
    """The plan grown `factor` times, in one transaction with its audit record, as every write of the app is."""
    with app.app_context(), write_transaction():
        originals = db.session.query(Action).all()
        for n in range(2, factor + 1):
            for a in originals:
                db.session.add(
                    Action(
                        work_stream_id=a.work_stream_id,
                        reference=f"{a.reference}.{n}",
                        position=a.position + 100 * n,
                        title=a.title,
                        measures_and_milestones=a.measures_and_milestones,
                        key_targets=a.key_targets,
                        progress=a.progress,
                        owner_id=a.owner_id,
                        deadline=a.deadline,
                        status=a.status,
                        retired_on=a.retired_on,
                    )
                )
        audit.record(
            SYSTEM,
            "action.created",
            f"The plan grown {factor} times for a test",
            plan_id=originals[0].work_stream.plan_id,
        )
    with app.app_context():
        assert db.session.query(Action).count() == 52 * factor


@pytest.mark.parametrize("page", ["dashboard", "work_stream", "actions"])
def test_query_count_does_not_grow_with_the_plan(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any, page: str
) -> None:
    client = login("pm")
    url = {"dashboard": "/", "work_stream": f"/work-streams/{demo['work_streams'][1]}", "actions": "/actions"}[page]
    client.get(url)
    for store in ("plan_memo", "many_memo"):  # both requests work the page out (`memo`): neither is a kept one
        app.extensions.pop(store, None)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _multiply_actions(app, 20)
    for store in ("plan_memo", "many_memo"):
        app.extensions.pop(store, None)
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    if page == "dashboard":
        assert "all 1040 actions" in text_of(response.get_data(as_text=True))
    assert large.count == small.count, (
        f"{small.count} queries with the demo, {large.count} with 20 times as many actions"
    )


def test_open_dashboard_refreshes_its_figures_by_itself(app: Flask, login: Any) -> None:
    client = login("committee")
    page = client.get("/").get_data(as_text=True)
    poll = re.search(r'id="plan-summary"[^>]*hx-get="([^"]+)"[^>]*hx-trigger="every 20s"', page)
    assert poll, "the summary region polls"
    with app.test_request_context():  # an approval elsewhere, through the service layer, as people make them
        action = db.session.query(Action).filter_by(status="IN_PROGRESS").first()
        assert action is not None
        author = action.work_stream.managers[0]
        data = ProposalInput(
            values={"status": "STATIC", "progress": "The key partner has withdrawn."},
            reasons={"status": "No progress is possible until a new partner is found"},
            evidence=EvidenceInput(filename="letter.csv", data=b"partner,withdrawn\nAcme,yes\n", note="Their letter"),
        )
        p = proposals.create(author, "action", action.id, data, submit=True)
        pm = db.session.query(User).filter_by(email="pm@example.org").one()
        proposals.approve(pm, p.id, p.version, note="Confirmed with the partner.")
        db.session.remove()
    fragment = client.get(poll.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith(("{#", '<div id="plan-summary"'))
    assert "with 25 COMPLETED, 26 IN PROGRESS and 1 STATIC" in text_of(fragment)


def test_polling_does_not_keep_an_idle_session_alive(login: Any, clock: Any) -> None:
    client = login("committee")
    for _ in range(4):
        clock.advance(minutes=20)
        client.get("/?poll=1", headers={"HX-Request": "true"})
    response = client.get("/actions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
