"""The report as a Word document, drawn from the same outline as the HTML and PDF."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

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
    Part,
    Table,
    chart_title,
    clean,
    outline,
    uk_date,
)
from app.services.report.sentences import Segments

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EMU_PER_TWIP = 635


def _runs_xml(text: str, *, bold: bool = False, colour: str = "") -> str:
    """One run of text as WordprocessingML: line breaks and tabs as Word's own, every character escaped."""
    props = ("<w:b/>" if bold else "") + (f'<w:color w:val="{colour}"/>' if colour else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    pieces = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(chunk)}</w:t>')
    return f"<w:r>{rpr}{''.join(pieces)}</w:r>"


def _cell_xml(value: Cell, width: int, *, bold: bool = False, fill: str = "") -> str:
    if isinstance(value, Status):
        fill, colour = RAG_HEX[value]
        runs = _runs_xml(value.label, bold=True, colour=colour)
    elif isinstance(value, tuple):
        runs = "".join(_runs_xml(text, bold=b or bold) for text, b in value)
    else:
        runs = _runs_xml(value, bold=bold)
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr><w:p>{runs}</w:p></w:tc>'


def _table_xml(table: Table, width: int) -> str:
    """A whole table in one piece of XML: python-docx's cell by cell API takes minutes for a thousand rows."""
    twips = [int(width * share / EMU_PER_TWIP) for share in table.widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    head = "".join(_cell_xml(h, w, bold=True, fill="DEE0E2") for h, w in zip(table.headers, twips, strict=True))
    rows = [f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>"]
    for i, row in enumerate(table.rows):
        total = table.total_last and i == len(table.rows) - 1
        cells = "".join(_cell_xml(v, w, bold=total) for v, w in zip(row, twips, strict=True))
        rows.append(f"<w:tr>{cells}</w:tr>")
    return (
        f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:jc w:val="left"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _paragraph(doc: Any, end: Any, style_id: str = "") -> Paragraph:
    """A new paragraph at the end of the body (just before `end`, the body's closing section properties, found
    once: python-docx keeps that element as sections are added), its style set by id. python-docx finds the end
    of the body, and looks a style up by name, by walking the document each time: minutes for a large plan."""
    p = OxmlElement("w:p")
    end.addprevious(p)
    if style_id:
        p.get_or_add_pPr().style = style_id
    return Paragraph(p, doc._body)


def _docx_runs(paragraph: Any, segments: Segments) -> None:
    for text, bold in segments:
        run = paragraph.add_run(clean(text))
        run.bold = bold or None


def _docx_table(doc: Any, end: Any, table: Table, width: Any) -> None:
    caption = _paragraph(doc, end)
    caption.add_run(table.caption).bold = True
    caption.paragraph_format.keep_with_next = True
    end.addprevious(parse_xml(_table_xml(table, int(width))))
    _paragraph(doc, end)


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


def render_docx(
    data: ReportData, *, charts: Mapping[str, bytes] | None = None, parts: list[Part] | None = None
) -> bytes:
    """A Word document for the council's committee system: the same outline as the HTML and PDF; `parts` (a
    separate document of Appendices 3 and 4, `outline.appendix_outline`) instead of the whole report."""
    charts = (draw_charts(data) if parts is None else {}) if charts is None else charts
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
    _orient(section, parts[0].landscape if parts else False)
    end = doc.element.body.sectPr
    section.footer.paragraphs[0].text = f"{data.committee_name} – {uk_date(data.meeting_date)}"

    for index, part in enumerate(outline(data) if parts is None else parts):
        if index:
            if part.landscape != bool(section.orientation == WD_ORIENT.LANDSCAPE):
                section = doc.add_section(WD_SECTION.NEW_PAGE)
                _orient(section, part.landscape)
            else:
                doc.add_page_break()  # type: ignore[no-untyped-call]
        usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        for block in part.blocks:
            if isinstance(block, Heading):
                _paragraph(doc, end, "Title" if block.level == 0 else f"Heading{block.level}").add_run(block.text)
            elif isinstance(block, Para):
                paragraph = _paragraph(doc, end)
                if block.number is not None:
                    paragraph.add_run(f"{block.number}.\t")
                    paragraph.paragraph_format.left_indent = Cm(1)
                    paragraph.paragraph_format.first_line_indent = Cm(-1)
                _docx_runs(paragraph, block.segments)
            elif isinstance(block, Bullets):
                for item in block.items:
                    _paragraph(doc, end, "ListNumber" if block.numbered else "ListBullet").add_run(clean(item))
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
                _docx_table(doc, end, block, usable)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
