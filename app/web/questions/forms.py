from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField

from app.domain.bounds import parse_id
from app.domain.questions import ANSWER_LIMIT, QUESTION_LIMIT
from app.web.forms import Form

# Lengths are the service's to judge (one message, counted as stored): the fields only carry the limit.


def _int_or_none(value: object) -> int | None:
    return parse_id("" if value is None else str(value))


class AskForm(Form):
    text = TextAreaField(
        "Your question",
        description=(
            f"Up to {QUESTION_LIMIT:,} characters. The officer responsible answers it; once the project manager "
            "publishes the answer it is shown here and in the next committee report, with your name."
        ),
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Send your question", widget=GovSubmitInput())


class RouteForm(Form):
    version = HiddenField()
    officer_id = SelectField("Officer to answer it", coerce=_int_or_none, widget=GovSelect(), validate_choice=False)
    note = TextAreaField("Note for the officer (optional)", widget=GovTextArea())
    submit = SubmitField("Send to the officer", widget=GovSubmitInput())


class AnswerForm(Form):
    version = HiddenField()
    answer = TextAreaField(
        "Your answer",
        description=f"Up to {ANSWER_LIMIT:,} characters, in plain words for councillors. Name no child or family.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Send your answer", widget=GovSubmitInput())


class PublishForm(Form):
    version = HiddenField()
    wording = TextAreaField(
        "Answer to publish",
        description="The officer's answer. Edit the wording if it needs it: members read what you publish.",
        widget=GovCharacterCount(),
    )
    reason = TextAreaField("If you changed the wording, why?", widget=GovTextArea())
    submit = SubmitField("Publish the answer", widget=GovSubmitInput())
