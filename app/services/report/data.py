"""What the committee report says, as plain data: `ReportData` and its parts, and their JSON form.

A presented baseline keeps the report as JSON (`report_data_as_json`), so it can be rendered again exactly
as it was (`report_data_from_json`). Nothing here reads the database or renders anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from app.domain.references import to_roman
from app.domain.status import Status, StatusCounts
from app.services.report.narrative import NARRATIVE_FIELDS

REPORT_AUTHOR = "Children's Social Care Service Improvement Plan"  # when no contact officer is recorded


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
    changes_since: list[str] = field(default_factory=list)  # its retirement, with the reason, if since the last meeting


@dataclass
class ReportMeasure:
    reference: str
    description: str
    target: str
    status: Status
    narrative: str
    six_month_status: Status | None = None  # in a 12-month report: the same measure's status at 6 months


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
class ReportSection:
    """An appendix after the glossary, drawn from the plan's own records since the last meeting (the
    independent challenge, the monthly update rounds, members' questions): a few sentences and a table."""

    title: str  # "Independent challenge since the last meeting"
    intro: list[str]  # paragraphs before the table
    caption: str
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # shares of the table width, summing to 1
    empty: str = ""  # said instead of the table when it has no rows


@dataclass
class ReportData:
    """Everything the report says. Figures are computed; the narrative fields are the officer's words."""

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
    action_plans_changes: str = ""
    forward_look: str = ""
    contact_telephone: str = ""
    report_author: str = ""
    work_streams: list[ReportWorkStream] = field(default_factory=list)
    risk_lines: list[str] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    trend: list[tuple[str, StatusCounts]] = field(default_factory=list)  # actions by status at each month end
    audit_head: str = ""  # "seq:hash" of the audit chain when the figures were fixed; anchors the trail
    sections: list[ReportSection] = field(default_factory=list)  # Appendix 6 onwards

    @property
    def title(self) -> str:
        return f"{self.plan_title} - progress report".upper()

    @property
    def author(self) -> str:
        """Who the documents' metadata names as author."""
        return self.report_author or self.contact_officer or REPORT_AUTHOR

    @property
    def narrative(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in NARRATIVE_FIELDS}


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
    out["sections"] = [vars(s) for s in data.sections]
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
            "measures": [
                {
                    **vars(m),
                    "status": m.status.value,
                    "six_month_status": m.six_month_status.value if m.six_month_status else None,
                }
                for m in ws.measures
            ],
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
                    r["reference"],
                    r["title"],
                    date.fromisoformat(r["retired_on"]) if r["retired_on"] else None,
                    list(r.get("changes_since", [])),
                )
                for r in w["retired_actions"]
            ],
            measures=[
                ReportMeasure(
                    **{
                        **m,
                        "status": Status(m["status"]),
                        "six_month_status": Status(m["six_month_status"]) if m.get("six_month_status") else None,
                    }
                )
                for m in w["measures"]
            ],
        )
        for w in raw["work_streams"]
    ]
    # Baselines presented before a field existed lack it: it reads as empty.
    return ReportData(
        **{name: raw[name] for name in ("committee_name", "plan_title", "contact_officer", "checkpoint")},
        **{name: raw.get(name, "") for name in (*NARRATIVE_FIELDS, "contact_telephone", "report_author")},
        meeting_date=date.fromisoformat(raw["meeting_date"]),
        actions=counts(raw["actions"]),
        measures=counts(raw["measures"]),
        work_streams=work_streams,
        risk_lines=list(raw["risk_lines"]),
        glossary=[(a, b) for a, b in raw["glossary"]],
        trend=[(label, counts(c)) for label, c in raw.get("trend", [])],
        audit_head=raw.get("audit_head", ""),
        sections=[ReportSection(**s) for s in raw.get("sections", [])],
    )
