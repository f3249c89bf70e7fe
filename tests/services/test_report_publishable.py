"""The report's documents as a clerk would publish them: words not stored names, A4, British English,
alt text on every picture, and a PDF that says it is PDF/UA."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import docx
import pypdf
from docx.oxml.ns import qn
from docx.shared import Cm
from flask import Flask

from app.services.report import ReportData, build_report_data, render_docx, render_html, render_pdf

MEETING = date(2015, 10, 7)
INTERNAL_NAMES = re.compile(r"IN_PROGRESS|at_risk|measures_and_milestones|key_targets")


def _report(plan_id: int, contact_officer: str = "Helen Marsh") -> ReportData:
    return build_report_data(
        plan_id,
        meeting_date=MEETING,
        committee_name="Children, Young People and Learning Policy Overview Committee",
        contact_officer=contact_officer,
    )


def test_no_stored_status_name_or_field_name_in_the_web_page_or_the_pdf(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = _report(demo["plan_id"])
        page = render_html(data)
        pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(data))).pages)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert not INTERNAL_NAMES.findall(visible)
    assert not INTERNAL_NAMES.findall(pdf_text)
    assert re.search(r'<th scope="row" class="status status--in_progress">IN PROGRESS</th>', page)


def test_word_file_is_a4_in_british_english_with_alt_text_on_every_picture(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        document = docx.Document(io.BytesIO(render_docx(_report(demo["plan_id"]))))
    for section in document.sections:
        sides = sorted([section.page_width, section.page_height])
        assert abs(sides[0] - Cm(21.0)) < Cm(0.1) and abs(sides[1] - Cm(29.7)) < Cm(0.1), "not A4"
    languages = {lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))}
    assert languages == {"en-GB"}
    assert document.core_properties.language == "en-GB"
    pictures = document.inline_shapes
    assert len(pictures) >= 2
    for picture in pictures:
        description = picture._inline.docPr.get("descr")
        assert description and len(description) > 30, "a chart without alternative text"
    assert not INTERNAL_NAMES.findall(" ".join(p.text for p in document.paragraphs))


def test_pdf_is_tagged_and_identifies_as_pdf_ua_with_title_author_and_language(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        data = _report(demo["plan_id"], contact_officer="")
        reader = pypdf.PdfReader(io.BytesIO(render_pdf(data)))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "not tagged"
    assert str(catalog.get("/Lang")) == "en-GB"
    metadata = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in metadata and ">1<" in metadata.replace(" ", "") or 'pdfuaid:part="1"' in metadata
    assert reader.metadata is not None
    assert reader.metadata.title == data.title
    assert reader.metadata.author, "the PDF names no author"
