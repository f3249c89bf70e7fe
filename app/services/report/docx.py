"""The report as a Word document, drawn from the same outline as the HTML and PDF."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from app.domain.status import Status
from app.services.report.charts import draw_charts
from app.services.report.data import ReportData
from app.services.report.html import CHARTS_TO_COME
from app.services.report.outline import (
    RAG_HEX,
    Bullets,
    Cell,
    Chart,
    Heading,
    Para,
    Table,
    chart_title,
    clean,
    outline,
    uk_date,
)
from app.services.report.sentences import Segments


def _shade(cell: Any, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_as_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_runs(paragraph: Any, segments: Segments) -> None:
    for text, bold in segments:
        run = paragraph.add_run(clean(text))
        run.bold = bold or None


def _docx_cell(cell: Any, value: Cell, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if isinstance(value, Status):
        fill, colour = RAG_HEX[value]
        _shade(cell, fill)
        run = paragraph.add_run(value.label)
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(colour)
    elif isinstance(value, tuple):
        _docx_runs(paragraph, value)
    else:
        run = paragraph.add_run(clean(value))
        run.bold = bold or None


def _docx_table(doc: Any, table: Table, width: Any) -> None:
    caption = doc.add_paragraph()
    caption.add_run(table.caption).bold = True
    caption.paragraph_format.keep_with_next = True
    out = doc.add_table(rows=1, cols=len(table.headers))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.LEFT
    out.autofit = False
    header = out.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, table.headers, strict=True):
        _shade(cell, "DEE0E2")
        cell.paragraphs[0].add_run(text).bold = True
    for i, row in enumerate(table.rows):
        cells = out.add_row().cells
        total = table.total_last and i == len(table.rows) - 1
        for cell, value in zip(cells, row, strict=True):
            _docx_cell(cell, value, bold=total)
    for column, share in zip(out.columns, table.widths, strict=True):
        for cell in column.cells:
            cell.width = int(width * share)
    doc.add_paragraph()


A4_LONG, A4_SHORT = Cm(29.7), Cm(21.0)  # python-docx's blank document is US Letter


def _british_english(doc: Any) -> None:
    """Proofing language en-GB on the document's defaults and every style that names one."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if rpr is not None and rpr.find(qn("w:lang")) is None:
        rpr.append(OxmlElement("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")


def _orient(section: Any, landscape: bool) -> None:
    long_side, short_side = A4_LONG, A4_SHORT
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def render_docx(data: ReportData, *, charts: Mapping[str, bytes] | None = None) -> bytes:
    """A Word document for the council's committee system: the same outline as the HTML and PDF."""
    charts = draw_charts(data) if charts is None else charts
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    doc.core_properties.title = data.title
    doc.core_properties.author = data.author
    doc.core_properties.language = "en-GB"
    _british_english(doc)
    doc.core_properties.subject = f"{data.committee_name} – {uk_date(data.meeting_date)}"
    doc.core_properties.comments = ""

    section = doc.sections[0]
    _orient(section, False)
    section.footer.paragraphs[0].text = f"{data.committee_name} – {uk_date(data.meeting_date)}"

    for index, part in enumerate(outline(data)):
        if index:
            if part.landscape != bool(section.orientation == WD_ORIENT.LANDSCAPE):
                section = doc.add_section(WD_SECTION.NEW_PAGE)
                _orient(section, part.landscape)
            else:
                doc.add_page_break()  # type: ignore[no-untyped-call]
        usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        for block in part.blocks:
            if isinstance(block, Heading):
                doc.add_heading(block.text, level=block.level)
            elif isinstance(block, Para):
                paragraph = doc.add_paragraph()
                if block.number is not None:
                    paragraph.add_run(f"{block.number}.\t")
                    paragraph.paragraph_format.left_indent = Cm(1)
                    paragraph.paragraph_format.first_line_indent = Cm(-1)
                _docx_runs(paragraph, block.segments)
            elif isinstance(block, Bullets):
                for item in block.items:
                    doc.add_paragraph(item, style="List Number" if block.numbered else "List Bullet")
            elif isinstance(block, Chart) and block.kind not in charts:
                doc.add_paragraph(CHARTS_TO_COME).runs[0].italic = True
            elif isinstance(block, Chart):
                picture = doc.add_picture(BytesIO(charts[block.kind]), width=min(usable, Cm(16)))
                picture._inline.docPr.set("descr", block.alt)  # alt text, as Word's own dialog stores it
                picture._inline.docPr.set("title", chart_title(data, block.kind))
                doc.paragraphs[-1].paragraph_format.keep_with_next = True
                described = doc.add_paragraph(block.alt)
                described.runs[0].italic = True
            else:
                _docx_table(doc, block, usable)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
