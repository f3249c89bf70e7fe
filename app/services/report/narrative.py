"""The report's editable paragraphs: their names, the default wording, and putting them into a report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.report.data import ReportData

NARRATIVE_FIELDS: tuple[str, ...] = (
    "reason_for_item",
    "recommendation",
    "sip_paragraph_intro",
    "progress_update",
    "measures_paragraph_outro",
)


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
