"""The report as a standalone HTML page with print styles; the PDF is made from it."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping

from app.domain.status import Status
from app.services.report.charts import draw_charts
from app.services.report.data import ReportData
from app.services.report.outline import Block, Bullets, Cell, Chart, Heading, Para, Table, clean, outline, uk_date
from app.services.report.sentences import Segments

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-left { content: "%(footer)s"; font-size: 8pt; color: #505a5f; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #505a5f; } }
@page landscape { size: A4 landscape; }
html {
  font-family: Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #0b0c0c;
}
body { margin: 0 auto; max-width: 62em; padding: 1em; }
h1 { font-size: 17pt; margin: 0.4em 0 0.6em; }
h2 { font-size: 13pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 12pt; margin: 1em 0 0.3em; }
p { margin: 0 0 0.6em; }
p.chart-to-come { border-left: 4px solid #b1b4b6; padding: 0.4em 0 0.4em 0.8em; color: #505a5f; }
p.meeting { font-size: 9pt; color: #505a5f; }
p.audit-head { font-size: 8pt; color: #505a5f; overflow-wrap: anywhere; margin-top: 2em; }
p.numbered { padding-left: 2em; text-indent: -2em; }
.number { display: inline-block; width: 2em; text-indent: 0; }
ul, ol { margin: 0 0 0.8em; }
img.chart { display: block; width: 100%%; max-width: 17cm; margin: 0.5em 0; }
table { table-layout: fixed; border-collapse: collapse; width: 100%%; margin: 0.4em 0 1em; font-size: 9pt; }
caption { text-align: left; font-weight: bold; padding: 0.2em 0; caption-side: top; }
th, td { border: 1px solid #6f777b; padding: 3pt 4pt; vertical-align: top; text-align: left; white-space: pre-line; }
thead th { background: #dee0e2; }
tr.total td, tr.total th { font-weight: bold; border-top: 2px solid #0b0c0c; }
td.status { font-weight: bold; text-align: center; }
td.status--completed { background: #00703c; color: #ffffff; }
td.status--in_progress { background: #ffbf47; color: #0b0c0c; }
td.status--static { background: #d4351c; color: #ffffff; }
table.figures td:not(:first-child), table.summary-box td:not(:first-child) { text-align: right; }
table.summary-box, table.retired { width: auto; min-width: 50%%; }
figure { margin: 0; break-inside: avoid; }
table.figures, table.summary-box { break-inside: avoid; }
.part--landscape { page: landscape; }
@media print {
  body { max-width: none; padding: 0; }
  .part + .part { break-before: page; }
  h1, h2, h3, caption { break-after: avoid; }
  thead { display: table-header-group; }
}
@media screen { .part + .part { border-top: 1px solid #b1b4b6; margin-top: 2em; padding-top: 1em; } }
""" + "".join(f"col.w{n} {{ width: {n}%%; }}\n" for n in range(1, 101))


CHARTS_TO_COME = "Charts are drawn when the plan is presented. The table below gives the same figures."


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _css_string(text: str) -> str:
    """Text safe inside a CSS string in a <style> element, where HTML escapes do not apply."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return out.replace("<", "\\3c ").replace(">", "\\3e ")


def _html_segments(segments: Segments) -> str:
    return "".join(f"<strong>{_esc(clean(t))}</strong>" if bold else _esc(clean(t)) for t, bold in segments)


def _html_cell(cell: Cell, tag: str = "td") -> str:
    if isinstance(cell, Status):
        return f'<td class="status status--{cell.key}">{_esc(cell.label)}</td>'
    if isinstance(cell, tuple):
        return f"<{tag}>{_html_segments(cell)}</{tag}>"
    return f"<{tag}>{_esc(cell)}</{tag}>"


def _html_table(table: Table) -> str:
    # Widths by class, not style attributes: the web page is served under a CSP without 'unsafe-inline'.
    cols = "".join(f'<col class="w{w * 100:.0f}">' for w in table.widths)
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in table.headers)
    body = []
    for i, row in enumerate(table.rows):
        css = ' class="total"' if table.total_last and i == len(table.rows) - 1 else ""
        first = row[0]
        if isinstance(first, Status):  # a StrEnum: its words and colour, never its stored name
            cells = f'<th scope="row" class="status status--{first.key}">{_esc(first.label)}</th>'
        elif isinstance(first, str) and table.css in {"figures", "summary-box"}:
            cells = f'<th scope="row">{_esc(first)}</th>'
        else:
            cells = _html_cell(first)
        cells += "".join(_html_cell(c) for c in row[1:])
        body.append(f"<tr{css}>{cells}</tr>")
    return (
        f'<table class="{table.css}"><caption>{_esc(table.caption)}</caption><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _html_block(block: Block, charts: Mapping[str, bytes]) -> str:
    if isinstance(block, Heading):
        level = block.level + 1
        return f"<h{level}>{_esc(block.text)}</h{level}>"
    if isinstance(block, Para):
        if block.number is not None:
            return (
                f'<p class="numbered"><span class="number">{block.number}.</span>{_html_segments(block.segments)}</p>'
            )
        css = f' class="{block.css}"' if block.css else ""
        return f"<p{css}>{_html_segments(block.segments)}</p>"
    if isinstance(block, Bullets):
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_esc(item)}</li>" for item in block.items) + f"</{tag}>"
    if isinstance(block, Chart):
        if block.kind not in charts:  # a preview: the table after the chart gives its figures
            return f'<p class="chart-to-come">{_esc(CHARTS_TO_COME)}</p>'
        return f'<figure><img class="chart" src="{_data_uri(charts[block.kind])}" alt="{_esc(block.alt)}"></figure>'
    return _html_table(block)


def render_html(
    data: ReportData, *, charts: Mapping[str, bytes] | None = None, appendix_work_streams: slice | None = None
) -> str:
    """A standalone page: print styles, no scripts, charts embedded as data: URIs. The PDF is made from it."""
    charts = draw_charts(data) if charts is None else charts
    footer = _css_string(f"{data.committee_name} – {uk_date(data.meeting_date)}")
    parts = "".join(
        f'<section class="part{" part--landscape" if part.landscape else ""}">'
        + "".join(_html_block(b, charts) for b in part.blocks)
        + "</section>"
        for part in outline(data, appendix_work_streams=appendix_work_streams)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(data.title)}</title>"
        f'<meta name="author" content="{_esc(data.author)}">'
        f"<style>{CSS % {'footer': footer}}</style></head>"
        f"<body>{parts}</body></html>\n"
    )


def web_page(page: str, charts: Mapping[str, bytes]) -> str:
    """The stored page as this site serves it: the stylesheet linked and the charts as links to their stored
    images, so the page is a fraction of the size. Links are relative to `/meetings/<id>/report`, so they hold
    wherever the app is mounted."""
    page = re.sub(
        r"<style>.*?</style>",
        '<link rel="stylesheet" href="../report.css">'
        '<link rel="icon" href="../../static/img/favicon.svg" type="image/svg+xml">',
        page,
        count=1,
        flags=re.DOTALL,
    )
    for name, png in charts.items():
        page = page.replace(f'src="{_data_uri(png)}"', f'src="charts/{name}.png"')
    return page


def content_security_policy(page: str) -> str:
    """The Content-Security-Policy to serve a rendered page with: its one inline style by hash, images only as data:.

    The app's default policy allows styles only from our own files, which would leave the report unstyled.
    """
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    hashes = (
        " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii") + "'"
            for style in styles
        )
        or "'none'"
    )
    return (
        f"default-src 'none'; style-src {hashes}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
