from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.domain.bounds import parse_id
from app.web.fields import OptionalDateField
from app.web.forms import Form
from app.web.hints import FutureDateHint

SCORES = [("", "Select")] + [(str(n), str(n)) for n in range(1, 6)]


def _int_or_none(value: object) -> int | None:
    return parse_id("" if value is None else str(value))


class EntryForm(Form):
    version = HiddenField()
    likelihood = SelectField(
        "Likelihood (1 to 5)",
        choices=SCORES,
        coerce=_int_or_none,
        widget=GovSelect(),
        validate_choice=False,
        description="5 is almost certain to happen.",
    )
    impact = SelectField(
        "Impact (1 to 5)",
        choices=SCORES,
        coerce=_int_or_none,
        widget=GovSelect(),
        validate_choice=False,
        description="5 is a severe impact on children or on the plan.",
    )
    mitigations = TextAreaField("Mitigating actions", widget=GovTextArea(), validators=[Length(max=5000)])
    remedial_actions = TextAreaField("Remedial actions", widget=GovTextArea(), validators=[Length(max=5000)])
    next_review_on = OptionalDateField("Next review date", description=FutureDateHint(weeks_ahead=4))
    owner_id = SelectField("Owner", coerce=_int_or_none, widget=GovSelect(), validate_choice=False)
    reason = TextAreaField("What has changed and why?", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class EscalateForm(Form):
    version = HiddenField()
    comment = TextAreaField("Why?", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Escalate to SMT", widget=GovSubmitInput())


class CommentForm(Form):
    body = TextAreaField("Comment", widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class WindowForm(Form):
    days = IntegerField(
        "Warning window (days)",
        widget=GovTextInput(),
        validators=[Optional()],
        description="An unfinished action enters the register when its deadline is this close.",
    )
    reason = StringField("Why is it changing?", widget=GovTextInput(), validators=[Length(max=500)])
    submit = SubmitField("Change the window", widget=GovSubmitInput())
