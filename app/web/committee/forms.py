from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.web.fields import OptionalDateField
from app.web.forms import Form
from app.web.hints import FutureDateHint


class MeetingForm(Form):
    committee_name = StringField(
        "Committee",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the committee's name"), Length(max=200)],
    )
    meeting_date = OptionalDateField("Date of the meeting", description=FutureDateHint(weeks_ahead=4))
    contact_officer = StringField("Contact officer (optional)", widget=GovTextInput(), validators=[Length(max=120)])
    submit = SubmitField("Record the meeting", widget=GovSubmitInput())


class NarrativeForm(Form):
    reason_for_item = TextAreaField("Reason for item", widget=GovTextArea(), validators=[Length(max=5000)])
    recommendation = TextAreaField(
        "Suggested committee activity (recommendation)", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    sip_paragraph_intro = TextAreaField(
        "The Service Improvement Plan (before the figures)", widget=GovTextArea(), validators=[Length(max=10000)]
    )
    progress_update = TextAreaField("Progress update", widget=GovTextArea(), validators=[Length(max=10000)])
    measures_paragraph_outro = TextAreaField(
        "Performance measures (after the figures)", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    submit = SubmitField("Save the narrative", widget=GovSubmitInput())


class ImportForm(Form):
    workbook = FileField(
        "Excel workbook (.xlsx)",
        description="One sheet per work stream, as the export makes them.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Preview the import", widget=GovSubmitInput())


class ConfirmImportForm(Form):
    payload = HiddenField()
    title = StringField("Title of the new plan", widget=GovTextInput(), validators=[Length(max=200)])
    submit = SubmitField("Create the plan", widget=GovSubmitInput())
