from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.web.fields import OptionalDateField, coerce_id
from app.web.forms import Form
from app.web.hints import FutureDateHint

REASON_HINT = "Shown in the action's history and to the committee as the justification for the change."


class ReasonMixin:
    reason = TextAreaField(
        "Why is this change being made?", description=REASON_HINT, widget=GovTextArea(), validators=[Length(max=2000)]
    )


class ActionForm(Form, ReasonMixin):
    version = HiddenField()
    title = StringField("Title", widget=GovTextInput(), validators=[Length(max=200)])
    measures_and_milestones = TextAreaField(
        "Performance measures and milestones", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    key_targets = TextAreaField("Key targets", widget=GovTextArea(), validators=[Length(max=5000)])
    deadline = OptionalDateField("Deadline", description=FutureDateHint())
    owner_id = SelectField(
        "Owner",
        coerce=coerce_id,
        widget=GovSelect(),
        validators=[Optional()],
        validate_choice=False,
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewActionForm(ActionForm):
    reference = StringField(
        "Reference (optional)",
        description="Leave blank for the next number in the work stream.",
        widget=GovTextInput(),
        validators=[Length(max=20)],
    )
    progress = TextAreaField("Progress - actions (optional)", widget=GovTextArea(), validators=[Length(max=5000)])
    submit = SubmitField("Add action", widget=GovSubmitInput())


class RetireForm(Form, ReasonMixin):
    version = HiddenField()
    submit = SubmitField("Retire action", widget=GovSubmitInput())


class WorkStreamForm(Form, ReasonMixin):
    title = StringField("Title", widget=GovTextInput(), validators=[Length(max=200)])
    submit = SubmitField("Add work stream", widget=GovSubmitInput())


class MeasureForm(Form, ReasonMixin):
    version = HiddenField()
    reference = StringField("Reference (optional)", widget=GovTextInput(), validators=[Length(max=20)])
    description = TextAreaField("Projected outcome", widget=GovTextArea(), validators=[Length(max=2000)])
    target = TextAreaField("Target", widget=GovTextArea(), validators=[Length(max=2000)])
    checkpoint = RadioField(
        "Measured at",
        choices=[("6", "6 months"), ("12", "12 months")],
        default="6",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class MakeCurrentForm(Form):
    reason = StringField()
