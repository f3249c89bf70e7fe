"""A plan of more than 20 work streams: Appendices 3 and 4 published as separate documents, a PDF and a Word file
per group of work streams, each typeset on its own (the 100x report in one piece held 3 GB); and the stored
downloads' ETag (the SHA-256), 304 and fixed number of queries.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from docx import Document
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import event, select

from app.extensions import db
from app.models import Plan, ReportDocument, ReportJob
from app.services import demo_scale, meetings, report_pack
from app.services.report import outline
from tests.conftest import Client
from tests.web.test_committee_cycle import present, record_meeting
from tests.web.test_report_pack import Renderers, renderers, stored  # noqa: F401 - the fixture, by name

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GROUPS = [(1, 10), (11, 20), (21, 28)]  # 28 work streams (the demo four times over), 10 a document


def sign_in(app: Flask, who: str) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(f"{who}@example.org").status_code == 302
    return client


@pytest.fixture
def scaled(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo four times over (28 work streams), its latest baseline's pack rendered for real, 10 work streams
    to a separate appendix document (50 in production: the groups are smaller here so that there are three)."""
    monkeypatch.setattr(outline, "APPENDIX_GROUP", 10)
    with app.app_context():
        demo_scale.seed_scaled(4)
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        baseline = meetings.baselines(plan.id)[-1]
        job = report_pack.rebuild(baseline.id)
        assert job.state == "done", job.error
        data = meetings.report_data(meetings.get_meeting(baseline.meeting_id))
        live = Counter(a.reference for ws in data.work_streams for a in ws.actions)  # the report's live actions
        assert len(data.work_streams) == 28 and sum(live.values()) > 100
        return {"meeting": baseline.meeting_id, "baseline": baseline.id, "actions": live, "job": job}


def docx_action_refs(data: bytes) -> list[str]:
    """The reference of every row of every action plan table."""
    document = Document(io.BytesIO(data))
    refs = []
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:2] == ["Ref", "Performance measures and milestones"]:
            refs += [row.cells[0].text for row in table.rows[1:]]
    return refs


