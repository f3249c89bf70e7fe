"""The one outline of the report that every format draws, so the HTML, PDF and Word cannot disagree.

Pure: no database, no matplotlib. A `Chart` block names a chart; each format draws it from the images it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from app.domain.status import STATUS_ORDER, Status, StatusCounts
from app.services.report.data import ReportData, ReportSection, ReportWorkStream
from app.services.report.sentences import Segments, figures_segments, measures_segments, plural

ChartKind = Literal["actions", "measures", "trend"]

# GOV.UK colours, as in the Excel export; text on each meets 4.5:1 contrast.
RAG_HEX: dict[Status, tuple[str, str]] = {
    Status.COMPLETED: ("00703C", "FFFFFF"),
    Status.IN_PROGRESS: ("FFBF47", "0B0C0C"),
    Status.STATIC: ("D4351C", "FFFFFF"),
}


CHART_MAX_WORK_STREAMS = 20  # more bars than this cannot be read on an A4 page: the chart shows the plan as one
# A plan of more work streams than CHART_MAX_WORK_STREAMS publishes its Appendices 3 and 4 (a table per work stream)
# as separate documents of this many work streams each: typesetting 2,000 pages in one piece held 3 GB.
APPENDIX_GROUP = 50


def chart_counts(data: ReportData, kind: ChartKind) -> list[StatusCounts]:
    return [ws.action_counts if kind == "actions" else ws.measure_counts for ws in data.work_streams]


def chart_by_work_stream(data: ReportData) -> bool:
    return len(data.work_streams) <= CHART_MAX_WORK_STREAMS


def chart_bars(data: ReportData, kind: ChartKind) -> list[tuple[str, StatusCounts]]:
    """The chart's bars: one per work stream (by its numeral), or, in a plan too big for that, the whole plan."""
    if chart_by_work_stream(data):
        return [(ws.roman, c) for ws, c in zip(data.work_streams, chart_counts(data, kind), strict=True)]
    total = data.actions if kind == "actions" else data.measures
    return [(f"All {len(data.work_streams)} work streams", total)]


def chart_title(data: ReportData, kind: ChartKind) -> str:
    how = "by work stream" if chart_by_work_stream(data) else f"all {len(data.work_streams)} work streams together"
    if kind == "actions":
        return f"Progress against the action plan, {how}"
    return f"Progress against the performance measures at {data.checkpoint} months, {how}"


def chart_alt(data: ReportData, kind: ChartKind) -> str:
    noun = "actions" if kind == "actions" else "performance measures"
    return (
        f"Stacked bar chart: {chart_title(data, kind).lower()}. The figures are in the table below: {noun} by status."
    )


def appendix_groups(data: ReportData) -> list[tuple[int, int]]:
    """The work streams (first and last numbers) of each separate document of Appendices 3 and 4; none for a plan
    small enough to carry them itself (the demo's seven work streams: one document, as before)."""
    streams = data.work_streams
    if len(streams) <= CHART_MAX_WORK_STREAMS:
        return []
    return [
        (streams[i].number, streams[min(i + APPENDIX_GROUP, len(streams)) - 1].number)
        for i in range(0, len(streams), APPENDIX_GROUP)
    ]


def appendix_title(first: int, last: int) -> str:
    """ "Appendices 3 and 4, work streams 1 to 50": a separate document's title, from its work streams' numbers
    (in figures: a plan of hundreds of work streams has numerals no reader can count)."""
    return f"Appendices 3 and 4, work streams {first} to {last}"


Cell = str | Status | Segments


@dataclass
class Heading:
    text: str
    level: int  # 0 title, 1 section, 2 sub-section, 3 minor


@dataclass
class Para:
    segments: Segments
    number: int | None = None
    css: str = ""


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Chart:
    kind: ChartKind
    alt: str


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[float]  # shares of the table width, summing to 1
    total_last: bool = False  # the last row is a total, printed in bold
    css: str = ""


Block = Heading | Para | Bullets | Chart | Table


@dataclass
class Part:
    """A run of pages; each part starts on a new page, in its orientation."""

    landscape: bool
    blocks: list[Block]


