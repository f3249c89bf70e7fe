"""The committee report as files: an HTML page with print styles, a PDF and a Word document.

Rendering works from plain data (`ReportData`), never from the database or a request, so the same
code renders the live plan today and a presented baseline later. `build_report_data` is the one
function that reads the database. The three formats are drawn from one outline of the report
(`_outline`), so they cannot say different things; figures are always computed, only the narrative
paragraphs are the officer's words.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from io import BytesIO
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")  # server-side rendering only: never a GUI backend

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt, RGBColor  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.clock import today  # noqa: E402
from app.domain.filters import ActionFilter  # noqa: E402
from app.domain.glossary import GLOSSARY  # noqa: E402
from app.domain.status import STATUS_ORDER, Status, StatusCounts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import PerformanceMeasure, WorkStream  # noqa: E402
from app.models.plan import to_roman  # noqa: E402
from app.services.audit import head as audit_head  # noqa: E402
from app.services.plan_read import find_actions, get_plan, plan_summary  # noqa: E402

ChartKind = Literal["actions", "measures", "trend"]

NARRATIVE_FIELDS: tuple[str, ...] = (
    "reason_for_item",
    "recommendation",
    "sip_paragraph_intro",
    "progress_update",
    "measures_paragraph_outro",
)

# GOV.UK colours, as in the Excel export; text on each meets 4.5:1 contrast.
RAG_HEX: dict[Status, tuple[str, str]] = {
    Status.COMPLETED: ("00703C", "FFFFFF"),
    Status.IN_PROGRESS: ("FFBF47", "0B0C0C"),
    Status.STATIC: ("D4351C", "FFFFFF"),
}
REPORT_AUTHOR = "Children's Social Care Service Improvement Plan"  # when no contact officer is recorded
HATCHES: dict[Status, str] = {Status.COMPLETED: "///", Status.IN_PROGRESS: "...", Status.STATIC: "xxx"}


# --- the data -------------------------------------------------------------------------------------------


@dataclass
class ReportAction:
    reference: str
    title: str
    measures_and_milestones: str
    key_targets: str
    progress: str
    status: Status
    changes_since: list[str] = field(default_factory=list)


@dataclass
class RetiredAction:
    reference: str
    title: str
    retired_on: date | None


@dataclass
class ReportMeasure:
    reference: str
    description: str
    target: str
    status: Status
    narrative: str


@dataclass
class ReportWorkStream:
    number: int
    title: str
    action_counts: StatusCounts
    measure_counts: StatusCounts
    actions: list[ReportAction] = field(default_factory=list)  # live actions only
    retired_actions: list[RetiredAction] = field(default_factory=list)
    measures: list[ReportMeasure] = field(default_factory=list)  # at the report's checkpoint

    @property
    def roman(self) -> str:
        return to_roman(self.number)


@dataclass
class ReportData:
    """Everything the report says. Figures are computed; the five narrative fields are the officer's words."""

    committee_name: str
    meeting_date: date
    plan_title: str
    contact_officer: str
    reason_for_item: str
    recommendation: str
    sip_paragraph_intro: str
    progress_update: str
    measures_paragraph_outro: str
    actions: StatusCounts
    measures: StatusCounts
    checkpoint: int
    work_streams: list[ReportWorkStream] = field(default_factory=list)
    risk_lines: list[str] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    trend: list[tuple[str, StatusCounts]] = field(default_factory=list)  # actions by status at each month end
    audit_head: str = ""  # "seq:hash" of the audit chain when the figures were fixed; anchors the trail

    @property
    def title(self) -> str:
        return f"{self.plan_title} - progress report".upper()

    @property
    def narrative(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NARRATIVE_FIELDS}


