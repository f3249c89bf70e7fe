from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.services.report.narrative import NARRATIVE_LABELS
from app.web.fields import OptionalDateField
from app.web.forms import Form
from app.web.hints import FutureDateHint

CONTACT_OFFICER_HINT = "Named on the report as its contact officer. Needed before the plan is presented."


class MeetingForm(Form):
    committee_name = StringField(
        "Committee",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the committee's name"), Length(max=200)],
    )
    meeting_date = OptionalDateField("Date of the meeting", description=FutureDateHint(weeks_ahead=4))
    contact_officer = StringField(
        "Contact officer", description=CONTACT_OFFICER_HINT, widget=GovTextInput(), validators=[Length(max=120)]
    )
    contact_telephone = StringField("Telephone (optional)", widget=GovTextInput(), validators=[Length(max=60)])
    report_author = StringField(
        "Report author (optional)",
        description="Named on the report and as its author in the PDF and Word files; if blank, the contact officer.",
        widget=GovTextInput(),
        validators=[Length(max=120)],
    )
    submit = SubmitField("Record the meeting", widget=GovSubmitInput())


class DetailsForm(Form):
    """The report's details, editable until the plan is presented."""

    version = HiddenField()
    contact_officer = StringField(
        "Contact officer", description=CONTACT_OFFICER_HINT, widget=GovTextInput(), validators=[Length(max=120)]
    )
    contact_telephone = StringField("Telephone (optional)", widget=GovTextInput(), validators=[Length(max=60)])
    report_author = StringField(
        "Report author (optional)",
        description="Named on the report and as its author in the PDF and Word files; if blank, the contact officer.",
        widget=GovTextInput(),
        validators=[Length(max=120)],
    )
    checkpoint = RadioField(
        "Reporting checkpoint",
        description="The performance measures the report shows (Appendices 2 and 4) and the months it names.",
        choices=[("6", "6 months"), ("12", "12 months")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the 6 month or the 12 month checkpoint")],
    )
    submit = SubmitField("Save the report details", widget=GovSubmitInput())


class NarrativeForm(Form):
    """The report's paragraphs. Their length is checked by the service (`narrative_problems`), by paragraph."""

    reason_for_item = TextAreaField(NARRATIVE_LABELS["reason_for_item"], widget=GovTextArea())
    recommendation = TextAreaField(NARRATIVE_LABELS["recommendation"], widget=GovTextArea())
    sip_paragraph_intro = TextAreaField(
        NARRATIVE_LABELS["sip_paragraph_intro"],
        description="The list of work streams follows the first paragraph. Leave a blank line between paragraphs.",
        widget=GovTextArea(),
    )
    action_plans_changes = TextAreaField(NARRATIVE_LABELS["action_plans_changes"], widget=GovTextArea())
    forward_look = TextAreaField(
        NARRATIVE_LABELS["forward_look"],
        description="Printed after the figures for the actions (paragraph 5).",
        widget=GovTextArea(),
    )
    progress_update = TextAreaField(NARRATIVE_LABELS["progress_update"], widget=GovTextArea())
    measures_paragraph_outro = TextAreaField(
        NARRATIVE_LABELS["measures_paragraph_outro"],
        description="Its first paragraph continues the sentence with the figures for the measures.",
        widget=GovTextArea(),
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
