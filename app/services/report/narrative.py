"""The report's editable paragraphs: their names and limits, the default wording, and the placeholders.

The officer's words may name dates that move with each meeting ("as of {as_of_month}"): `fill_placeholders`
puts the meeting's own values in when the report is built (plain text, before any format escapes it), so a
narrative carried forward from the last meeting stays true. An unknown name in braces is left as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.report.data import ReportData

NARRATIVE_FIELDS: tuple[str, ...] = (
    "reason_for_item",
    "recommendation",
    "sip_paragraph_intro",
    "action_plans_changes",
    "progress_update",
    "measures_paragraph_outro",
    "forward_look",
)

# What each paragraph is called where a person reads it (the edit form's labels, error messages).
NARRATIVE_LABELS: dict[str, str] = {
    "reason_for_item": "Reason for item",
    "recommendation": "Suggested committee activity (recommendation)",
    "sip_paragraph_intro": "The Service Improvement Plan (before the list of work streams and after it)",
    "action_plans_changes": "How the action plans are presented (paragraph 3)",
    "progress_update": "Progress update",
    "measures_paragraph_outro": "Performance measures (after the figures)",
    "forward_look": "The forward look (the next work stream, the next report)",
}

NARRATIVE_LIMIT = 3000  # characters in any one paragraph field

PLACEHOLDERS: dict[str, str] = {
    "as_of_month": "the month before the meeting, such as September 2015",
    "meeting_date": "the date of the meeting, such as 7 October 2015",
    "checkpoint": "the reporting checkpoint: 6 or 12 (months)",
    "plan_start_month": "the month the plan started",
    "last_meeting_month": "the month of the last meeting the plan was presented to",
    "next_report_month": "the month of the next recorded meeting, or four months after this one",
    "twelve_month_report_month": "the month twelve months after the plan started",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before, if negative) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_words(day: date) -> str:
    return f"{day:%B %Y}"


@dataclass(frozen=True)
class ReportDates:
    """What the placeholders stand for, for one meeting."""

    meeting_date: date
    checkpoint: int
    plan_start: date
    last_meeting: date | None = None  # the last meeting the plan was presented to, before this one
    next_meeting: date | None = None  # the next meeting recorded after this one

    def values(self) -> dict[str, str]:
        last = self.last_meeting or self.plan_start  # no earlier meeting: the plan's start is the last report
        following = self.next_meeting or add_months(self.meeting_date, 4)
        return {
            "as_of_month": month_words(add_months(self.meeting_date, -1)),
            "meeting_date": f"{self.meeting_date.day} {self.meeting_date:%B %Y}",
            "checkpoint": str(self.checkpoint),
            "plan_start_month": month_words(self.plan_start),
            "last_meeting_month": month_words(last),
            "next_report_month": month_words(following),
            "twelve_month_report_month": month_words(add_months(self.plan_start, 12)),
        }


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """`{name}` replaced by its value; braces around anything else are left exactly as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def filled_narrative(narrative: Mapping[str, str], dates: ReportDates) -> dict[str, str]:
    values = dates.values()
    return {name: fill_placeholders(text, values) for name, text in narrative.items()}


def narrative_problems(narrative: Mapping[str, str]) -> dict[str, str]:
    """A message for each paragraph over its limit, naming the paragraph."""
    return {
        name: f"{NARRATIVE_LABELS[name]} must be {NARRATIVE_LIMIT:,} characters or fewer: it has {len(text):,}"
        for name, text in narrative.items()
        if name in NARRATIVE_LABELS and len(text) > NARRATIVE_LIMIT
    }


