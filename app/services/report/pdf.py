"""The report as a tagged PDF (PDF/UA-1), typeset by Typst from the same outline as the HTML page and Word file.

Typst lays out a page in a fraction of the time WeasyPrint took (and in a fraction of its memory), which matters
for a plan of hundreds of work streams, whose Appendix 3 runs to a thousand pages. Every piece of text is passed
to Typst as a string literal, never as markup, so nothing an officer typed can be read as a Typst command.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime, time
from pathlib import Path

from app.domain.status import Status
from app.services.report.charts import draw_charts
from app.services.report.data import ReportData
from app.services.report.html import CHARTS_TO_COME
from app.services.report.outline import (
    RAG_HEX,
    Block,
    Bullets,
    Cell,
    Chart,
    Heading,
    Para,
    Part,
    Table,
    clean,
    outline,
    uk_date,
)
from app.services.report.sentences import Segments

FONTS = '("Arial", "Liberation Sans", "Helvetica", "DejaVu Sans")'
GREY = 'rgb("#505a5f")'


def _str(text: str) -> str:
    """A Typst string literal: in code mode a string is text, never markup or code."""
    escaped = clean(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _segments(segments: Segments) -> str:
    pieces = [f"strong({_str(text)})" if bold else _str(text) for text, bold in segments if text]
    return "[" + "".join(f"#{p}" for p in pieces) + "]" if pieces else "[]"


def _cell(cell: Cell, *, bold: bool = False) -> str:
    if isinstance(cell, Status):  # a StrEnum: its words on its colour, never its stored name
        fill, colour = RAG_HEX[cell]
        return (
            f'table.cell(fill: rgb("#{fill}"), align: center)'
            f'[#text(fill: rgb("#{colour}"), weight: "bold", {_str(cell.label)})]'
        )
    content = _segments(cell) if isinstance(cell, tuple) else f"[#{_str(cell)}]"
    return f"strong({content})" if bold else content


def _table(table: Table) -> str:
    widths = ", ".join(f"{max(w, 0.01) * 100:.1f}fr" for w in table.widths)
    numeric = table.css in {"figures", "summary-box"}
    align = "(x, y) => if x > 0 { right } else { left }" if numeric else "left"
    head = ", ".join(f"[#{_str(h)}]" for h in table.headers)
    rows = []
    for i, row in enumerate(table.rows):
        total = table.total_last and i == len(table.rows) - 1
        rows.append(", ".join(_cell(c, bold=total) for c in row))
    caption = f"#block(breakable: false, sticky: true, strong({_str(table.caption)}))\n"
    width = "auto" if table.css in {"summary-box", "retired"} else "100%"
    return (
        caption + f"#block(width: {width}, table(columns: ({widths},), align: {align}, "
        f"table.header(repeat: true, {head}),\n" + ",\n".join(rows) + "))\n"
    )


def _block(block: Block, charts: Mapping[str, bytes]) -> str:
    if isinstance(block, Heading):
        if block.level == 0:
            return f"#title({_str(block.text)})\n"
        return f"#heading(level: {block.level}, {_str(block.text)})\n"
    if isinstance(block, Para):
        if block.css in {"meeting", "audit-head"}:
            size = "9pt" if block.css == "meeting" else "8pt"
            return f"#text(size: {size}, fill: {GREY}, {_segments(block.segments)})\n\n"
        if block.number is not None:
            return f"#par(hanging-indent: 2em, [#box(width: 2em, [{block.number}.])#{_segments(block.segments)}])\n\n"
        return f"#par({_segments(block.segments)})\n\n"
    if isinstance(block, Bullets):
        kind = "enum" if block.numbered else "list"
        return f"#{kind}(" + "".join(f"[#{_str(item)}], " for item in block.items) + ")\n"
    if isinstance(block, Chart):
        if block.kind not in charts:  # a preview: the table after the chart gives its figures
            return f'#block(inset: (left: 0.8em), stroke: (left: 4pt + rgb("#b1b4b6")), {_str(CHARTS_TO_COME)})\n'
        return f'#image("chart-{block.kind}.png", width: 100%, alt: {_str(block.alt)})\n'
    return _table(block)


def typst_source(data: ReportData, charts: Mapping[str, bytes], parts: list[Part] | None = None) -> str:
    footer = _str(f"{data.committee_name} – {uk_date(data.meeting_date)}")
    lines = [
        f"#set document(title: {_str(data.title)}, author: {_str(data.author)})",
        f'#set text(font: {FONTS}, size: 11pt, lang: "en", region: "gb", fill: rgb("#0b0c0c"))',
        '#set page(paper: "a4", margin: (top: 18mm, bottom: 20mm, x: 16mm), footer: context text(size: 8pt, '
        f"fill: {GREY})[#{footer} #h(1fr) Page #counter(page).display() of #counter(page).final().first()])",
        "#set par(spacing: 0.8em, leading: 0.55em)",
        '#set table(stroke: 0.75pt + rgb("#6f777b"), inset: (x: 4pt, y: 3pt), '
        'fill: (x, y) => if y == 0 { rgb("#dee0e2") })',
        "#show table: set text(size: 9pt)",
        "#show table.cell.where(y: 0): strong",
        "#show title: set text(size: 17pt)",
        "#show heading.where(level: 1): set text(size: 13pt)",
        "#show heading.where(level: 2): set text(size: 12pt)",
        "#show heading.where(level: 3): set text(size: 11pt)",
        "#show heading: set block(above: 1.2em, below: 0.6em)",
        "",
    ]
    for index, part in enumerate(outline(data) if parts is None else parts):
        body = "".join(_block(b, charts) for b in part.blocks)
        if part.landscape:
            lines.append(f"#page(flipped: true)[\n{body}]\n")
        else:
            lines.append(("#pagebreak(weak: true)\n" if index else "") + body)
    return "\n".join(lines)


def render_pdf(
    data: ReportData, *, charts: Mapping[str, bytes] | None = None, parts: list[Part] | None = None
) -> bytes:
    """A tagged PDF (PDF/UA-1) for readers of published committee papers who use assistive tools; `parts` (a
    separate document of Appendices 3 and 4, `outline.appendix_outline`) instead of the whole report."""
    charts = (draw_charts(data) if parts is None else {}) if charts is None else charts
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        root = Path(folder)
        for kind, png in charts.items():
            (root / f"chart-{kind}.png").write_bytes(png)
        (root / "report.typ").write_text(typst_source(data, charts, parts), encoding="utf-8")
        stamp = int(datetime.combine(data.meeting_date, time(), tzinfo=UTC).timestamp())
        typeset(root, stamp)
        return (root / "report.pdf").read_bytes()


# Typst runs in a process of its own, for two reasons. Its thread pool does not survive a fork, so a process
# that had made a PDF and then forked (an RQ worker's work horse, a test run) would wait for ever; and the
# memory it keeps between documents (its caches) is given back when the process ends. Typst writes every
# structure element (a tagged report has thousands) as an object of its own; qpdf (pikepdf) packs them into
# compressed object streams, which keeps the tags, the XMP metadata and the PDF/UA identification as they were.
TYPESET = """
import sys, typst
root, stamp = sys.argv[1], int(sys.argv[2])
pdf = typst.compile(root + "/report.typ", root=root, pdf_standards=["ua-1"], timestamp=stamp)
open(root + "/typst.pdf", "wb").write(pdf)
import pikepdf
with pikepdf.open(root + "/typst.pdf") as compact:
    compact.save(
        root + "/report.pdf",
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
        fix_metadata_version=False,
    )
"""


class TypesetError(RuntimeError):
    """Typst could not make the PDF: its own message, which names the problem."""


def typeset(root: Path, stamp: int) -> None:
    """`root/report.typ` to `root/report.pdf`. The root folder holds only the charts: a report can never read
    another file, and has no packages. Dated by its meeting, not the clock: the same report makes the same bytes."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script; the arguments are a path and a number
        [sys.executable, "-I", "-c", TYPESET, str(root), str(stamp)],
        capture_output=True,
        text=True,
        timeout=TYPESET_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise TypesetError(lines[-1] if lines else f"Typst stopped with exit code {done.returncode}")


TYPESET_TIMEOUT = 600  # seconds: a plan of 700 work streams takes about a minute
