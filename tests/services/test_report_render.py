"""The committee report, generated from the demo, states the report's figures in HTML, PDF and Word."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import re
from datetime import date
from typing import Any

import docx
import pypdf
import pytest
from flask import Flask
from sqlalchemy import select

from app.domain.status import STATUS_ORDER, Status, StatusCounts
from app.extensions import db
from app.models import Action, PerformanceMeasure, WorkStream
from app.policy import SYSTEM
from app.services import audit, plan_read
from app.services.report import (
    ReportAction,
    ReportData,
    ReportSection,
    ReportWorkStream,
    build_report_data,
    chart_bars,
    chart_png,
    chart_title,
    content_security_policy,
    render_all,
    render_docx,
    render_html,
    render_pdf,
    report_data_as_json,
    report_data_from_json,
    the_figures_sentence,
    the_measures_sentence,
    with_narrative,
)
from app.services.tx import write_transaction

COMMITTEE = "Children, Young People and Learning Policy Overview Committee"
MEETING = date(2015, 10, 7)
EDITED = "Caseloads have remained stable with an average of 16 per worker, checked by the project manager."
DEMO_FIGURES = [
    "52 actions",
    "25 actions COMPLETED",
    "27 actions IN PROGRESS",
    "0 are STATIC",
    "57 projected outcomes",
    "34 are COMPLETED",
    "23 are IN PROGRESS",
]


def _report(plan_id: int, **kwargs: Any) -> ReportData:
    return build_report_data(
        plan_id, meeting_date=MEETING, committee_name=COMMITTEE, contact_officer="Helen Marsh", **kwargs
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _words(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def _docx_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _words(" ".join(parts))


def _html_text(page: str) -> str:
    return _words(re.sub(r"<[^>]+>", " ", page).replace("&#x27;", "'").replace("&amp;", "&"))


def _table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_sentences_use_the_reports_words_with_live_figures(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(demo["plan_id"])
    assert the_figures_sentence(data).endswith(
        "steady progress is being made against all 52 actions in the Plan, with 25 actions COMPLETED, "
        "27 actions IN PROGRESS and 0 are STATIC."
    )
    assert (
        "out of 57 projected outcomes, 34 are COMPLETED, 23 are IN PROGRESS and 0 are STATIC"
        in the_measures_sentence(data)
    )


def test_report_states_the_demo_figures_and_the_edited_narrative_in_every_format(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        data = _report(demo["plan_id"], narrative={"progress_update": EDITED})
    files = render_all(data)
    texts = {
        "html": _html_text(files["html"].decode()),
        "pdf": _pdf_text(files["pdf"]),
        "docx": _docx_text(docx.Document(io.BytesIO(files["docx"]))),
    }
    for name, text in texts.items():
        for figure in DEMO_FIGURES:
            assert figure in text, f"{name} does not say {figure!r}"
        assert EDITED in text, f"{name} lacks the edited paragraph"
        assert "Hillingdon" not in text
        for heading in [
            "REASON FOR ITEM",
            "SUGGESTED COMMITTEE ACTIVITY",
            "INFORMATION",
            "SIP 6 Month Progress Update",
            "Risk register",
            "BACKGROUND PAPERS",
            "Appendix 5",
        ]:
            assert heading in text, f"{name} lacks {heading}"
        assert "Contact Officer: Helen Marsh" in text
        assert "7 October 2015" in text
    assert files["pdf"].startswith(b"%PDF")
    pages = pypdf.PdfReader(io.BytesIO(files["pdf"])).pages
    assert len({hashlib.sha256(image.data).hexdigest() for page in pages for image in page.images}) == 2


def test_word_document_has_both_charts_and_tables_with_the_same_figures(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(demo["plan_id"])
        summary = plan_read.plan_summary(plan_read.get_plan(demo["plan_id"]))
    document = docx.Document(io.BytesIO(render_docx(data)))
    assert len(document.inline_shapes) == 2

    figure_tables = [
        t
        for t in document.tables
        if _table_rows(t)[0][:5] == ["Work stream", "COMPLETED", "IN PROGRESS", "STATIC", "Total"]
    ]
    assert len(figure_tables) == 2
    for table, counts_of in zip(figure_tables, ["actions", "measures"], strict=True):
        rows = _table_rows(table)[1:]
        expected = [
            [
                f"{w.work_stream.roman}. {w.work_stream.title}",
                *[str(getattr(w, counts_of).count(s)) for s in STATUS_ORDER],
                str(getattr(w, counts_of).total),
            ]
            for w in summary.work_streams
        ]
        total = getattr(summary, counts_of)
        expected.append(["Total", *[str(total.count(s)) for s in STATUS_ORDER], str(total.total)])
        assert rows == expected
    assert _table_rows(figure_tables[0])[-1] == ["Total", "25", "27", "0", "52"]
    assert _table_rows(figure_tables[1])[-1] == ["Total", "34", "23", "0", "57"]

    boxes = [
        t for t in document.tables if _table_rows(t)[0] == ["Status", "Number of actions", "Percentage of actions"]
    ]
    assert len(boxes) == 7
    for box, w in zip(boxes, summary.work_streams, strict=True):
        assert _table_rows(box)[1:4] == [
            [s.label, str(w.actions.count(s)), f"{w.actions.percentage(s)}%"] for s in STATUS_ORDER
        ]

    action_tables = [t for t in document.tables if _table_rows(t)[0][0] == "Ref" and "Key targets" in _table_rows(t)[0]]
    assert len(action_tables) == 7
    assert _table_rows(action_tables[0])[0] == [
        "Ref",
        "Performance measures and milestones",
        "Key targets",
        "Progress - actions",
        "Status",
        "Changes since the last committee meeting",
    ]
    retired = [t for t in document.tables if _table_rows(t)[0][:3] == ["Ref", "Action", "Retired on"]]
    assert len(retired) == 4  # work streams i, ii, v and vi
    live_and_retired = sum(len(t.rows) - 1 for t in action_tables) + sum(len(t.rows) - 1 for t in retired)
    assert live_and_retired == 52
    measure_tables = [t for t in document.tables if _table_rows(t)[0][:2] == ["Ref", "Projected outcome"]]
    assert sum(len(t.rows) - 1 for t in measure_tables) == 57


def test_figures_change_when_the_plan_changes(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        action = db.session.scalar(
            select(Action).where(Action.status == Status.IN_PROGRESS.value, Action.retired_on.is_(None)).limit(1)
        )
        assert action is not None
        action.status = Status.STATIC.value
        db.session.commit()
        data = _report(demo["plan_id"])
    expected = "against all 52 actions in the Plan, with 25 actions COMPLETED, 26 actions IN PROGRESS and 1 is STATIC."
    assert the_figures_sentence(data).endswith(expected)
    assert expected in _pdf_text(render_pdf(data))
    assert expected in _docx_text(docx.Document(io.BytesIO(render_docx(data))))


def test_html_is_standalone_with_no_scripts_and_escapes_plan_text(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        action = db.session.get(Action, demo["actions"]["1.5"])
        assert action is not None
        action.title = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
        db.session.commit()
        data = _report(demo["plan_id"], narrative={"recommendation": "</style><script>bad()</script>"})
    data = with_narrative(data, {"reason_for_item": "Plain words"})
    page = render_html(replace_committee(data, '</style><script>alert(2)</script> "quoted"'))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert re.findall(r'<img[^>]+src="([a-z]+):', page) == ["data", "data"]
    assert "http://" not in page and "https://" not in page
    assert "@page" in page and "@media print" in page
    policy = content_security_policy(page)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy


def replace_committee(data: ReportData, name: str) -> ReportData:
    from dataclasses import replace

    return replace(data, committee_name=name)


def test_changes_since_and_risk_lines_appear_beside_their_action(app: Flask, demo: dict[str, Any]) -> None:
    change = "Deadline moved to 31 March 2016: recruitment paused (approved by Helen Marsh, 3 September 2015)"
    risk = "1.3 National recruitment campaign: in danger of missing its deadline; owner Sarah Whitfield"
    with app.app_context():
        data = _report(demo["plan_id"], changes_since={demo["actions"]["1.3"]: [change]}, risk_lines=[risk])
    document = docx.Document(io.BytesIO(render_docx(data)))
    first_plan = next(
        t for t in document.tables if _table_rows(t)[0][0] == "Ref" and "Key targets" in _table_rows(t)[0]
    )
    row = next(r for r in _table_rows(first_plan) if r[0] == "1.3")
    assert row[5] == change
    assert row[4] == "IN PROGRESS"
    others = [r[5] for r in _table_rows(first_plan)[1:] if r[0] != "1.3"]
    assert set(others) == {"None"}
    assert risk in _docx_text(document)
    assert risk in _html_text(render_html(data))


def test_build_report_data_takes_a_fixed_number_of_queries(
    app: Flask, demo: dict[str, Any], count_queries: Any
) -> None:
    def measured() -> int:
        with app.app_context():
            db.session.expunge_all()
            with count_queries() as counter:
                _report(demo["plan_id"])
            return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    before = measured()
    with app.app_context(), write_transaction():  # added as the app adds anything: with an audit record
        ws = db.session.get(WorkStream, demo["work_streams"][3])
        for n in range(5):
            db.session.add(
                Action(work_stream=ws, reference=f"3.9{n}", position=90 + n, title=f"Extra {n}", status="IN_PROGRESS")
            )
            db.session.add(
                PerformanceMeasure(
                    work_stream=ws, reference=f"3.M9{n}", position=90 + n, description="Extra", checkpoint=6
                )
            )
        audit.record(SYSTEM, "action.created", "Five actions and measures added for a test", plan_id=ws.plan_id)
    assert measured() == before
    assert before <= 11  # one reads the audit chain's head, one the whole plan's totals, one its newest record (memo)


def test_charts_are_png_images_for_both_kinds(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(demo["plan_id"])
    for kind in ("actions", "measures"):
        png = chart_png(data, kind)  # type: ignore[arg-type]
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(png) > 10_000
    with pytest.raises(ValueError):
        chart_png(data, "pie")  # type: ignore[arg-type]


def test_a_plan_too_big_for_a_bar_per_work_stream_is_charted_as_one_bar_and_says_so(
    app: Flask, demo: dict[str, Any]
) -> None:
    """Seven work streams get a bar each; 28 cannot be read on A4, so the chart shows the plan as one bar and
    its title and alt text say so (the table below it still has a row per work stream)."""
    with app.app_context():
        data = _report(demo["plan_id"])
    big = dataclasses.replace(data, work_streams=data.work_streams * 4)
    assert chart_title(data, "actions") == "Progress against the action plan, by work stream"
    assert chart_title(big, "actions") == "Progress against the action plan, all 28 work streams together"
    assert chart_bars(big, "measures") == [("All 28 work streams", big.measures)]
    assert [label for label, _ in chart_bars(data, "actions")] == ["i", "ii", "iii", "iv", "v", "vi", "vii"]
    word = docx.Document(io.BytesIO(render_docx(big)))
    described = [el.get("descr") for el in word.element.body.iter("{*}docPr")]
    assert any("all 28 work streams together" in (d or "") for d in described)
    rows = _table_rows(word.tables[0])
    assert len(rows) == 1 + 28 + 1, "the figures table keeps a row per work stream and the total"


def test_report_data_survives_being_kept_as_json(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(
            demo["plan_id"], changes_since={demo["actions"]["2.1"]: ["Status changed"]}, risk_lines=["A risk"]
        )
    kept = json.loads(json.dumps(report_data_as_json(data)))
    assert report_data_from_json(kept) == data


CHALLENGE = ReportSection(
    title="Independent challenge since the last meeting",
    intro=["The project manager challenged 3 proposed changes."],
    caption="Challenges by work stream",
    headers=["Work stream", "Raised", "Answered on time"],
    rows=[["i. Workforce Development", "3", "2"]],
    widths=[0.6, 0.2, 0.2],
)
QUESTIONS = ReportSection(
    title="Members' questions and answers",
    intro=[],
    caption="Questions",
    headers=["Question", "Answer"],
    rows=[],
    widths=[0.5, 0.5],
    empty="No member asked a question since the last meeting.",
)


def test_appendices_after_the_glossary_are_listed_and_printed_in_every_format_and_kept(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        data = dataclasses.replace(_report(demo["plan_id"]), sections=[CHALLENGE, QUESTIONS])
    page = _html_text(render_html(data, charts={}))
    pdf = _words(_pdf_text(render_pdf(data, charts={})))
    word = docx.Document(io.BytesIO(render_docx(data, charts={})))
    word_text = _words(_docx_text(word))
    for text in (page, pdf, word_text):
        assert "Independent challenge since the last meeting (Appendix 6)." in text, "listed with the others"
        assert "Appendix 6: Independent challenge since the last meeting" in text
        assert "Appendix 7: Members' questions and answers" in text
        assert "No member asked a question since the last meeting." in text
    assert "Appendix 7: Members' questions and answers" in [
        p.text for p in word.paragraphs if p.style.name == "Heading 1"
    ]
    assert _table_rows(word.tables[-1]) == [
        ["Work stream", "Raised", "Answered on time"],
        ["i. Workforce Development", "3", "2"],
    ]
    assert report_data_from_json(json.loads(json.dumps(report_data_as_json(data)))) == data
    with app.app_context():
        without = _report(demo["plan_id"])
    assert "Appendix 6" not in _html_text(render_html(without, charts={})), "none unless there is something to say"


def test_only_narrative_paragraphs_can_be_edited(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(demo["plan_id"])
    with pytest.raises(ValueError):
        with_narrative(data, {"actions": "99"})
    assert with_narrative(data, {"recommendation": "Note the report."}).recommendation == "Note the report."


def test_rendering_needs_only_plain_data_not_a_database() -> None:
    """Meetings and baselines will feed the renderer from a snapshot; nothing here touches the app."""
    ws = ReportWorkStream(
        number=8,
        title="Early Intervention",
        action_counts=StatusCounts(0, 0, 1),
        measure_counts=StatusCounts(),
        actions=[
            ReportAction("8.1", "Set up the service", "Milestones", "Targets", "Not started\r\nyet", Status.STATIC)
        ],
    )
    data = ReportData(
        committee_name=COMMITTEE,
        meeting_date=date(2016, 2, 10),
        plan_title="Early Help Plan 2016",
        contact_officer="",
        reason_for_item="Why.",
        recommendation="Note it.",
        sip_paragraph_intro="Intro.",
        progress_update="Update.",
        measures_paragraph_outro="",
        actions=StatusCounts(0, 0, 1),
        measures=StatusCounts(),
        checkpoint=12,
        work_streams=[ws],
    )
    assert the_figures_sentence(data).endswith(
        "against all 1 action in the Plan, with 0 actions COMPLETED, 0 actions IN PROGRESS and 1 is STATIC."
    )
    assert "out of 0 projected outcomes" in the_measures_sentence(data)
    text = _docx_text(docx.Document(io.BytesIO(render_docx(data))))
    assert "SIP 12 Month Progress Update" in text
    assert "Contact Officer: to be confirmed" in text
    assert "viii. Early Intervention" in text
    page = render_html(data)
    assert 'class="status status--static">STATIC<' in page
    empty = ReportData(**{**data.__dict__, "work_streams": [], "actions": StatusCounts()})
    assert render_docx(empty)
    assert chart_png(empty, "actions").startswith(b"\x89PNG")