def default_narrative(plan_title: str, start_date: date | None, meeting_date: date, checkpoint: int) -> dict[str, str]:
    """The report's own wording, made general: a starting point the officer edits before export."""
    started = f"In {start_date:%B %Y} the" if start_date else "The"
    return {
        "reason_for_item": (
            f"This report aims to provide a summary of the status of the {plan_title} as of {meeting_date:%B %Y}. "
            "The Plan gives an overview of all of the key areas of activity and details of the current stage of "
            "improvement work within Children and Young People's Social Care. Within the context of the "
            "Department's overall plan, this paper sets out progress against each work stream and our performance "
            f"measures at {checkpoint} months."
        ),
        "recommendation": (
            "It is recommended that the Committee notes the development of the Service Improvement Plan and "
            "progress undertaken to date, and comments as appropriate on the direction of travel and pace of "
            "improvements within the service."
        ),
        "sip_paragraph_intro": (
            f"{started} {plan_title} (SIP) was developed. The SIP acknowledges the urgency required to deliver "
            "better outcomes for children in the Council's area. It builds on earlier improvement work and ensures "
            "that recent improvements are sustained and built upon.\n\n"
            "Each work stream has an Action Plan which contains the details of our progress against our performance "
            "milestones and targets (Appendix 3). The Action Plan is a 'live' document and is updated on an ongoing "
            "basis. A dedicated project manager coordinates the monitoring of the Plan and provides an independent "
            "challenge to the Service to provide evidence of progress against each of the actions. Every change to "
            "the Plan is recorded with the person who made it, the reason, the evidence and its approval, and the "
            "changes since the last committee meeting are shown beside each action."
        ),
        "progress_update": (
            "The service has continued to make steady progress since the last period of reporting. Progress against "
            "each work stream is summarised below and set out in detail in the appendices."
        ),
        "measures_paragraph_outro": (
            "Progress against these measures is also discussed with Service Managers and is being scrutinised and "
            "tracked on a regular basis. We will report back to the Committee about progress against the 12 month "
            "measures."
        ),
    }


def with_narrative(data: ReportData, narrative: Mapping[str, str] | None) -> ReportData:
    """The same report with some narrative paragraphs replaced; figures cannot be edited this way."""
    if not narrative:
        return data
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not narrative fields: {', '.join(sorted(unknown))}")
    return replace(data, **dict(narrative))  # type: ignore[arg-type]  # the keys were checked above


def build_report_data(
    plan_id: int,
    *,
    meeting_date: date,
    committee_name: str,
    narrative: dict[str, str] | None = None,
    changes_since: dict[int, list[str]] | None = None,
    risk_lines: list[str] | None = None,
    contact_officer: str = "",
) -> ReportData:
    """The report's data from the live plan, in a fixed number of queries however large the plan.

    `changes_since` maps an action id to the lines of its "changes since the last committee meeting"
    cell; `risk_lines` are the risk register summary. Both come from later features and may be left out.
    """
    plan = get_plan(plan_id)
    summary = plan_summary(plan)
    on = today()
    live = find_actions(plan.id, ActionFilter(), on)
    retired = find_actions(plan.id, ActionFilter(), on, retired=True)
    measures = db.session.scalars(
        select(PerformanceMeasure)
        .join(WorkStream, WorkStream.id == PerformanceMeasure.work_stream_id)
        .where(WorkStream.plan_id == plan.id, PerformanceMeasure.checkpoint == summary.checkpoint)
        .order_by(WorkStream.number, PerformanceMeasure.position, PerformanceMeasure.id)
    ).all()
    changes = changes_since or {}

    streams: dict[int, ReportWorkStream] = {}
    for item in summary.work_streams:
        ws = item.work_stream
        streams[ws.id] = ReportWorkStream(ws.number, ws.title, item.actions, item.measures)
    for a in live:
        streams[a.work_stream_id].actions.append(
            ReportAction(
                a.reference,
                a.title,
                a.measures_and_milestones,
                a.key_targets,
                a.progress,
                a.status_enum,
                list(changes.get(a.id, [])),
            )
        )
    for a in retired:
        streams[a.work_stream_id].retired_actions.append(RetiredAction(a.reference, a.title, a.retired_on))
    for m in measures:
        streams[m.work_stream_id].measures.append(
            ReportMeasure(m.reference, m.description, m.target, m.status_enum, m.narrative)
        )

    data = ReportData(
        committee_name=committee_name,
        meeting_date=meeting_date,
        plan_title=plan.title,
        contact_officer=contact_officer,
        **default_narrative(plan.title, plan.start_date, meeting_date, summary.checkpoint),  # type: ignore[arg-type]
        actions=summary.actions,
        measures=summary.measures,
        checkpoint=summary.checkpoint,
        work_streams=list(streams.values()),
        risk_lines=list(risk_lines or []),
        glossary=list(GLOSSARY),
        audit_head=str(audit_head() or ""),
    )
    return with_narrative(data, narrative)


# --- keeping report data (for baselines) ----------------------------------------------------------------


