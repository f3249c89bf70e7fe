"""What the read API answers, as marshmallow schemas: the OpenAPI document is generated from these
(app/web/api/spec.py), and the views build exactly these shapes (`tests/web/test_api_schemathesis.py` holds
every response to them)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from app.domain.changes import APPROVED_CHANGE_KINDS
from app.domain.risk import Reason
from app.domain.status import Status

STATUSES = [s.value for s in Status]


def _req(field: fields.Field) -> fields.Field:
    field.required = True
    return field


def Int(**kw: Any) -> fields.Field:  # noqa: N802 - reads as a type in the schemas below
    return _req(fields.Integer(**kw))


def Str(**kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.String(**kw))


def Bool(**kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.Boolean(**kw))


def DateF(**kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.Date(**kw))


def Moment(**kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.DateTime(**kw))


def Link(**kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.String(allow_none=True, **kw))


def Many(schema: type[Schema]) -> fields.Field:  # noqa: N802
    return _req(fields.List(fields.Nested(schema)))


def One(schema: type[Schema], **kw: Any) -> fields.Field:  # noqa: N802
    return _req(fields.Nested(schema, **kw))


class Error(Schema):
    error = _req(fields.Raw(metadata={"description": "a short code, or the HTTP status"}))
    message = Str()


class Counts(Schema):
    total = Int()
    completed = Int()
    in_progress = Int()
    static = Int()


class PlanRef(Schema):
    id = Int()
    title = Str()


class Person(Schema):
    """Someone named on the plan; the e-mail address only for staff (the committee see names only)."""

    id = Int()
    name = Str()
    email = fields.String(metadata={"description": "only for roles that see internal papers"})


class Paging(Schema):
    page = Int(metadata={"description": "the page served (a page past the end is the last page)"})
    per_page = Int()
    pages = Int()
    total = Int(metadata={"description": "items in the whole list"})
    next = Link(metadata={"description": "the next page's URL, or null on the last page"})
    previous = Link(metadata={"description": "the previous page's URL, or null on the first"})


class Plan(Schema):
    id = Int()
    title = Str()
    start_date = DateF()
    is_current = Bool()
    reporting_checkpoint = Int(metadata={"description": "6 or 12 (months)"})
    risk_warning_days = Int()


class PlanDetail(Plan):
    actions = One(Counts)
    measures = One(Counts, metadata={"description": "at the reporting checkpoint"})
    work_stream_count = Int()


class PlanPage(Paging):
    items = Many(Plan)


class WorkStream(Schema):
    id = Int()
    plan_id = Int()
    number = Int()
    roman = Str()
    title = Str()
    actions = One(Counts)


class WorkStreamDetail(WorkStream):
    measures = One(Counts, metadata={"description": "at the plan's reporting checkpoint"})
    managers = Many(Person)
    open_risks = Int()


class WorkStreamPage(Paging):
    items = Many(WorkStream)


class Action(Schema):
    id = Int()
    work_stream_id = Int()
    work_stream_number = Int()
    reference = Str()
    title = Str()
    measures_and_milestones = Str()
    key_targets = Str()
    progress = Str()
    status = Str(metadata={"enum": STATUSES})
    deadline = _req(fields.Date(allow_none=True))
    overdue = Bool()
    at_risk = Bool(metadata={"description": "flagged as in danger of missing its deadline"})
    retired_on = _req(fields.Date(allow_none=True))
    owner = _req(fields.Nested(Person, allow_none=True))
    version = Int()
    updated_at = Moment()


class ActionPage(Paging):
    items = Many(Action)


class Measure(Schema):
    id = Int()
    work_stream_id = Int()
    work_stream_number = Int()
    reference = Str()
    description = Str()
    checkpoint = Int(metadata={"description": "6 or 12 (months)"})
    target = Str()
    status = Str(metadata={"enum": STATUSES})
    narrative = Str()
    updated_at = Moment()


class MeasurePage(Paging):
    items = Many(Measure)


class RiskEntry(Schema):
    id = Int()
    action_id = Int()
    action_reference = Str()
    action_title = Str()
    work_stream_id = Int()
    reasons = _req(fields.List(fields.String(metadata={"enum": [r.value for r in Reason]})))
    opened_on = DateF()
    owner = _req(fields.Nested(Person, allow_none=True))
    likelihood = Int()
    impact = Int()
    score = Int()
    band = Str()
    mitigations = Str()
    remedial_actions = Str()
    next_review_on = _req(fields.Date(allow_none=True))
    escalated = Bool()


class RiskPage(Paging):
    items = Many(RiskEntry)
    heat_map = _req(
        fields.List(
            fields.List(fields.Integer()),
            metadata={"description": "entries counted by likelihood (rows, 1-5) and impact (columns, 1-5)"},
        )
    )


class Change(Schema):
    event_id = Int()
    kind = Str(metadata={"enum": list(APPROVED_CHANGE_KINDS)})
    action_id = _req(fields.Integer(allow_none=True))
    work_stream_id = _req(fields.Integer(allow_none=True))
    reference = Str()
    what = Str()
    before = Str()
    after = Str()
    justification = Str()
    approval_note = Str()
    proposer = Str()
    proposed_on = _req(fields.DateTime(allow_none=True))
    approver = Str()
    approved_on = _req(fields.DateTime(allow_none=True))
    evidence_titles = _req(fields.List(fields.String()))
    text = Str(metadata={"description": "the paragraph the committee report prints"})


class ChangePage(Paging):
    since = _req(
        fields.Nested(
            "Meeting",
            allow_none=True,
            metadata={"description": "the meeting whose baseline the changes are counted from (null: the start)"},
        )
    )
    items = Many(Change)


class Meeting(Schema):
    id = Int()
    plan_id = Int()
    committee_name = Str()
    meeting_date = DateF()
    checkpoint = Int()
    presented = Bool()
    presented_at = _req(fields.DateTime(allow_none=True))
    report = Link(metadata={"description": "the printable report's URL once presented"})


class MeetingPage(Paging):
    items = Many(Meeting)


class SummaryWorkStream(Schema):
    id = Int()
    number = Int()
    title = Str()
    actions = One(Counts)
    measures = One(Counts)


class Summary(Paging):
    plan = One(PlanRef)
    checkpoint_months = Int()
    actions = One(Counts)
    measures = One(Counts)
    work_stream_count = Int()
    work_streams = Many(SummaryWorkStream)
    total = fields.Integer()  # the summary names its size work_stream_count


class TrendPoint(Schema):
    label = Str()
    total = Int()
    completed = Int()
    in_progress = Int()
    static = Int()


class Trend(Schema):
    plan = One(PlanRef)
    monthly = Many(TrendPoint)
    baselines = Many(TrendPoint)