def clean(text: str) -> str:
    """Line endings made uniform and characters that XML (and so Word) cannot hold removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


def prose(text: str) -> list[str | list[str]]:
    """The officer's text as paragraphs (a string each) and bulleted lists (lines starting "- ", a list each).

    Within a paragraph, a line that follows a bullet without starting one continues that bullet."""
    out: list[str | list[str]] = []
    for paragraph in paragraphs(text):
        words: list[str] = []
        bullets: list[str] = []
        for line in (raw.strip() for raw in paragraph.split("\n")):
            if line.startswith(("- ", "* ")):
                if words:
                    out.append(" ".join(words))
                    words = []
                bullets.append(line[2:].strip())
            elif bullets:
                bullets[-1] = f"{bullets[-1]} {line}".strip()
            elif line:
                words.append(line)
        if words:
            out.append(" ".join(words))
        if bullets:
            out.append([b for b in bullets if b])
    return [item for item in out if item]


def _leading_paragraph(items: list[str | list[str]]) -> str:
    """The first item taken off if it is a paragraph (not a list); else ""."""
    if items and isinstance(items[0], str):
        first = items.pop(0)
        return first if isinstance(first, str) else ""
    return ""


def plain(text: str) -> Segments:
    return ((text, False),)


def uk_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _counts_table(data: ReportData, kind: ChartKind) -> Table:
    noun = "actions" if kind == "actions" else f"performance measures at {data.checkpoint} months"
    rows: list[list[Cell]] = []
    for ws, c in zip(data.work_streams, chart_counts(data, kind), strict=True):
        rows.append([f"{ws.roman}. {ws.title}", *[str(c.count(s)) for s in STATUS_ORDER], str(c.total)])
    total = data.actions if kind == "actions" else data.measures
    rows.append(["Total", *[str(total.count(s)) for s in STATUS_ORDER], str(total.total)])
    return Table(
        caption=f"Number of {noun} in each status, by work stream",
        headers=["Work stream", *[s.label for s in STATUS_ORDER], "Total"],
        rows=rows,
        widths=[0.52, 0.12, 0.12, 0.12, 0.12],
        total_last=True,
        css="figures",
    )


def _summary_box(ws: ReportWorkStream) -> Table:
    c = ws.action_counts
    rows: list[list[Cell]] = [[s, str(c.count(s)), f"{c.percentage(s)}%"] for s in STATUS_ORDER]
    rows.append(["Total", str(c.total), "100%" if c.total else "0%"])
    return Table(
        caption=f"Summary of work stream {ws.roman}: actions by status",
        headers=["Status", "Number of actions", "Percentage of actions"],
        rows=rows,
        widths=[0.4, 0.3, 0.3],
        total_last=True,
        css="summary-box",
    )


def outline(data: ReportData, *, appendix_work_streams: slice | None = None) -> list[Part]:
    """The report, part by part. `appendix_work_streams` limits Appendices 3 and 4 (the action plans and the
    measures, a table per work stream) to some work streams: the preview of a large plan shows a few at a time.
    Without it, a plan of more than CHART_MAX_WORK_STREAMS work streams says where its Appendices 3 and 4 are:
    in separate documents (`appendix_outline`), named here by their titles."""
    number = 0
    groups = appendix_groups(data) if appendix_work_streams is None else []
    shown = data.work_streams if appendix_work_streams is None else data.work_streams[appendix_work_streams]

    def numbered(segments: Segments) -> Para:
        nonlocal number
        number += 1
        return Para(segments, number)

    def officer(text: str | list[str | list[str]], *, numbering: bool = True) -> list[Block]:
        """The officer's paragraphs (numbered, as the report numbers them) and bulleted lists."""
        out: list[Block] = []
        for item in prose(text) if isinstance(text, str) else text:
            if isinstance(item, list):
                out.append(Bullets([clean(i) for i in item]))
            else:
                out.append(numbered(plain(item)) if numbering else Para(plain(item)))
        return out

    n_ws = len(data.work_streams)
    title_block: list[Block] = [
        Para((("Contact Officer: ", True), (data.contact_officer or "to be confirmed", False))),
    ]
    if data.contact_telephone:
        title_block.append(Para((("Telephone: ", True), (data.contact_telephone, False))))
    if data.report_author and data.report_author != data.contact_officer:
        title_block.append(Para((("Report author: ", True), (data.report_author, False))))
    work_streams_sentence = (
        f"There {plural(n_ws, 'is', 'are')} {n_ws} work {plural(n_ws, 'stream', 'streams')} which contain "
        "performance measures, milestones and key targets for each area of the Service. They are:"
    )
    intro = prose(data.sip_paragraph_intro)
    first = _leading_paragraph(intro)
    main: list[Block] = [
        Para(plain(f"{data.committee_name} – {uk_date(data.meeting_date)}"), css="meeting"),
        Heading(data.title, 0),
        *title_block,
        Heading("REASON FOR ITEM", 1),
        *officer(data.reason_for_item, numbering=False),
        Heading("SUGGESTED COMMITTEE ACTIVITY", 1),
        *officer(data.recommendation, numbering=False),
        Heading("INFORMATION", 1),
        Heading(data.plan_title, 2),
        # Paragraph 1 ends with the list of work streams, as the report prints it.
        numbered(plain(f"{first} {work_streams_sentence}" if first else work_streams_sentence)),
        Bullets([f"{ws.roman}. {ws.title}" for ws in data.work_streams]),
        *officer(intro),
        *officer(data.action_plans_changes),
        numbered(figures_segments(data)),
        *officer(data.forward_look),
        Heading(f"SIP {data.checkpoint} Month Progress Update", 2),
        *officer(data.progress_update),
        numbered(
            plain(
                f"To provide a more detailed overview of progress, each of the {n_ws} work streams in the SIP contains "
                "a measurement of progress at 6 months and at 12 months. The graph at Appendix 2 shows our progress "
                f"against these measures at {data.checkpoint} months. It follows the same principles as the Action "
                "Plan: progress is measured against a RAG rating which shows whether a measure is COMPLETED, "
                "IN PROGRESS or STATIC. Detailed narrative concerning progress against each outcome is in Appendix 4."
            )
        ),
    ]
    outro = prose(data.measures_paragraph_outro)
    lead = _leading_paragraph(outro)
    main.append(numbered(measures_segments(data) + (((" " + lead), False),) if lead else measures_segments(data)))
    main += officer(outro)
    main += [
        Heading("Risk register", 2),
        numbered(
            plain(
                "Actions which are STATIC or in danger of not meeting their deadline are pulled into the risk "
                "register, where Service Managers and SMT monitor them closely with mitigating and remedial actions "
                "to get them back on track."
                + ("" if data.risk_lines else " No action is on the risk register at the time of this report.")
            )
        ),
    ]
    if data.risk_lines:
        main.append(Bullets([clean(line) for line in data.risk_lines]))
    main += [
        Heading("BACKGROUND PAPERS", 1),
        Bullets(
            [
                f"Graph depicting progress against the {data.plan_title} action plan (Appendix 1).",
                f"Graph depicting {data.checkpoint} month progress against the {data.plan_title} performance measures "
                "(Appendix 2).",
                f"{data.plan_title}: action plans (Appendix 3).",
                f"{data.plan_title}: performance measures and narratives (Appendix 4).",
                "Glossary (Appendix 5).",
                *(f"{s.title} (Appendix {6 + i})." for i, s in enumerate(data.sections)),
            ],
            numbered=True,
        ),
    ]

    appendix1: list[Block] = [
        Heading(f"Appendix 1: progress against the {data.plan_title} action plan", 1),
        Chart("actions", chart_alt(data, "actions")),
        _counts_table(data, "actions"),
    ]
    if data.trend:
        appendix1 += [
            Heading("Actions by status over time", 2),
            Chart(
                "trend",
                "Line chart of the number of actions COMPLETED, IN PROGRESS and STATIC at the end of each "
                "month; the table below gives the same figures.",
            ),
            Table(
                caption="Actions by status at the end of each month",
                headers=["Month", *[s.label for s in STATUS_ORDER], "Total"],
                rows=[[label, *[str(c.count(s)) for s in STATUS_ORDER], str(c.total)] for label, c in data.trend],
                widths=[0.4, 0.15, 0.15, 0.15, 0.15],
                css="figures",
            ),
        ]
    appendix2: list[Block] = [
        Heading(f"Appendix 2: {data.checkpoint} month progress against the performance measures", 1),
        Chart("measures", chart_alt(data, "measures")),
        _counts_table(data, "measures"),
    ]

    if groups:
        elsewhere = Para(
            plain(
                f"With {n_ws} work streams, Appendices 3 and 4 are published as {len(groups)} separate documents, "
                f"{APPENDIX_GROUP} work streams each, beside this report: "
                + "; ".join(appendix_title(first, last) for first, last in groups)
                + "."
            )
        )
        appendix3: list[Block] = [Heading(f"Appendix 3: {data.plan_title} action plans", 1), elsewhere]
        appendix4: list[Block] = [
            Heading(f"Appendix 4: performance measures at {data.checkpoint} months, with narratives", 1),
            elsewhere,
        ]
    else:
        appendix3, appendix4 = _appendix3(data, shown), _appendix4(data, shown)

    appendix5: list[Block] = [
        Heading("Appendix 5: glossary", 1),
        Table(
            caption="Abbreviations used in the Plan and this report",
            headers=["Abbreviation", "Meaning"],
            rows=[[abbr, meaning] for abbr, meaning in data.glossary],
            widths=[0.2, 0.8],
            css="glossary",
        ),
    ]
    if data.audit_head:
        appendix5.append(
            Para(
                plain(
                    f"Audit trail head at presentation: {data.audit_head}. This is the number and fingerprint "
                    "(SHA-256) of the last change recorded before the report; it lets anyone check later that no "
                    "change recorded up to it has been altered."
                ),
                css="audit-head",
            )
        )
    return [
        Part(False, main),
        Part(False, appendix1),
        Part(False, appendix2),
        Part(True, appendix3),
        Part(True, appendix4),
        Part(False, appendix5),
        *(Part(False, _section(6 + i, s)) for i, s in enumerate(data.sections)),
    ]


