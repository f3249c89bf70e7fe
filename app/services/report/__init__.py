"""The committee report as files: an HTML page with print styles, a PDF and a Word document.

Rendering works from plain data (`ReportData`, in `data`), never from the database or a request, so the same
code renders the live plan today and a presented baseline later. `build_report_data` (in `reading`) is the one
function that reads the database. The three formats (`html`, `pdf`, `docx`) are drawn from one outline of the
report (`outline`), so they cannot say different things; figures are always computed (`sentences`), only the
narrative paragraphs (`narrative`) are the officer's words. `charts` draws the images with matplotlib.
"""

from __future__ import annotations

from app.services.report.charts import chart_png, draw_charts, trend_png
from app.services.report.data import (
    REPORT_AUTHOR,
    ReportAction,
    ReportData,
    ReportMeasure,
    ReportSection,
    ReportWorkStream,
    RetiredAction,
    report_data_as_json,
    report_data_from_json,
)
from app.services.report.docx import render_docx
from app.services.report.html import CSS, content_security_policy, render_html, web_page
from app.services.report.narrative import NARRATIVE_FIELDS, default_narrative, with_narrative
from app.services.report.outline import (
    APPENDIX_GROUP,
    appendix_groups,
    appendix_outline,
    appendix_title,
    chart_bars,
    chart_title,
)
from app.services.report.pdf import render_pdf, typst_source
from app.services.report.reading import build_report_data
from app.services.report.sentences import the_figures_sentence, the_measures_sentence

__all__ = [
    "APPENDIX_GROUP",
    "CSS",
    "NARRATIVE_FIELDS",
    "REPORT_AUTHOR",
    "ReportAction",
    "ReportData",
    "ReportMeasure",
    "ReportSection",
    "ReportWorkStream",
    "RetiredAction",
    "appendix_groups",
    "appendix_outline",
    "appendix_title",
    "build_report_data",
    "chart_bars",
    "chart_png",
    "chart_title",
    "content_security_policy",
    "default_narrative",
    "draw_charts",
    "render_all",
    "render_docx",
    "render_html",
    "render_pdf",
    "report_data_as_json",
    "report_data_from_json",
    "the_figures_sentence",
    "the_measures_sentence",
    "typst_source",
    "trend_png",
    "web_page",
    "with_narrative",
]


def render_all(data: ReportData) -> dict[str, bytes]:
    """HTML, PDF and Word, with the charts drawn once."""
    charts = draw_charts(data)
    return {
        "html": render_html(data, charts=charts).encode("utf-8"),
        "pdf": render_pdf(data, charts=charts),
        "docx": render_docx(data, charts=charts),
    }
