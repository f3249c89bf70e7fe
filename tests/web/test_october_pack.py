"""The demo's October committee pack, end to end, read back as a clerk would publish it (issue 10).

The demo is seeded as `make run` seeds it (with its history); the project manager confirms and presents the
October meeting through the pages; the pack is prepared (synchronously in tests) and stored; a councillor
downloads the stored PDF and Word file, which are then read back with pypdf and python-docx.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
from collections.abc import Iterator
from typing import Any

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from flask import Flask
from sqlalchemy import select

from app import demo_data
from app.extensions import db
from app.models import CommitteeMeeting, ReportDocument
from tests.conftest import Client, Databases

pytestmark = pytest.mark.real_pack

INTERNAL_NAMES = re.compile(r"IN_PROGRESS|at_risk|measures_and_milestones|key_targets|action\.changed|\{[a-z_]+\}")
NAMES = {u["key"]: u["name"] for u in demo_data.DEMO_USERS}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _client(app: Flask, who: str) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(f"{who}@example.org").status_code == 302
    return client


@pytest.fixture(scope="module")
def pack(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = databases.app(tmp_path_factory.mktemp("october-pack"))
    seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        october = db.session.scalars(select(CommitteeMeeting).where(CommitteeMeeting.baseline == None)).one()  # noqa: E711
        meeting_id = october.id
    pm = _client(app, "pm")
    confirm = pm.get(f"/meetings/{meeting_id}/present")
    assert confirm.status_code == 200 and "Confirm and present" in confirm.get_data(as_text=True)
    assert pm.post_form(f"/meetings/{meeting_id}/present").status_code == 303
    councillor = _client(app, "committee")
    pdf = councillor.get(f"/meetings/{meeting_id}/report.pdf")
    word = councillor.get(f"/meetings/{meeting_id}/report.docx")
    assert pdf.status_code == 200 and word.status_code == 200
    yield {"app": app, "meeting_id": meeting_id, "pdf": pdf.data, "docx": word.data}
    databases.close(app)


def _in_order(needle: str, text: str, *, gap: int = 60) -> int:
    """Where the words of `needle` end in `text`, found in order with at most `gap` other words between two
    of them (a table cell that runs over a page break has the page's footer and header inside it); -1 if not."""
    words, hay = needle.split(), text.split()
    for start in (i for i, w in enumerate(hay) if w == words[0]):
        at, ok = start, True
        for word in words[1:]:
            window = hay[at + 1 : at + 2 + gap]
            if word not in window:
                ok = False
                break
            at += 1 + window.index(word)
        if ok:
            return at
    return -1


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def _word_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _flat(" ".join([p.text for p in document.paragraphs] + cells))


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_figures_the_caseload_and_the_contact_officer_read_back(pack: dict[str, Any], kind: str) -> None:
    text = _pdf_text(pack["pdf"]) if kind == "pdf" else _word_text(pack["docx"])
    assert re.search(
        r"all 52 actions in the Plan, with 25 actions COMPLETED, 27 actions IN PROGRESS and 0 are STATIC", text
    )
    assert re.search(r"out of 57 projected outcomes, 34 are COMPLETED, 23 are IN PROGRESS and 0 are STATIC", text)
    assert "an average of 16 per worker" in text
    assert "Vince Clark" in text and "01895 250498" in text
    assert not INTERNAL_NAMES.findall(text), "an internal name or an unfilled placeholder reached the reader"


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_every_change_since_july_reads_back_with_its_justification_proposer_and_approver(
    pack: dict[str, Any], kind: str
) -> None:
    text = _pdf_text(pack["pdf"]) if kind == "pdf" else _word_text(pack["docx"])
    for seed in demo_data.COMPLETED_SINCE_JULY:
        work_stream = int(seed["reference"].split(".")[0])
        proposer = NAMES[demo_data.WORK_STREAMS[work_stream - 1]["service_manager"]]
        line = f"Justification: {seed['justification']} Proposed by {proposer} on"
        assert _in_order(line, text) >= 0, f"the change to {seed['reference']} lacks its justification or proposer"
        end = _in_order(line, text)
        assert _in_order("approved by Helen Marsh on", " ".join(text.split()[end : end + 80])) >= 0, "no approver"
    # Action 1.2 was retired after the July meeting: that is a change too, with its reason
    assert _in_order(demo_data.RETIREMENT_REASONS["1.2"], text) >= 0


def test_the_pdf_is_a4_tagged_pdf_ua_in_british_english_with_title_and_author(pack: dict[str, Any]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pack["pdf"]))
    for page in reader.pages:
        width, height = sorted([float(page.mediabox.width), float(page.mediabox.height)])
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, "not A4"
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "not tagged"
    assert str(catalog.get("/Lang")) == "en-GB"
    metadata = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid" in metadata
    assert (
        reader.metadata is not None
        and reader.metadata.title
        and reader.metadata.author == "Helen Marsh, Project Manager"
    )