def report_data_as_json(data: ReportData) -> dict[str, Any]:
    """Plain JSON types, so a presented baseline can keep the report exactly as it was."""

    def counts(c: StatusCounts) -> dict[str, int]:
        return {"completed": c.completed, "in_progress": c.in_progress, "static": c.static}

    out: dict[str, Any] = {f.name: getattr(data, f.name) for f in fields(data)}
    out["meeting_date"] = data.meeting_date.isoformat()
    out["actions"] = counts(data.actions)
    out["measures"] = counts(data.measures)
    out["glossary"] = [list(pair) for pair in data.glossary]
    out["trend"] = [[label, counts(c)] for label, c in data.trend]
    out["work_streams"] = [
        {
            "number": ws.number,
            "title": ws.title,
            "action_counts": counts(ws.action_counts),
            "measure_counts": counts(ws.measure_counts),
            "actions": [{**vars(a), "status": a.status.value} for a in ws.actions],
            "retired_actions": [
                {**vars(a), "retired_on": a.retired_on.isoformat() if a.retired_on else None}
                for a in ws.retired_actions
            ],
            "measures": [{**vars(m), "status": m.status.value} for m in ws.measures],
        }
        for ws in data.work_streams
    ]
    return out


def report_data_from_json(raw: Mapping[str, Any]) -> ReportData:
    def counts(c: Mapping[str, int]) -> StatusCounts:
        return StatusCounts(c["completed"], c["in_progress"], c["static"])

    work_streams = [
        ReportWorkStream(
            number=w["number"],
            title=w["title"],
            action_counts=counts(w["action_counts"]),
            measure_counts=counts(w["measure_counts"]),
            actions=[
                ReportAction(**{**a, "status": Status(a["status"]), "changes_since": list(a["changes_since"])})
                for a in w["actions"]
            ],
            retired_actions=[
                RetiredAction(
                    r["reference"], r["title"], date.fromisoformat(r["retired_on"]) if r["retired_on"] else None
                )
                for r in w["retired_actions"]
            ],
            measures=[ReportMeasure(**{**m, "status": Status(m["status"])}) for m in w["measures"]],
        )
        for w in raw["work_streams"]
    ]
    return ReportData(
        **{
            name: raw[name]
            for name in ("committee_name", "plan_title", "contact_officer", "checkpoint", *NARRATIVE_FIELDS)
        },
        meeting_date=date.fromisoformat(raw["meeting_date"]),
        actions=counts(raw["actions"]),
        measures=counts(raw["measures"]),
        work_streams=work_streams,
        risk_lines=list(raw["risk_lines"]),
        glossary=[(a, b) for a, b in raw["glossary"]],
        trend=[(label, counts(c)) for label, c in raw.get("trend", [])],
        audit_head=raw.get("audit_head", ""),
    )


# --- the sentences with the figures ---------------------------------------------------------------------

Segments = tuple[tuple[str, bool], ...]  # text and whether it is bold, as the report prints figures


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _breakdown(c: StatusCounts, word: Any) -> Segments:
    """ "25 actions COMPLETED, 27 actions IN PROGRESS and 0 are STATIC": the figures bold, as the report prints them."""
    return (
        (str(c.completed), True),
        (f" {word(c.completed)} ", False),
        ("COMPLETED", True),
        (", ", False),
        (str(c.in_progress), True),
        (f" {word(c.in_progress)} ", False),
        ("IN PROGRESS", True),
        (" and ", False),
        (str(c.static), True),
        (f" {_plural(c.static, 'is', 'are')} ", False),
        ("STATIC", True),
        (".", False),
    )


def _figures_segments(data: ReportData) -> Segments:
    c = data.actions
    return (
        ("The graph at Appendix 1 shows that steady progress is being made against all ", False),
        (str(c.total), True),
        (f" {_plural(c.total, 'action', 'actions')} in the Plan, with ", False),
        *_breakdown(c, lambda n: _plural(n, "action", "actions")),
    )


def _measures_segments(data: ReportData) -> Segments:
    c = data.measures
    return (
        ("From the graph at Appendix 2 we can see that out of ", False),
        (str(c.total), True),
        (f" projected {_plural(c.total, 'outcome', 'outcomes')}, ", False),
        *_breakdown(c, lambda n: _plural(n, "is", "are")),
    )


def the_figures_sentence(data: ReportData) -> str:
    """Paragraph 4 of the report, with live figures."""
    return "".join(text for text, _ in _figures_segments(data))