def _section(number: int, section: ReportSection) -> list[Block]:
    blocks: list[Block] = [Heading(f"Appendix {number}: {section.title}", 1)]
    blocks += [Para(plain(clean(text))) for text in section.intro]
    if section.rows:
        blocks.append(
            Table(
                caption=section.caption,
                headers=section.headers,
                rows=[[clean(cell) for cell in row] for row in section.rows],
                widths=section.widths,
            )
        )
    elif section.empty:
        blocks.append(Para(plain(section.empty)))
    return blocks


def _appendix3(data: ReportData, shown: list[ReportWorkStream]) -> list[Block]:
    appendix3: list[Block] = [Heading(f"Appendix 3: {data.plan_title} action plans", 1)]
    for ws in shown:
        appendix3.append(Heading(f"Work stream {ws.roman}: {ws.title}", 2))
        if ws.actions:
            appendix3.append(
                Table(
                    caption=f"Action plan for work stream {ws.roman}",
                    headers=[
                        "Ref",
                        "Performance measures and milestones",
                        "Key targets",
                        "Progress - actions",
                        "Status",
                        "Changes since the last committee meeting",
                    ],
                    rows=[
                        [
                            a.reference,
                            ((a.title, True), ("\n" + clean(a.measures_and_milestones), False))
                            if a.measures_and_milestones.strip()
                            else ((a.title, True),),
                            clean(a.key_targets),
                            clean(a.progress),
                            a.status,
                            "\n".join(clean(c) for c in a.changes_since) or "None",
                        ]
                        for a in ws.actions
                    ],
                    widths=[0.06, 0.24, 0.17, 0.27, 0.1, 0.16],
                    css="action-plan",
                )
            )
        else:
            appendix3.append(Para(plain("No live actions: every action in this work stream is retired.")))
        appendix3.append(_summary_box(ws))
        if ws.retired_actions:
            appendix3.append(
                Table(
                    caption=f"Retired actions of work stream {ws.roman}: completed, no further progress required",
                    headers=["Ref", "Action", "Retired on", "Changes since the last committee meeting"],
                    rows=[
                        [
                            r.reference,
                            clean(r.title),
                            uk_date(r.retired_on),
                            "\n".join(clean(c) for c in r.changes_since) or "None",
                        ]
                        for r in ws.retired_actions
                    ],
                    widths=[0.08, 0.37, 0.15, 0.4],
                    css="retired",
                )
            )

    return appendix3


