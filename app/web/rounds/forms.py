from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField

from app.services.rounds import NOTE_LIMIT
from app.web.fields import OptionalDateField
from app.web.forms import Form


class OpenRoundForm(Form):
    month = SelectField("Month the round is for", widget=GovSelect(), validate_choice=False)
    due_date = OptionalDateField("Updates are due by", description="For example, 15 3 2016")
    submit = SubmitField("Open the round", widget=GovSubmitInput())


class CloseRoundForm(Form):
    version = HiddenField()
    submit = SubmitField("Close the round", widget=GovSubmitInput())


class NoChangeForm(Form):
    note = TextAreaField(
        "Why nothing changed this month",
        widget=GovTextArea(),
        description=f"A short note, kept with the round and in the audit trail ({NOTE_LIMIT} characters at most).",
    )
    submit = SubmitField("Record no change this month", widget=GovSubmitInput())


class UploadForm(Form):
    workbook = FileField(
        "Your filled-in checklist (.xlsx)",
        description="The workbook you downloaded from this page. Each changed row becomes a draft proposal.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Preview the drafts", widget=GovSubmitInput())


class ConfirmUploadForm(Form):
    payload = HiddenField()
    submit = SubmitField("Create the draft proposals", widget=GovSubmitInput())
