"""The risk register as people use it through the pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.extensions import db
from app.models import RiskEntry


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def entry_id(app: Flask, action_id: int) -> int:
    with app.app_context():
        return db.session.query(RiskEntry).filter_by(action_id=action_id, closed_on=None).one().id


def test_register_lists_open_entries_with_a_heat_map_that_adds_up(login: Any) -> None:
    html = login("committee").get("/risks").get_data(as_text=True)
    assert "2 open entries in the register" in text_of(html)
    heat = html[html.index('id="heat-map"') : html.index("</table>", html.index('id="heat-map"'))]
    counts = [int(n) for n in re.findall(r'app-heat--\w+">(\d+)<', heat)]
    assert len(counts) == 25 and sum(counts) == 2
    assert "3.1" in html and "4.2" in html and "Deadline close" in html


def test_filtering_the_register_with_htmx_returns_the_fragment(login: Any, demo: dict[str, Any]) -> None:
    client = login("smt")
    url = f"/risks?work_stream={demo['work_streams'][4]}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="register-results"' in html
    assert "1 open entry match the filters" in text_of(html) and ">4.2 " in html
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and f'<option value="{demo["work_streams"][4]}" selected>' in page


def test_dashboard_and_work_stream_pages_link_to_their_open_risks(login: Any, demo: dict[str, Any]) -> None:
    client = login("committee")
    dashboard = text_of(client.get("/").get_data(as_text=True))
    assert "2 actions are in the risk register" in dashboard
    ws = client.get(f"/work-streams/{demo['work_streams'][3]}").get_data(as_text=True)
    assert f'href="/risks?work_stream={demo["work_streams"][3]}"' in ws
    assert "1 action of this work stream is in the risk register" in text_of(ws)


def test_action_page_shows_its_risk_entry(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    html = login("committee").get(f"/actions/{demo['actions']['3.1']}").get_data(as_text=True)
    assert f'href="/risks/{entry_id(app, demo["actions"]["3.1"])}"' in html
    assert "In the risk register since" in html


def test_owner_edits_an_entry_and_bad_input_keeps_the_typing(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    eid = entry_id(app, demo["actions"]["3.1"])
    page = sm2.get(f"/risks/{eid}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    bad = sm2.post_form(
        f"/risks/{eid}",
        {
            "version": version,
            "likelihood": "9",
            "impact": "3",
            "mitigations": "Agency social worker covering two cases",
            "next_review_on": ["1", "1", "2001"],
            "reason": "Clinic",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in html
    assert "Likelihood must be a whole number from 1 to 5" in html
    assert "The next review date must be today or in the future" in html
    assert "Agency social worker covering two cases" in html
    good = sm2.post_form(
        f"/risks/{eid}",
        {
            "version": version,
            "likelihood": "4",
            "impact": "4",
            "mitigations": "Agency social worker covering two cases",
            "owner_id": str(demo["users"]["sm2"]),
            "reason": "Clinic",
        },
    )
    assert good.status_code == 303
    assert "16 HIGH" in sm2.get("/risks").get_data(as_text=True)


def test_committee_member_reads_the_register_but_has_no_forms(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    client = login("committee")
    html = client.get(f"/risks/{entry_id(app, demo['actions']['3.1'])}").get_data(as_text=True)
    assert "Update this entry" not in html and "Escalate to SMT" not in html and "Add a comment" not in html
    assert client.get("/risks/history").status_code == 200


def test_senior_manager_escalates_with_a_comment(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    smt = login("smt")
    eid = entry_id(app, demo["actions"]["4.2"])
    page = smt.get(f"/risks/{eid}").get_data(as_text=True)
    assert "Update this entry" not in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page[page.index('id="escalate"') :]).group(1)
    empty = smt.post_form(f"/risks/{eid}/escalation", {"version": version, "comment": ""})
    assert empty.status_code == 400 and "Say why it is being escalated to SMT" in empty.get_data(as_text=True)
    assert (
        smt.post_form(f"/risks/{eid}/escalation", {"version": version, "comment": "For SMT on Tuesday"}).status_code
        == 303
    )
    assert "Escalated to SMT" in smt.get("/risks?escalated=yes").get_data(as_text=True)


def test_exports_download_as_csv_and_excel(login: Any) -> None:
    client = login("committee")
    csv = client.get("/risks.csv")
    assert csv.headers["Content-Disposition"].startswith("attachment") and "3.1" in csv.get_data(as_text=True)
    xlsx = client.get("/risks.xlsx")
    assert xlsx.data[:2] == b"PK" and "spreadsheetml" in xlsx.headers["Content-Type"]


def test_project_manager_changes_the_warning_window(login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    bad = pm.post_form("/risks/window", {"days": "0", "reason": ""})
    assert bad.status_code == 400 and "Enter a number of days from 1 to 365" in bad.get_data(as_text=True)
    assert pm.post_form("/risks/window", {"days": "1", "reason": "Tighter monitoring"}).status_code == 303
    assert "0 open entries in the register" in text_of(pm.get("/risks").get_data(as_text=True))
    history = pm.get("/risks/history").get_data(as_text=True)
    assert "3.1" in history and "back on track" in history
