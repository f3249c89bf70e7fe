"""The update round through the pages, signed in as each person would be."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from typing import Any

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import Action, Proposal, RoundItem, UpdateRound


def open_round_by_form(login: Any) -> tuple[Any, int]:
    pm = login("pm")
    page = pm.get("/rounds/new")
    assert page.status_code == 200
    due = today() + timedelta(days=10)
    response = pm.post_form(
        "/rounds/new",
        {
            "month": today().replace(day=1).isoformat(),
            "due_date": [str(due.day), str(due.month), str(due.year)],
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    round_id = int(re.search(r"/rounds/(\d+)$", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    return pm, round_id


def test_project_manager_opens_a_round_and_sees_progress(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm, round_id = open_round_by_form(login)
    page = pm.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Progress by work stream" in page and "Progress by service manager" in page
    assert "Sarah Whitfield" in page and "Close the round" in page

    again = pm.post_form("/rounds/new", {"month": today().replace(day=1).isoformat()})
    assert again.status_code == 400
    text = again.get_data(as_text=True)
    assert "There is a problem" in text and "Enter the date the updates are due" in text


def test_a_round_opened_twice_is_refused_with_a_message(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm, round_id = open_round_by_form(login)
    with app.app_context():
        version = db.session.get(UpdateRound, round_id).version  # type: ignore[union-attr]
    assert pm.post_form(f"/rounds/{round_id}/close", {"version": str(version)}).status_code == 303
    due = today() + timedelta(days=10)
    twice = pm.post_form(
        "/rounds/new",
        {
            "month": today().replace(day=1).isoformat(),
            "due_date": [str(due.day), str(due.month), str(due.year)],
        },
    )
    assert twice.status_code == 400
    assert "Choose another month" in twice.get_data(as_text=True)
    closed = pm.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Not updated when the round closed" in closed


def test_service_manager_sees_their_checklist_and_records_no_change(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    _, round_id = open_round_by_form(login)
    sarah = login("sm1")
    dashboard = sarah.get("/").get_data(as_text=True)
    headline = re.search(r"Your update for \w+: 0 of (\d+) done, due \d+ \w+", dashboard)
    assert headline is not None, "the dashboard says where Sarah's update stands"
    total = int(headline.group(1))
    page = sarah.get(f"/rounds/{round_id}/checklist").get_data(as_text=True)
    assert f"0 of {total} done" in page and "Propose an update" in page
    with app.app_context():
        item = db.session.scalars(
            select(RoundItem).where(RoundItem.round_id == round_id, RoundItem.manager_id == demo["users"]["sm1"])
        ).first()
        assert item is not None
        item_id = item.id

    refused = sarah.post_form(f"/rounds/{round_id}/items/{item_id}/no-change", {f"item{item_id}-note": "  "})
    assert refused.status_code == 400
    said = refused.get_data(as_text=True)
    assert "There is a problem" in said and "Enter a short note saying why nothing changed this month" in said
    assert f'href="#item{item_id}-note"' in said, "the summary links to the note that was left empty"

    done = sarah.post_form(
        f"/rounds/{round_id}/items/{item_id}/no-change", {f"item{item_id}-note": "Waiting for the new system"}
    )
    assert done.status_code == 303
    page = sarah.get(f"/rounds/{round_id}/checklist").get_data(as_text=True)
    assert f"1 of {total} done" in page and "Waiting for the new system" in page

    tom = login("sm2")
    assert (
        tom.post_form(f"/rounds/{round_id}/items/{item_id}/no-change", {f"item{item_id}-note": "Mine"}).status_code
        == 403
    )
    assert login("committee").get(f"/rounds/{round_id}").status_code == 403


def test_the_workbook_uploaded_through_the_page_becomes_drafts(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _, round_id = open_round_by_form(login)
    sarah = login("sm1")
    download = sarah.get(f"/rounds/{round_id}/checklist.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    wb = load_workbook(BytesIO(download.data))
    sheet = wb["WS1"]
    headings = [c.value for c in sheet[2]]
    sheet.cell(3, headings.index("Progress - actions") + 1, "Updated offline.")
    reference = sheet.cell(3, 1).value
    out = BytesIO()
    wb.save(out)

    preview = sarah.post_form(
        f"/rounds/{round_id}/checklist/upload",
        {"workbook": (BytesIO(out.getvalue()), "checklist.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert f"Action {reference}" in html and "Create the draft proposals" in html
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', html)
    assert payload is not None
    created = sarah.post_form(f"/rounds/{round_id}/checklist/confirm", {"payload": payload.group(1)})
    assert created.status_code == 303
    assert "1 draft proposal created" in sarah.get(created.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        drafts = db.session.scalars(select(Proposal).where(Proposal.state == "draft")).all()
        assert [d.changes["progress"]["to"] for d in drafts] == ["Updated offline."]

    empty = sarah.post_form(f"/rounds/{round_id}/checklist/upload", {})
    assert empty.status_code == 400 and "Choose the checklist workbook to upload" in empty.get_data(as_text=True)


def test_the_checklist_page_costs_the_same_queries_however_long_the_list(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    _, round_id = open_round_by_form(login)
    sarah = login("sm1")
    url = f"/rounds/{round_id}/checklist"
    sarah.get(url)
    with count_queries() as small:
        assert sarah.get(url).status_code == 200
    with app.app_context():
        for n in range(20):
            action = Action(
                work_stream_id=demo["work_streams"][1], reference=f"1.{100 + n}", position=100 + n, title=f"Extra {n}"
            )
            db.session.add(action)
            db.session.flush()
            db.session.add(
                RoundItem(
                    round_id=round_id,
                    target_type="action",
                    action_id=action.id,
                    work_stream_id=demo["work_streams"][1],
                    manager_id=demo["users"]["sm1"],
                )
            )
        db.session.commit()
    with count_queries() as large:
        response = sarah.get(url)
    assert response.status_code == 200 and "Extra 19" in response.get_data(as_text=True)
    assert large.count == small.count, f"{small.count} queries, then {large.count} with 20 more items"