def text_of_docx(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.mark.real_pack
def test_a_large_plan_publishes_appendices_3_and_4_separately_each_action_once(app: Flask, scaled: Any) -> None:
    documents = stored(app)
    kinds = {f"appendix-{a}-{b}-{ext}" for a, b in GROUPS for ext in ("pdf", "docx")}
    assert kinds <= set(documents) and {"html", "web", "pdf", "docx"} <= set(documents)
    assert not {k for k in documents if k.startswith("appendix-")} - kinds, "no other appendix document"
    with app.app_context():
        job = db.session.scalars(select(ReportJob).where(ReportJob.baseline_id == scaled["baseline"])).one()
        assert (job.state, job.done, job.total) == ("done", 3, 3)
        store = report_pack.report_store()
        every: Counter[str] = Counter()
        for first, last in GROUPS:
            word = store.load(documents[f"appendix-{first}-{last}-docx"].storage_key)
            refs = docx_action_refs(word)
            every.update(refs)
            assert f"Appendices 3 and 4, work streams {first} to {last}" in text_of_docx(word)
            pdf = PdfReader(io.BytesIO(store.load(documents[f"appendix-{first}-{last}-pdf"].storage_key)))
            assert len(pdf.pages) > 1
            width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
            assert round(float(width)) == 842 and round(float(height)) == 595, "A4 landscape"
            text = " ".join(page.extract_text() for page in pdf.pages)
            assert f"work streams {first} to {last}" in text and "Action plan for work stream" in text
            assert (
                documents[f"appendix-{first}-{last}-pdf"].sha256
                == hashlib.sha256(store.load(documents[f"appendix-{first}-{last}-pdf"].storage_key)).hexdigest()
            )
        # every live action of the report is in exactly one separate document, once: the same references as
        # the report's, as many times as the plan has them (each copy of the demo numbers its own)
        assert every == scaled["actions"]
        # the report itself carries no action plan table, and says where they are, by the documents' titles
        main_word = store.load(documents["docx"].storage_key)
        assert docx_action_refs(main_word) == []
        said = " ".join(text_of_docx(main_word).split())
        for first, last in GROUPS:
            assert f"Appendices 3 and 4, work streams {first} to {last}" in said
        main_pdf = PdfReader(io.BytesIO(store.load(documents["pdf"].storage_key)))
        main_text = " ".join(" ".join(page.extract_text() for page in main_pdf.pages).split())
        assert "published as 3 separate documents" in main_text and "work streams 21 to 28" in main_text


@pytest.mark.real_pack
def test_the_separate_appendices_are_listed_and_downloaded_through_the_authorised_view(app: Flask, scaled: Any) -> None:
    meeting = scaled["meeting"]
    documents = stored(app)
    committee = sign_in(app, "committee")
    page = committee.get(f"/meetings/{meeting}").get_data(as_text=True)
    for first, last in GROUPS:
        assert f"Appendices 3 and 4, work streams {first} to {last}" in page
        for ext in ("pdf", "docx"):
            assert f"/meetings/{meeting}/appendices/{first}-{last}.{ext}" in page
    assert documents["appendix-1-10-pdf"].size > 0 and "Download the report as PDF" in page
    pdf = committee.get(f"/meetings/{meeting}/appendices/11-20.pdf")
    row = documents["appendix-11-20-pdf"]
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == row.sha256
    assert re.search(
        r'filename="sip-progress-report-[0-9-]+-appendices-3-and-4-work-streams-11-to-20\.pdf"',
        pdf.headers["Content-Disposition"],
    )
    word = committee.get(f"/meetings/{meeting}/appendices/21-28.docx")
    assert hashlib.sha256(word.data).hexdigest() == documents["appendix-21-28-docx"].sha256
    # work streams no document has: back to the list of documents; a stranger: to sign in
    assert committee.get(f"/meetings/{meeting}/appendices/1-28.pdf").status_code == 303
    anonymous = app.test_client()
    assert "/login" in anonymous.get(f"/meetings/{meeting}/appendices/11-20.pdf").headers["Location"]


def test_a_download_answers_304_to_its_sha256_and_reads_one_row(
    app: Flask,
    login: Any,
    renderers: Renderers,  # noqa: F811 - the fixture
) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    documents = stored(app)
    for path, kind in ((f"/meetings/{meeting}/report.pdf", "pdf"), (f"/meetings/{meeting}/report", "web")):
        first = pm.get(path)
        assert first.status_code == 200
        assert first.headers["ETag"] == f'"{documents[kind].sha256}"'
        assert first.headers["Cache-Control"] == "private, no-cache", "the browser may keep it, and asks again"
        again = pm.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        other = pm.get(path, headers={"If-None-Match": '"not-this-one"'})
        assert other.status_code == 200 and other.data == first.data
    # a demo pack (7 work streams) carries its appendices itself: no separate document, sent on to the list
    assert not any(kind.startswith("appendix-") for kind in documents)
    moved = pm.get(f"/meetings/{meeting}/appendices/1-7.pdf")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/meetings/{meeting}#pack")


@pytest.fixture
def queries(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_a_download_runs_a_fixed_small_number_of_queries(
    app: Flask,
    login: Any,
    renderers: Renderers,  # noqa: F811 - the fixture
    queries: list[str],
) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    for path in (f"/meetings/{meeting}/report.pdf", f"/meetings/{meeting}/report.docx", f"/meetings/{meeting}/report"):
        queries.clear()
        assert pm.get(path).status_code == 200
        document_reads = [q for q in queries if "report_documents" in q]
        assert len(document_reads) == 1, "the document row, joined to its meeting's baseline, in one query"
        assert not [q for q in queries if "FROM committee_meetings" in q and "report_documents" not in q]
        statements = [q for q in queries if q.strip().upper() != "BEGIN"]
        assert len(statements) == 2, f"the session (with its user) and the document: {statements}"
    with app.app_context():
        assert db.session.scalars(select(ReportDocument)).first() is not None
