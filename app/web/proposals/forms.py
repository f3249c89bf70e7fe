from datetime import date

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup, escape
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.formatting import format_date
from app.services import challenges
from app.web.fields import OptionalDateField
from app.web.forms import Form
from app.web.hints import FutureDateHint

STATUS_CHOICES = [("COMPLETED", "COMPLETED"), ("IN_PROGRESS", "IN PROGRESS"), ("STATIC", "STATIC")]


class EvidenceFields:
    evidence_file = FileField(
        "Upload a file",
        description="PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG, up to 20 MB.",
        widget=GovFileInput(),
    )
    evidence_url = StringField(
        "Or give a link",
        description="For example, a page on the council's intranet.",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=2000)],
    )
    evidence_title = StringField(
        "Title of the evidence (optional)", widget=GovTextInput(), validators=[Length(max=255)]
    )
    evidence_note = TextAreaField("What does this evidence show?", widget=GovTextArea(), validators=[Length(max=2000)])


class ActionProposalForm(Form, EvidenceFields):
    target_version = HiddenField()
    proposal_version = HiddenField()
    status = RadioField("New status", choices=STATUS_CHOICES, widget=GovRadioInput(), validators=[Optional()])
    status_reason = TextAreaField(
        "Why is this changing?",
        description="Needed if the status is changing. The committee reads it beside the change.",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    progress = TextAreaField(
        "Progress - actions",
        description="The updated progress narrative, as the committee will read it.",
        widget=GovCharacterCount(),
        validators=[Length(max=5000)],
    )
    deadline = OptionalDateField(
        "New deadline (optional)", description=FutureDateHint("Only if the deadline must move. ")
    )
    deadline_reason = TextAreaField("Why must the deadline move?", widget=GovTextArea(), validators=[Length(max=2000)])
    key_targets = TextAreaField("Key targets", widget=GovTextArea(), validators=[Length(max=5000)])
    key_targets_reason = TextAreaField(
        "Why should the key targets change?", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    measures_and_milestones = TextAreaField(
        "Performance measures and milestones", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    measures_and_milestones_reason = TextAreaField(
        "Why should the wording change?", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    at_risk = BooleanField(
        "In danger of missing its deadline",
        widget=GovCheckboxInput(),
        description="The action goes into the risk register once this is approved.",
    )
    at_risk_reason = TextAreaField(
        "Why is it in danger, or why not any more?", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_proposal = SubmitField("Submit for approval", widget=GovSubmitInput())


class MeasureProposalForm(Form, EvidenceFields):
    target_version = HiddenField()
    proposal_version = HiddenField()
    status = RadioField("New status", choices=STATUS_CHOICES, widget=GovRadioInput(), validators=[Optional()])
    status_reason = TextAreaField(
        "Why is this changing?",
        description="Needed if the status is changing. The committee reads it beside the change.",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    narrative = TextAreaField(
        "Narrative",
        description="Progress against this measure, with figures where you have them.",
        widget=GovCharacterCount(),
        validators=[Length(max=5000)],
    )
    target = TextAreaField("Target", widget=GovTextArea(), validators=[Length(max=2000)])
    target_reason = TextAreaField("Why should the target change?", widget=GovTextArea(), validators=[Length(max=2000)])
    description = TextAreaField("Projected outcome (wording)", widget=GovTextArea(), validators=[Length(max=2000)])
    description_reason = TextAreaField(
        "Why should the wording change?", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_proposal = SubmitField("Submit for approval", widget=GovSubmitInput())


class VersionedForm(Form):
    proposal_version = HiddenField()


class DueDateHint:
    """The challenge's default due date, worked out when the page is drawn: 10 working days from today."""

    def __str__(self) -> str:
        return (
            "Leave blank for 10 working days (weekends and bank holidays do not count): "
            f"{format_date(challenges.default_due_date())}. For another date, for example "
            f"{_example(challenges.default_due_date())}."
        )

    def __html__(self) -> Markup:
        return escape(str(self))


def _example(day: date) -> str:
    return f"{day.day} {day.month} {day.year}"


class ChallengeForm(VersionedForm):
    question = TextAreaField(
        "Your question to the service manager", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    due_on = OptionalDateField("Answer due by (optional)", description=DueDateHint())
    more_evidence = BooleanField("They must add more evidence with their answer", widget=GovCheckboxInput())
    submit = SubmitField("Challenge", widget=GovSubmitInput())


class RejectForm(VersionedForm):
    reason = TextAreaField("Reason for rejecting", widget=GovTextArea(), validators=[Length(max=5000)])
    submit = SubmitField("Reject", widget=GovSubmitInput())


class ApproveForm(VersionedForm):
    confirmed_target_version = HiddenField()
    note = TextAreaField(
        "Why are you approving this change?",
        description="For example, what the evidence shows. It is recorded with the change and shown to the committee.",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    submit = SubmitField("Approve", widget=GovSubmitInput())


class RespondForm(VersionedForm, EvidenceFields):
    answer = TextAreaField("Your answer", widget=GovTextArea(), validators=[Length(max=5000)])
    submit = SubmitField("Respond and resubmit", widget=GovSubmitInput())


class SimpleEventForm(VersionedForm):
    pass