def _appendix4(data: ReportData, shown: list[ReportWorkStream]) -> list[Block]:
    appendix4: list[Block] = [
        Heading(f"Appendix 4: performance measures at {data.checkpoint} months, with narratives", 1)
    ]
    for ws in shown:
        appendix4.append(Heading(f"Work stream {ws.roman}: {ws.title}", 2))
        if not ws.measures:
            appendix4.append(Para(plain("No performance measures at this checkpoint.")))
            continue
        if data.checkpoint == 12:  # the 6-month result beside each 12-month measure
            table = Table(
                caption=f"Performance measures of work stream {ws.roman} at 12 months, with their 6 month status",
                headers=["Ref", "Projected outcome", "Target", "At 6 months", "At 12 months", "Narrative"],
                rows=[
                    [
                        m.reference,
                        clean(m.description),
                        clean(m.target),
                        m.six_month_status or "Not measured",
                        m.status,
                        clean(m.narrative),
                    ]
                    for m in ws.measures
                ],
                widths=[0.07, 0.24, 0.18, 0.1, 0.1, 0.31],
                css="measures",
            )
        else:
            table = Table(
                caption=f"Performance measures of work stream {ws.roman} at {data.checkpoint} months",
                headers=["Ref", "Projected outcome", "Target", "Status", "Narrative"],
                rows=[
                    [m.reference, clean(m.description), clean(m.target), m.status, clean(m.narrative)]
                    for m in ws.measures
                ],
                widths=[0.07, 0.27, 0.2, 0.1, 0.36],
                css="measures",
            )
        appendix4.append(table)
    return appendix4


def appendix_outline(data: ReportData, first: int, last: int) -> list[Part]:
    """A separate document of Appendices 3 and 4 for work streams `first` to `last` (their numbers), as the
    report of a plan of more than CHART_MAX_WORK_STREAMS work streams publishes them."""
    shown = [ws for ws in data.work_streams if first <= ws.number <= last]
    head: list[Block] = [
        Para(plain(f"{data.committee_name} – {uk_date(data.meeting_date)}"), css="meeting"),
        Heading(f"{data.title}: {appendix_title(first, last)}", 0),
    ]
    appendix3 = _appendix3(data, shown)
    return [Part(True, head + appendix3), Part(True, _appendix4(data, shown))]