def test_the_word_file_is_a4_british_english_with_alt_text_on_every_picture(pack: dict[str, Any]) -> None:
    document = docx.Document(io.BytesIO(pack["docx"]))
    for section in document.sections:
        sides = sorted([section.page_width, section.page_height])
        assert abs(sides[0] - Cm(21.0)) < Cm(0.1) and abs(sides[1] - Cm(29.7)) < Cm(0.1), "not A4"
    assert {lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))} == {"en-GB"}
    assert len(document.inline_shapes) >= 3
    for picture in document.inline_shapes:
        assert len(picture._inline.docPr.get("descr") or "") > 30, "a chart without alternative text"
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "REASON FOR ITEM" in " ".join(headings).upper(), "the sections are not real headings"


def test_the_downloads_are_the_stored_documents_and_stay_so_after_a_later_approval(pack: dict[str, Any]) -> None:
    app = pack["app"]
    with app.app_context():
        stored = {d.kind: d.sha256 for d in db.session.scalars(select(ReportDocument))}
    assert hashlib.sha256(pack["pdf"]).hexdigest() in stored.values()
    assert hashlib.sha256(pack["docx"]).hexdigest() in stored.values()
    # the project manager approves the waiting proposal; the October pack must not change
    pm = _client(app, "pm")
    queue = pm.get("/review").get_data(as_text=True)
    waiting = re.search(r'href="/proposals/(\d+)"', queue)
    assert waiting, "the demo's waiting proposal is in the queue"
    page = pm.get(f"/proposals/{waiting.group(1)}").get_data(as_text=True)
    version = re.search(r'name="proposal_version" type="hidden" value="(\d+)"', page)
    assert version, "the approve form is on the page"
    approved = pm.post_form(
        f"/proposals/{waiting.group(1)}",
        {"step": "approve", "proposal_version": version.group(1), "note": "Checked at the clinic."},
    )
    assert approved.status_code == 303
    again = _client(app, "committee").get(f"/meetings/{pack['meeting_id']}/report.pdf")
    assert hashlib.sha256(again.data).hexdigest() == hashlib.sha256(pack["pdf"]).hexdigest()


def test_the_report_page_links_its_stored_charts_and_stylesheet_which_resolve(pack: dict[str, Any]) -> None:
    """The site's copy of the page is a fraction of the stored one: its charts are links to the stored images."""
    councillor = _client(pack["app"], "committee")
    address = f"/meetings/{pack['meeting_id']}/report"
    page = councillor.get(address)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "data:image" not in text and "<style>" not in text
    sources = re.findall(r'<img class="chart" src="([^"]+)" alt="([^"]+)"', text)
    assert [src for src, _ in sources] == ["charts/actions.png", "charts/trend.png", "charts/measures.png"]
    assert all(alt.startswith(("Stacked bar chart", "Line chart")) for _, alt in sources)
    for src, _ in sources:
        chart = councillor.get(posixpath.normpath(posixpath.join(posixpath.dirname(address), src)))
        assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', text)
    assert stylesheet and stylesheet.group(1) == "../report.css"
    css = councillor.get(posixpath.normpath(posixpath.join(posixpath.dirname(address), stylesheet.group(1))))
    assert css.status_code == 200 and "@page" in css.get_data(as_text=True)
    assert len(page.data) < 150_000, "no megabytes of inline images"
