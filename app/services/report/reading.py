"""`build_report_data`: the one function of the report that reads the database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from app.clock import today
from app.domain.filters import ActionFilter
from app.domain.glossary import GLOSSARY
from app.extensions import db
from app.models import PerformanceMeasure, WorkStream
from app.services.audit import head as audit_head
from app.services.plan_read import find_actions, get_plan, plan_summary
from app.services.report.data import ReportAction, ReportData, ReportMeasure, ReportWorkStream, RetiredAction
from app.services.report.narrative import (
    NARRATIVE_FIELDS,
    ReportDates,
    default_narrative,
    filled_narrative,
    with_narrative,
)


def build_report_data(
    plan_id: int,
    *,
    meeting_date: date,
    committee_name: str,
    narrative: Mapping[str, str] | None = None,
    changes_since: dict[int, list[str]] | None = None,
    risk_lines: list[str] | None = None,
    contact_officer: str = "",
    contact_telephone: str = "",
    report_author: str = "",
    checkpoint: int | None = None,
    dates: ReportDates | None = None,
) -> ReportData:
    """The report's data from the live plan, in a fixed number of queries however large the plan.

    `changes_since` maps an action id to the lines of its "changes since the last committee meeting"
    cell; `risk_lines` are the risk register summary. Both come from later features and may be left out.
    `checkpoint` (6 or 12; the plan's own if not given) chooses the performance measures reported. The
    narrative (the default wording where a paragraph is not given) has its placeholders filled from `dates`.
    """
    plan = get_plan(plan_id)
    summary = plan_summary(plan, checkpoint)
    on = today()
    live = find_actions(plan.id, ActionFilter(), on)
    retired = find_actions(plan.id, ActionFilter(), on, retired=True)
    measures = db.session.scalars(
        select(PerformanceMeasure)
        .join(WorkStream, WorkStream.id == PerformanceMeasure.work_stream_id)
        .where(WorkStream.plan_id == plan.id)
        .order_by(WorkStream.number, PerformanceMeasure.position, PerformanceMeasure.id)
    ).all()
    changes = changes_since or {}
    at_six = {(m.work_stream_id, m.reference): m.status_enum for m in measures if m.checkpoint == 6}

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
        if m.checkpoint != summary.checkpoint:
            continue
        streams[m.work_stream_id].measures.append(
            ReportMeasure(
                m.reference,
                m.description,
                m.target,
                m.status_enum,
                m.narrative,
                at_six.get((m.work_stream_id, m.reference)) if summary.checkpoint == 12 else None,
            )
        )

    dates = dates or ReportDates(meeting_date, summary.checkpoint, plan.start_date)
    words = filled_narrative({**default_narrative(plan.title), **(narrative or {})}, dates)
    data = ReportData(
        committee_name=committee_name,
        meeting_date=meeting_date,
        plan_title=plan.title,
        contact_officer=contact_officer,
        contact_telephone=contact_telephone,
        report_author=report_author,
        **dict.fromkeys(NARRATIVE_FIELDS, ""),  # type: ignore[arg-type]
        actions=summary.actions,
        measures=summary.measures,
        checkpoint=summary.checkpoint,
        work_streams=list(streams.values()),
        risk_lines=list(risk_lines or []),
        glossary=list(GLOSSARY),
        audit_head=str(audit_head() or ""),
    )
    return with_narrative(data, words)