def default_narrative(plan_title: str) -> dict[str, str]:
    """The source report's own wording, made general, with placeholders for its dates.

    A meeting starts from the last presented meeting's narrative; this is for a plan's first meeting.
    """
    return {
        "reason_for_item": (
            f"This report aims to provide a summary of the status of the {plan_title} as of {{as_of_month}}. "
            "The Plan gives an overview of all of the key areas of activity and details of the current stage of "
            "improvement work within Children and Young People Social Care. Within the context of the "
            "Department's overall plan, this paper sets out progress against each work stream and our performance "
            "measures at {checkpoint} months."
        ),
        "recommendation": (
            "It is recommended that the Committee notes the development of the Service Improvement Plan and "
            "progress undertaken to date, and comments as appropriate on the direction of travel and pace of "
            "improvements within the service."
        ),
        "sip_paragraph_intro": (
            f"In {{plan_start_month}} the {plan_title} (SIP) was developed. The SIP acknowledges the urgency "
            "required to deliver better outcomes for children within the borough. It enhances the work already "
            "completed as part of earlier improvement plans and ensures that recent improvements are sustained and "
            "built upon.\n\n"
            "Each work stream has an Action Plan which contains the details of our progress against our performance "
            "milestones and targets. The Action Plan is a 'live' document and due to the dynamic nature of the "
            "Service the Plan is updated on an ongoing basis. Following the Committee meeting in "
            "{last_meeting_month}, Members requested greater transparency and a clearer audit trail surrounding "
            "changes made to the Plan. This request has been accommodated in the Action Plans which are being "
            "presented today (please refer to Appendix 3). The plan is supported by a dedicated project manager who "
            "coordinates the monitoring of the plan and provides an independent challenge to the Service to provide "
            "evidence of progress against each of the actions. The Committee will also note that there is a summary "
            "graph which illustrates the number of COMPLETED, IN PROGRESS or STATIC actions by work stream, for "
            "easier and more effective monitoring of actions. The action plan is reviewed and monitored regularly "
            "by the Assistant Director, Children's Social Care and by the Director and the senior management team "
            "(SMT)."
        ),
        "action_plans_changes": (
            "To improve the visibility and monitoring of our actions against key targets, the following changes "
            "have been made to the Action Plans, they are:\n"
            '- The order and titles of columns: "Performance measures and milestones", "Key targets" and '
            '"Progress - actions" have changed slightly so that the information between the assigned action and '
            "its status, i.e. what we are doing and where we are, flows better to tell the story of improvement;\n"
            '- The "Status" column is new. It contains three options to inform the service and the Committee about '
            "whether an action is COMPLETED, IN PROGRESS or STATIC. A red, amber, green (RAG) rating has been "
            "applied for easier identification and more effective and informed monitoring against each action;\n"
            '- The "Changes since the last committee meeting" column is also new and aims to inform the Committee '
            "of any changes that may have taken place since the Plan was last presented to them in "
            "{last_meeting_month}. This column aims to clearly explain the justification and rationale for any "
            "changes that may have occurred;\n"
            "- At the bottom of each work stream there is now a box which contains a summary of each COMPLETED, "
            "IN PROGRESS or STATIC action (by number and as a percentage of the total actions);\n"
            "- Any actions which have been fully COMPLETED, i.e. where no further progress is required, are "
            'recorded in the "Retired actions" box; and\n'
            "- Where actions are STATIC or in danger of not meeting their deadline these are being pulled into our "
            "risk register and monitored more closely (by Service Managers and SMT) with mitigating and remedial "
            "actions in place to ensure they get back on track."
        ),
        "progress_update": (
            "The service has continued to make steady progress from the last period of reporting. Progress against "
            "each work stream is summarised below and set out in detail in the appendices."
        ),
        "measures_paragraph_outro": (
            "Progress against these measures is also discussed with Service Managers and is being scrutinised and "
            "tracked on a regular basis. In {twelve_month_report_month}, we will report back to the Committee about "
            "progress against the 12 month measures."
        ),
        "forward_look": (
            "In the coming quarter we are developing a work stream for the Early Intervention Service which we will "
            "present to the Committee at the next quarterly update which is due in {next_report_month}."
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