def the_measures_sentence(data: ReportData) -> str:
    """Paragraph 8 of the report, with live figures."""
    return "".join(text for text, _ in _measures_segments(data))


# --- charts ---------------------------------------------------------------------------------------------


def _chart_counts(data: ReportData, kind: ChartKind) -> list[StatusCounts]:
    return [ws.action_counts if kind == "actions" else ws.measure_counts for ws in data.work_streams]


def _chart_title(data: ReportData, kind: ChartKind) -> str:
    if kind == "actions":
        return "Progress against the action plan, by work stream"
    return f"Progress against the performance measures at {data.checkpoint} months, by work stream"


def chart_png(data: ReportData, kind: ChartKind) -> bytes:
    """A stacked bar chart by work stream: RAG colours for the eye, hatching and a legend for black and white."""
    if kind not in ("actions", "measures"):
        raise ValueError(f"Unknown chart: {kind}")
    counts = _chart_counts(data, kind)
    labels = [ws.roman for ws in data.work_streams]
    figure = Figure(figsize=(8, 4.5), dpi=150)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    bottoms = [0] * len(counts)
    for status in STATUS_ORDER:
        values = [c.count(status) for c in counts]
        fill, text = RAG_HEX[status]
        bars = ax.bar(
            labels,
            values,
            bottom=bottoms,
            color=f"#{fill}",
            edgecolor="#0B0C0C",
            linewidth=0.8,
            hatch=HATCHES[status],
            label=status.label,
        )
        ax.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            color=f"#{text}",
            fontsize=9,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": f"#{fill}", "edgecolor": "none"},
        )
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.set_title(_chart_title(data, kind), fontsize=12)
    ax.set_xlabel("Work stream")
    ax.set_ylabel("Number of actions" if kind == "actions" else "Number of performance measures")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*bottoms, 1]) * 1.1)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [
        Patch(facecolor=f"#{RAG_HEX[s][0]}", edgecolor="#0B0C0C", hatch=HATCHES[s], label=s.label) for s in STATUS_ORDER
    ]
    ax.legend(handles=handles, title="Status", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _chart_alt(data: ReportData, kind: ChartKind) -> str:
    noun = "actions" if kind == "actions" else "performance measures"
    return (
        f"Stacked bar chart: {_chart_title(data, kind).lower()}. The figures are in the table below: {noun} by status."
    )


# --- the outline shared by every format -----------------------------------------------------------------

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


def _clean(text: str) -> str:
    """Line endings made uniform and characters that XML (and so Word) cannot hold removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", _clean(text)) if p.strip()]


def _plain(text: str) -> Segments:
    return ((text, False),)


def _uk_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _counts_table(data: ReportData, kind: ChartKind) -> Table:
    noun = "actions" if kind == "actions" else f"performance measures at {data.checkpoint} months"
    rows: list[list[Cell]] = []
    for ws, c in zip(data.work_streams, _chart_counts(data, kind), strict=True):
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


def _outline(data: ReportData) -> list[Part]:
    number = 0

    def numbered(segments: Segments) -> Para:
        nonlocal number
        number += 1
        return Para(segments, number)

    n_ws = len(data.work_streams)
    main: list[Block] = [
        Para(_plain(f"{data.committee_name} – {_uk_date(data.meeting_date)}"), css="meeting"),
        Heading(data.title, 0),
        Para((("Contact Officer: ", True), (data.contact_officer or "to be confirmed", False))),
        Heading("REASON FOR ITEM", 1),
        *[Para(_plain(p)) for p in _paragraphs(data.reason_for_item)],
        Heading("SUGGESTED COMMITTEE ACTIVITY", 1),
        *[Para(_plain(p)) for p in _paragraphs(data.recommendation)],
        Heading("INFORMATION", 1),
        Heading(data.plan_title, 2),
        *[numbered(_plain(p)) for p in _paragraphs(data.sip_paragraph_intro)],
        numbered(
            _plain(
                f"There {_plural(n_ws, 'is', 'are')} {n_ws} work {_plural(n_ws, 'stream', 'streams')} which contain "
                "performance measures, milestones and key targets for each area of the Service. They are:"
            )
        ),
        Bullets([f"{ws.roman}. {ws.title}" for ws in data.work_streams]),
        numbered(_figures_segments(data)),
        Heading(f"SIP {data.checkpoint} Month Progress Update", 2),
        *[numbered(_plain(p)) for p in _paragraphs(data.progress_update)],
        numbered(
            _plain(
                f"To provide a more detailed overview of progress, each of the {n_ws} work streams in the SIP contains "
                "a measurement of progress at 6 months and at 12 months. The graph at Appendix 2 shows our progress "
                f"against these measures at {data.checkpoint} months. It follows the same principles as the Action "
                "Plan: progress is measured against a RAG rating which shows whether a measure is COMPLETED, "
                "IN PROGRESS or STATIC. Detailed narrative concerning progress against each outcome is in Appendix 4."
            )
        ),
    ]
    outro = _paragraphs(data.measures_paragraph_outro)
    main.append(
        numbered(_measures_segments(data) + (((" " + outro[0]), False),) if outro else _measures_segments(data))
    )
    main += [numbered(_plain(p)) for p in outro[1:]]
    main += [
        Heading("Risk register", 2),
        numbered(
            _plain(
                "Actions which are STATIC or in danger of not meeting their deadline are pulled into the risk "
                "register, where Service Managers and SMT monitor them closely with mitigating and remedial actions "
                "to get them back on track."
                + ("" if data.risk_lines else " No action is on the risk register at the time of this report.")
            )
        ),
    ]
    if data.risk_lines:
        main.append(Bullets([_clean(line) for line in data.risk_lines]))
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
            ],
            numbered=True,
        ),
    ]

    appendix1: list[Block] = [
        Heading(f"Appendix 1: progress against the {data.plan_title} action plan", 1),
        Chart("actions", _chart_alt(data, "actions")),
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
        Chart("measures", _chart_alt(data, "measures")),
        _counts_table(data, "measures"),
    ]

    appendix3: list[Block] = [Heading(f"Appendix 3: {data.plan_title} action plans", 1)]
    for ws in data.work_streams:
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
                            ((a.title, True), ("\n" + _clean(a.measures_and_milestones), False))
                            if a.measures_and_milestones.strip()
                            else ((a.title, True),),
                            _clean(a.key_targets),
                            _clean(a.progress),
                            a.status,
                            "\n".join(_clean(c) for c in a.changes_since) or "None",
                        ]
                        for a in ws.actions
                    ],
                    widths=[0.06, 0.24, 0.17, 0.27, 0.1, 0.16],
                    css="action-plan",
                )
            )
        else:
            appendix3.append(Para(_plain("No live actions: every action in this work stream is retired.")))
        appendix3.append(_summary_box(ws))
        if ws.retired_actions:
            appendix3.append(
                Table(
                    caption=f"Retired actions of work stream {ws.roman}: completed, no further progress required",
                    headers=["Ref", "Action", "Retired on"],
                    rows=[[r.reference, _clean(r.title), _uk_date(r.retired_on)] for r in ws.retired_actions],
                    widths=[0.1, 0.7, 0.2],
                    css="retired",
                )
            )

    appendix4: list[Block] = [
        Heading(f"Appendix 4: performance measures at {data.checkpoint} months, with narratives", 1)
    ]
    for ws in data.work_streams:
        appendix4.append(Heading(f"Work stream {ws.roman}: {ws.title}", 2))
        if not ws.measures:
            appendix4.append(Para(_plain("No performance measures at this checkpoint.")))
            continue
        appendix4.append(
            Table(
                caption=f"Performance measures of work stream {ws.roman} at {data.checkpoint} months",
                headers=["Ref", "Projected outcome", "Target", "Status", "Narrative"],
                rows=[
                    [m.reference, _clean(m.description), _clean(m.target), m.status, _clean(m.narrative)]
                    for m in ws.measures
                ],
                widths=[0.07, 0.27, 0.2, 0.1, 0.36],
                css="measures",
            )
        )

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
                _plain(
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
    ]


# --- HTML (and so PDF) ----------------------------------------------------------------------------------

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


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _css_string(text: str) -> str:
    """Text safe inside a CSS string in a <style> element, where HTML escapes do not apply."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return out.replace("<", "\\3c ").replace(">", "\\3e ")


def _html_segments(segments: Segments) -> str:
    return "".join(f"<strong>{_esc(_clean(t))}</strong>" if bold else _esc(_clean(t)) for t, bold in segments)


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
        uri = "data:image/png;base64," + base64.b64encode(charts[block.kind]).decode("ascii")
        return f'<figure><img class="chart" src="{uri}" alt="{_esc(block.alt)}"></figure>'
    return _html_table(block)


def trend_png(data: ReportData) -> bytes:
    """Actions by status at each month end: a line per status, marked so it reads in black and white."""
    labels = [label for label, _ in data.trend]
    figure = Figure(figsize=(8, 4), dpi=150)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    markers = {Status.COMPLETED: "o", Status.IN_PROGRESS: "^", Status.STATIC: "s"}
    styles = {Status.COMPLETED: "-", Status.IN_PROGRESS: "--", Status.STATIC: ":"}
    for status in STATUS_ORDER:
        ax.plot(
            labels,
            [c.count(status) for _, c in data.trend],
            marker=markers[status],
            linestyle=styles[status],
            color=f"#{RAG_HEX[status][0]}",
            label=status.label,
            linewidth=2,
        )
    ax.set_title("Actions by status over time", fontsize=12)
    ax.set_ylabel("Number of actions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="Status", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _charts(data: ReportData) -> dict[str, bytes]:
    charts = {"actions": chart_png(data, "actions"), "measures": chart_png(data, "measures")}
    if data.trend:
        charts["trend"] = trend_png(data)
    return charts


def render_html(data: ReportData, *, charts: Mapping[str, bytes] | None = None) -> str:
    """A standalone page: print styles, no scripts, charts embedded as data: URIs. The PDF is made from it."""
    charts = charts or _charts(data)
    footer = _css_string(f"{data.committee_name} – {_uk_date(data.meeting_date)}")
    parts = "".join(
        f'<section class="part{" part--landscape" if part.landscape else ""}">'
        + "".join(_html_block(b, charts) for b in part.blocks)
        + "</section>"
        for part in _outline(data)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(data.title)}</title>"
        f'<meta name="author" content="{_esc(data.contact_officer or REPORT_AUTHOR)}">'
        f"<style>{CSS % {'footer': footer}}</style></head>"
        f"<body>{parts}</body></html>\n"
    )


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


def render_pdf(data: ReportData, *, charts: Mapping[str, bytes] | None = None) -> bytes:
    """WeasyPrint from the HTML: a tagged PDF, for readers of published committee papers who use assistive tools."""
    return _pdf(render_html(data, charts=charts))


def _pdf(page: str) -> bytes:
    """Only data: URIs may be fetched, so rendering a report can never reach the network or the disk."""
    # WeasyPrint pulls in Pango through cffi: loaded when a PDF is made, not at start-up.
    from weasyprint import HTML  # noqa: PLC0415
    from weasyprint.urls import URLFetcher  # noqa: PLC0415

    # PDF/UA-1: tagged, with the title, author and language from the page's <title>, <meta> and lang.
    pdf: bytes = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


# --- Word -----------------------------------------------------------------------------------------------


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
        run = paragraph.add_run(_clean(text))
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
        run = paragraph.add_run(_clean(value))
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
    charts = charts or _charts(data)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    doc.core_properties.title = data.title
    doc.core_properties.author = data.contact_officer or REPORT_AUTHOR
    doc.core_properties.language = "en-GB"
    _british_english(doc)
    doc.core_properties.subject = f"{data.committee_name} – {_uk_date(data.meeting_date)}"
    doc.core_properties.comments = ""

    section = doc.sections[0]
    _orient(section, False)
    section.footer.paragraphs[0].text = f"{data.committee_name} – {_uk_date(data.meeting_date)}"

    for index, part in enumerate(_outline(data)):
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
            elif isinstance(block, Chart):
                picture = doc.add_picture(BytesIO(charts[block.kind]), width=min(usable, Cm(16)))
                picture._inline.docPr.set("descr", block.alt)  # alt text, as Word's own dialog stores it
                picture._inline.docPr.set("title", _chart_title(data, block.kind))
                doc.paragraphs[-1].paragraph_format.keep_with_next = True
                described = doc.add_paragraph(block.alt)
                described.runs[0].italic = True
            else:
                _docx_table(doc, block, usable)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def render_all(data: ReportData) -> dict[str, bytes]:
    """HTML, PDF and Word, with the charts drawn once."""
    charts = _charts(data)
    page = render_html(data, charts=charts)
    return {"html": page.encode("utf-8"), "pdf": _pdf(page), "docx": render_docx(data, charts=charts)}
